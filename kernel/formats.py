"""Numbers and days for people, in Danish (the default) or English.

One place for the forms the command line and the web pages show: ``1.234,5`` and
``23.10.2026`` in Danish, ``1,234.5`` and ``2026-10-23`` in English.
"""

from __future__ import annotations

import datetime as dt

from kernel.messages import Lang


def number(value: float, lang: Lang, digits: int = 0) -> str:
    """A figure for people: ``1.234,5`` in Danish, ``1,234.5`` in English."""
    text = f"{value:,.{digits}f}"
    if lang == "en":
        return text
    return text.replace(",", "\u2009").replace(".", ",").replace("\u2009", ".")


def percent(share: float, lang: Lang) -> str:
    """A share as a whole percentage: ``25 %`` in Danish, ``25%`` in English."""
    return f"{share:.0%}".replace("%", " %") if lang == "da" else f"{share:.0%}"


def day_text(value: dt.date, lang: Lang) -> str:
    """A day for people: ``23.10.2026`` in Danish, ISO ``2026-10-23`` in English."""
    return value.strftime("%d.%m.%Y") if lang == "da" else value.isoformat()
