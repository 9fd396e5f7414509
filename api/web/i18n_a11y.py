"""Words for the accessible map and busy buttons (keyboard and screen-reader users).

Kept apart from :mod:`api.web.i18n` so the two grow without colliding; that module
merges this table into its ``STRINGS``.
"""

from __future__ import annotations

A11Y_STRINGS: dict[str, tuple[str, str]] = {
    "map_help": (
        "Bydele og boliger. Hvert punkt er en bolig: gå til den med Tab og tryk Enter "
        "for detaljer. De samme boliger står i tabellen under kortet.",
        "Districts and homes. Each point is a home: reach it with Tab and press Enter "
        "for details. The same homes are listed in the table below the map.",
    ),
    "map_home_label": (
        "Bolig #{id}: {address}, {area}, {rooms}, {rent} kr./md., {status}",
        "Home #{id}: {address}, {area}, {rooms}, DKK {rent}/month, {status}",
    ),
    "map_homes": ("Boligerne på kortet", "The homes on the map"),
    "map_details": ("Valgt bolig", "Selected home"),
    "map_details_help": (
        "Vælg et punkt på kortet for at se boligens detaljer her.",
        "Choose a point on the map to see the home's details here.",
    ),
    "room_count_one": ("{n} værelse", "{n} room"),
    "room_count_many": ("{n} værelser", "{n} rooms"),
}
