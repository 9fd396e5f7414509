"""The web pages' words in Danish (the default) and English.

Staff, associations and planners are Danish, so every page speaks Danish unless
the user picks English (``?lang=en`` once, then a cookie remembers it). All text
lives in one table so a missing translation is a test failure, not a surprise on
a page: :data:`STRINGS` maps a key to its Danish and English wording, and
:func:`translator` returns the lookup function the templates call as ``t(...)``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal

from api.web.i18n_aftercare import AFTERCARE_STRINGS
from api.web.i18n_planner import PLANNER_STRINGS

Lang = Literal["da", "en"]
LANGS: tuple[Lang, ...] = ("da", "en")
DEFAULT_LANG: Lang = "da"
LANG_COOKIE = "bm_lang"

# key: (Danish, English). ``{name}`` placeholders are filled by ``t(key, name=...)``.
STRINGS: dict[str, tuple[str, str]] = {
    # layout
    "app_name": ("boligmatch", "boligmatch"),
    "skip_to_content": ("Spring til indhold", "Skip to content"),
    "language": ("Sprog", "Language"),
    "sign_out": ("Log ud", "Sign out"),
    "main_nav": ("Hovedmenu", "Main menu"),
    "role_staff": ("Boligsocial anvisning", "Allocation staff"),
    "role_association": ("Boligorganisation", "Housing association"),
    "role_planner": ("Planlægning", "Planning"),
    "role_admin": ("Administrator", "Administrator"),
    "footer": (
        "boligmatch · Housing First-anvisning. Forslag er beslutningsstøtte; "
        "medarbejdere træffer afgørelsen.",
        "boligmatch · Housing First allocation. Proposals are a decision aid; staff decide.",
    ),
    "error": ("Fejl", "Error"),
    "not_found": (
        "Siden findes ikke, eller du har ikke adgang til den.",
        "The page does not exist, or you may not see it.",
    ),
    "forbidden": ("Din rolle har ikke adgang til denne side.", "Your role may not open this page."),
    "csrf_failed": (
        "Formularen er udløbet eller kom fra en anden side. Prøv igen.",
        "The form has expired or came from another site. Please try again.",
    ),
    "back": ("Tilbage", "Back"),
    "dkk_month": ("kr./md.", "DKK/month"),
    # sign-in
    "sign_in": ("Log ind", "Sign in"),
    "sign_in_intro": (
        "Kun til udvikling: log ind med en adgangsnøgle (token) fra kommandoen "
        "boligmatch token eller en API-nøgle.",
        "Development only: sign in with an access token from the boligmatch token "
        "command or an API key.",
    ),
    "oidc_title": ("Log ind via din organisation", "Sign in with your organisation"),
    "oidc_intro": (
        "Du logger ind hos din kommunes eller organisations eget login og kommer tilbage hertil.",
        "You sign in at your municipality's or organisation's own sign-in and come back here.",
    ),
    "oidc_button": ("Log ind via din organisation", "Sign in with your organisation"),
    "oidc_not_configured": (
        "Log ind via din organisation (OpenID Connect) er ikke sat op på denne server. "
        "Kontakt den driftsansvarlige.",
        "Sign-in with your organisation (OpenID Connect) is not set up on this server. "
        "Contact the operator.",
    ),
    "oidc_unavailable": (
        "Din organisations login svarer ikke lige nu. Prøv igen om lidt.",
        "Your organisation's sign-in does not answer right now. Try again shortly.",
    ),
    "oidc_failed": (
        "Login mislykkedes. Prøv igen.",
        "The sign-in failed. Please try again.",
    ),
    "oidc_denied": ("Login blev afbrudt.", "The sign-in was cancelled."),
    "oidc_state": (
        "Login er udløbet eller blev startet i en anden browser. Prøv igen.",
        "The sign-in has expired or was started in another browser. Please try again.",
    ),
    "oidc_no_subject": (
        "Din organisation sendte ikke, hvem du er.",
        "Your organisation did not say who you are.",
    ),
    "oidc_no_role": (
        "Din bruger har ingen rolle i boligmatch. Kontakt din administrator.",
        "Your account has no role in boligmatch. Contact your administrator.",
    ),
    "oidc_many_roles": (
        "Din bruger har flere roller i boligmatch; det kan ikke afgøres, hvilken der gælder.",
        "Your account has several roles in boligmatch; which one applies cannot be told.",
    ),
    "oidc_no_municipality": (
        "Din bruger er ikke knyttet til en kommune.",
        "Your account is not tied to a municipality.",
    ),
    "oidc_untrusted_municipality": (
        "Dette login må ikke give adgang til din kommune.",
        "This sign-in may not give access to your municipality.",
    ),
    "oidc_no_association": (
        "Din bruger er ikke knyttet til en boligorganisation.",
        "Your account is not tied to a housing association.",
    ),
    "oidc_unknown_scope": (
        "Kommunen eller boligorganisationen findes ikke i boligmatch.",
        "The municipality or housing association is not known to boligmatch.",
    ),
    "sign_in_too_many": (
        "For mange loginforsøg. Vent lidt, og prøv igen.",
        "Too many sign-in attempts. Wait a little and try again.",
    ),
    "token_label": ("Token eller API-nøgle", "Token or API key"),
    "token_help": (
        "Indsæt hele nøglen. Den gemmes ikke; du får en session, som ophører ved log ud.",
        "Paste the whole key. It is not kept; you get a session that ends when you sign out.",
    ),
    "token_invalid": ("Nøglen er ugyldig eller udløbet.", "The key is not valid or has expired."),
    "token_missing": ("Indsæt en nøgle.", "Paste a key."),
    "demo_title": ("Demo-login (kun til udvikling)", "Demo sign-in (development only)"),
    "demo_intro": (
        "Denne genvej findes kun under udvikling (ikke når BOLIGMATCH_ENVIRONMENT er "
        "production). Den logger ind med den valgte rolle.",
        "This shortcut exists only in development (not when BOLIGMATCH_ENVIRONMENT is "
        "production). It signs in with the chosen role.",
    ),
    "demo_role": ("Rolle", "Role"),
    "demo_staff": ("Anvisning, kommune {code}", "Allocation staff, municipality {code}"),
    "demo_association": ("Boligorganisation: {name}", "Housing association: {name}"),
    "demo_planner": ("Planlægger", "Planner"),
    "demo_submit": ("Log ind som demo-bruger", "Sign in as demo user"),
    # staff
    "staff_title": ("Anvisning – {name}", "Allocation – {name}"),
    "open_vacancies": ("Ledige boliger", "Open vacancies"),
    "active_cases": ("Aktive sager", "Active cases"),
    "run_match": ("Kør matchning", "Run a match"),
    "run_match_help": (
        "Matcher kommunens ledige boliger med de aktive sager og laver rangerede forslag.",
        "Matches the municipality's open vacancies with the active cases and proposes "
        "ranked offers.",
    ),
    "latest_run": ("Seneste matchning", "Latest match run"),
    "no_run_yet": ("Der er ikke kørt nogen matchning endnu.", "No match has been run yet."),
    "run_summary": (
        "Kørsel {id}: {assigned} af {vacancies} boliger fordelt, {citizens} borgere, "
        "status {status}.",
        "Run {id}: {assigned} of {vacancies} homes assigned, {citizens} citizens, status {status}.",
    ),
    "see_offers": ("Se forslag", "See offers"),
    "offers_near_deadline": ("Tilbud tæt på svarfrist", "Offers close to their deadline"),
    "no_offers_near_deadline": (
        "Ingen sendte tilbud venter på svar.",
        "No sent offer is waiting for an answer.",
    ),
    "deadline_soon": ("Svarfrist snart", "Deadline soon"),
    "days_left": ("{n} dage tilbage", "{n} days left"),
    "day_left": ("1 dag tilbage", "1 day left"),
    "vacancy": ("Bolig", "Home"),
    "address": ("Adresse", "Address"),
    "area": ("Område", "Area"),
    "kind": ("Type", "Kind"),
    "rooms": ("Værelser", "Rooms"),
    "size": ("m²", "m²"),
    "rent": ("Husleje", "Rent"),
    "rent_after": ("Husleje efter nedsættelse", "Rent after reduction"),
    "available_from": ("Ledig fra", "Available from"),
    "status": ("Status", "Status"),
    "allocation": ("Anvisningsret", "Allocation right"),
    "case": ("Sag", "Case"),
    "case_ref": ("Sagsnr.", "Case ref"),
    "name": ("Navn", "Name"),
    "birth_year": ("Fødselsår", "Birth year"),
    "household": ("Husstand", "Household"),
    "adults_children": ("{a} voksne, {c} børn", "{a} adults, {c} children"),
    "situation": ("Situation", "Situation"),
    "homeless_since": ("Hjemløs siden", "Homeless since"),
    "registered_on": ("Registreret", "Registered"),
    "deadline": ("Frist", "Deadline"),
    "support": ("Støtte", "Support"),
    "income": ("Indkomst", "Income"),
    "refused_offers": ("Afslåede tilbud", "Refused offers"),
    "offers": ("Tilbud", "Offers"),
    "history": ("Historik", "History"),
    "no_history": ("Ingen hændelser endnu.", "No events yet."),
    "when": ("Tidspunkt", "When"),
    "who": ("Hvem", "Who"),
    "what": ("Hændelse", "Event"),
    "ranked_offers": ("Rangerede forslag", "Ranked offers"),
    "ranked_intro": (
        "Den første kandidat er den, planen giver boligen; de næste er reserver, hvis "
        "tilbuddet afslås. Forslag er beslutningsstøtte.",
        "The first candidate is the one the plan gives the home to; the others are "
        "alternates if the offer is declined. Proposals are a decision aid.",
    ),
    "rank": ("Nr.", "Rank"),
    "candidate": ("Kandidat", "Candidate"),
    "score": ("Point", "Score"),
    "breakdown": ("Pointfordeling", "Score breakdown"),
    "no_candidates": (
        "Ingen borger opfylder kravene til denne bolig.",
        "No citizen meets the rules for this home.",
    ),
    "why_not": ("Hvorfor ikke en anden borger?", "Why not another citizen?"),
    "why_not_help": (
        "Vælg en sag for at se, hvilke regler der udelukker den.",
        "Pick a case to see which rules rule it out.",
    ),
    "explain": ("Forklar", "Explain"),
    "explanation": ("Forklaring", "Explanation"),
    "feasible": ("Mulig", "Feasible"),
    "ruled_out": ("Udelukket", "Ruled out"),
    "rules_failed": ("Regler, der ikke er opfyldt", "Rules that failed"),
    "send_offer": ("Send tilbud", "Send offer"),
    "accept": ("Registrér ja tak", "Record acceptance"),
    "decline": ("Registrér afslag", "Record decline"),
    "decline_reason": ("Årsag til afslag", "Reason for declining"),
    "decline_note": ("Bemærkning", "Note"),
    "counts_as_refusal": ("Tæller som afslag", "Counts as a refusal"),
    "offer_accepted": (
        "Tilbuddet er accepteret. Boligen er udlejet.",
        "The offer was accepted. The home is let.",
    ),
    "offer_declined": ("Afslaget er registreret.", "The decline was recorded."),
    "offer_status_proposed": ("foreslået", "proposed"),
    "offer_status_sent": ("sendt", "sent"),
    "offer_status_accepted": ("accepteret", "accepted"),
    "offer_status_declined": ("afslået", "declined"),
    "offer_status_expired": ("udløbet", "expired"),
    "offer_status_withdrawn": ("trukket tilbage", "withdrawn"),
    "reason_too_expensive": ("for dyr", "too expensive"),
    "reason_wrong_area": ("forkert område", "wrong area"),
    "reason_too_small": ("for lille", "too small"),
    "reason_accessibility": ("tilgængelighed", "accessibility"),
    "reason_health": ("helbred", "health"),
    "reason_no_answer": ("intet svar", "no answer"),
    "reason_other": ("andet", "other"),
    "sent_at": ("Sendt", "Sent"),
    "answered_at": ("Besvaret", "Answered"),
    "answer_deadline": ("Svarfrist", "Answer by"),
    "map": ("Kort", "Map"),
    "map_title": ("Kort over {name}", "Map of {name}"),
    "map_desc": (
        "Bydele og ledige boliger. Hold musen over et punkt for detaljer.",
        "Districts and vacancies. Hover a point for details.",
    ),
    "legend": ("Forklaring", "Legend"),
    "legend_open": ("Ledig bolig", "Open vacancy"),
    "legend_offered": ("Tilbudt bolig", "Offered home"),
    "no_districts": ("Ingen bydele er registreret.", "No districts are registered."),
    "kind_family": ("familiebolig", "family"),
    "kind_youth": ("ungdomsbolig", "youth"),
    "kind_elderly": ("ældrebolig", "elderly"),
    "kind_skaev": ("skæv bolig", "skæv (small special)"),
    "kind_transitional": ("udslusningsbolig", "transitional"),
    "vstatus_open": ("ledig", "open"),
    "vstatus_offered": ("tilbudt", "offered"),
    "vstatus_let": ("udlejet", "let"),
    "vstatus_withdrawn": ("trukket tilbage", "withdrawn"),
    "alloc_municipal": ("kommunal", "municipal"),
    "alloc_association": ("boligorganisation", "association"),
    "situation_1": ("gade", "street"),
    "situation_2": ("natvarmestue", "night shelter"),
    "situation_3": ("forsorgshjem/herberg", "shelter/hostel"),
    "situation_4": ("hotel/vandrehjem", "hotel or hostel"),
    "situation_5": ("midlertidigt hos familie/venner", "temporarily with family/friends"),
    "situation_6": ("udslusningsbolig", "transitional unit"),
    "situation_7": ("løsladelse inden for en måned", "release from prison within a month"),
    "situation_8": ("udskrivning inden for en måned", "discharge within a month"),
    "situation_9": ("andet", "other"),
    "case_status_active": ("aktiv", "active"),
    "case_status_housed": ("boligplaceret", "housed"),
    "case_status_closed": ("lukket", "closed"),
    "case_status_removed": ("fjernet fra listen", "removed from the list"),
    # association
    "association_title": ("Boligorganisation – {name}", "Housing association – {name}"),
    "your_units": ("Jeres boliger", "Your units"),
    "your_vacancies": ("Jeres ledige boliger", "Your vacancies"),
    "offer_status_title": ("Status for tilbud på jeres boliger", "Status of offers on your homes"),
    "offer_status_intro": (
        "Kun tilbud, kommunen har sendt. Der vises ingen oplysninger om borgeren.",
        "Only offers the municipality has sent. Nothing about the citizen is shown.",
    ),
    "no_offers": ("Ingen tilbud endnu.", "No offers yet."),
    "department": ("Afdeling", "Department"),
    "unit_ref": ("Boligens id", "Unit id"),
    "report_vacancy": ("Meld ledig bolig", "Report a vacancy"),
    "upload_list": ("Upload liste", "Upload a list"),
    "upload_title": ("Upload liste over ledige boliger", "Upload a vacancy list"),
    "upload_intro": (
        "CSV (komma eller semikolon, UTF-8) eller Excel (.xlsx). Hele listen kontrolleres, "
        "før noget gemmes: er der fejl, gemmes intet.",
        "CSV (comma or semicolon, UTF-8) or Excel (.xlsx). The whole list is checked "
        "before anything is saved: if there is an error, nothing is saved.",
    ),
    "file": ("Fil", "File"),
    "upload": ("Upload og kontrollér", "Upload and check"),
    "upload_errors": (
        "{n} fejl i listen. Intet er gemt. Ret fejlene og upload igen.",
        "{n} errors in the list. Nothing was saved. Fix them and upload again.",
    ),
    "upload_ok": (
        "Listen er gemt: {rows} rækker, {created} nye og {updated} ændrede boliger, "
        "{vcreated} nye ledige boliger.",
        "The list was saved: {rows} rows, {created} new and {updated} changed units, "
        "{vcreated} new vacancies.",
    ),
    "row": ("Række", "Row"),
    "column": ("Kolonne", "Column"),
    "problem": ("Fejl", "Problem"),
    "columns_doc": ("Kolonner", "Columns"),
    "required": ("påkrævet", "required"),
    "optional": ("valgfri", "optional"),
    "no_file": ("Vælg en fil.", "Choose a file."),
    "report_title": ("Meld en ledig bolig", "Report a vacancy"),
    "report_intro": (
        "Vælg boligen og datoen, hvor den bliver ledig.",
        "Pick the unit and the day it becomes free.",
    ),
    "unit": ("Bolig", "Unit"),
    "choose": ("Vælg …", "Choose …"),
    "save": ("Gem", "Save"),
    "report_ok": ("Boligen er meldt ledig.", "The vacancy was reported."),
    "withdraw_vacancy": ("Træk tilbage", "Withdraw"),
    "withdraw_ok": (
        "Boligen er trukket tilbage, og forslag om den er trukket tilbage.",
        "The vacancy was withdrawn, and so were the proposals of it.",
    ),
    "close_case": ("Luk sagen", "Close the case"),
    "close_reason": ("Årsag", "Reason"),
    "close_ok": (
        "Sagen er lukket, og dens åbne tilbud er trukket tilbage.",
        "The case was closed, and its open offers were withdrawn.",
    ),
    "close_reason_housed": ("boligplaceret", "housed"),
    "close_reason_housed_elsewhere": ("har fået bolig andetsteds", "housed elsewhere"),
    "close_reason_moved_away": ("fraflyttet kommunen", "moved away"),
    "close_reason_no_longer_homeless": ("ikke længere hjemløs", "no longer homeless"),
    "close_reason_no_contact": ("ingen kontakt", "no contact"),
    "close_reason_deceased": ("afgået ved døden", "deceased"),
    "close_reason_duplicate": ("dobbeltregistrering", "duplicate"),
    "close_reason_other": ("andet", "other"),
    "field_required": ("Skal udfyldes.", "Required."),
    "invalid_date": ("Skriv en dato som ÅÅÅÅ-MM-DD.", "Enter a date as YYYY-MM-DD."),
    "unknown_unit": ("Vælg en af jeres boliger.", "Pick one of your units."),
    "date_too_old": (
        "Datoen må ikke ligge mere end 30 dage tilbage.",
        "The date may not be more than 30 days ago.",
    ),
    # association: a vacancy in a new unit
    "new_unit": ("Ny bolig", "New unit"),
    "new_unit_hint": (
        "Er boligen ikke på listen? Meld den ledig som en ny bolig.",
        "Is the unit not in the list? Report it as a new unit.",
    ),
    "report_new_title": ("Meld en ny bolig ledig", "Report a vacancy in a new unit"),
    "report_new_intro": (
        "Boligen er ikke i jeres liste endnu. Udfyld boligens oplysninger og datoen, hvor "
        "den bliver ledig. Tal kan skrives med decimalkomma, fx 4250,50.",
        "The unit is not in your list yet. Fill in its details and the day it becomes "
        "free. Numbers may be written with a decimal comma or point, e.g. 4250.50.",
    ),
    "fs_place": ("Beliggenhed", "Location"),
    "fs_home": ("Boligen", "The home"),
    "fs_money": ("Husleje og indskud", "Rent and deposit"),
    "fs_letting": ("Anvisning og ledighed", "Allocation and availability"),
    "latitude": ("Breddegrad", "Latitude"),
    "longitude": ("Længdegrad", "Longitude"),
    "lat_help": ("Decimalgrader (WGS84), fx 55,3959.", "Decimal degrees (WGS84), e.g. 55.3959."),
    "lon_help": ("Decimalgrader (WGS84), fx 10,3883.", "Decimal degrees (WGS84), e.g. 10.3883."),
    "district": ("Bydel", "District"),
    "area_auto": ("Find bydelen ud fra positionen", "Find the district from the position"),
    "size_m2": ("Størrelse, m²", "Size, m²"),
    "floor": ("Etage", "Floor"),
    "floor_help": ("0 = stueetage, -1 = kælder.", "0 = ground floor, -1 = basement."),
    "access_pets": ("Adgang og husdyr", "Access and pets"),
    "elevator": ("Elevator", "Lift"),
    "wheelchair": ("Egnet til kørestol", "Wheelchair accessible"),
    "pets_allowed": ("Husdyr tilladt", "Pets allowed"),
    "rent_label": ("Husleje uden forbrug, kr./md.", "Rent excluding utilities, DKK/month"),
    "utilities_label": ("Forbrug a conto, kr./md.", "Utilities on account, DKK/month"),
    "deposit_label": ("Indskud, kr.", "Deposit, DKK"),
    "reduction_label": ("Huslejenedsættelse, kr./md.", "Rent reduction, DKK/month"),
    "reduction_help": ("Tomt felt = ingen nedsættelse.", "Leave empty for no reduction."),
    "reduction_until_label": ("Nedsættelsen slutter", "The reduction ends"),
    "form_has_errors": (
        "Intet er gemt. Ret de markerede felter.",
        "Nothing was saved. Correct the marked fields.",
    ),
    "too_long": ("Højst {n} tegn.", "At most {n} characters."),
    "at_least": ("Skal være mindst {n}.", "Must be at least {n}."),
    "more_than": ("Skal være større end {n}.", "Must be more than {n}."),
    "at_most": ("Må højst være {n}.", "Must be at most {n}."),
    "below": ("Skal være under {n}.", "Must be below {n}."),
    "must_be_number": ("Skriv et tal, fx 4250,50.", "Enter a number, e.g. 4250.50."),
    "must_be_whole_number": ("Skriv et helt tal.", "Enter a whole number."),
    "choose_one": ("Vælg en af mulighederne.", "Pick one of the options."),
    "invalid_value": ("Ugyldig værdi.", "Not a valid value."),
    "reduction_exceeds_rent": (
        "Nedsættelsen må ikke være større end huslejen.",
        "The reduction may not exceed the rent.",
    ),
    "unknown_department": ("Vælg en af jeres afdelinger.", "Pick one of your departments."),
    "unknown_district": (
        "Vælg en bydel i afdelingens kommune.",
        "Pick a district in the department's municipality.",
    ),
    "area_not_found": (
        "Positionen ligger ikke i nogen kendt bydel. Vælg bydelen, eller ret positionen.",
        "The position lies in no known district. Pick the district or correct the position.",
    ),
    "unknown_municipality": (
        "Kommunen med anvisningsretten kendes ikke.",
        "The municipality holding the allocation right is not known.",
    ),
    "unit_exists": (
        "Afdelingen har allerede en bolig med dette id. Meld den ledig i formularen for "
        "eksisterende boliger.",
        "The department already has a unit with this id. Report it with the form for "
        "existing units.",
    ),
    "could_not_save": (
        "Boligen kunne ikke gemmes: {detail}",
        "The unit could not be saved: {detail}",
    ),
    # planner
    "planner_title": ("Planlægning – boligmangel", "Planning – housing shortfall"),
    "shortfall_table": ("Boligmangel pr. kommune", "Shortfall per municipality"),
    "shortfall_intro": (
        "Årlig efterspørgsel (VIVE-tælling × faktor, eller kommunens egne sager) mod "
        "udbuddet af betalelige boliger med kommunal anvisningsret. Positivt gab = mangel. "
        "Klik på en kolonneoverskrift for at sortere.",
        "Yearly demand (VIVE count × factor, or the municipality's own cases) against the "
        "supply of affordable homes with a municipal allocation right. Positive gap = "
        "shortfall. Click a column heading to sort.",
    ),
    "municipality": ("Kommune", "Municipality"),
    "region": ("Region", "Region"),
    "homeless_2022": ("Hjemløse 2022", "Homeless 2022"),
    "homeless_2024": ("Hjemløse 2024", "Homeless 2024"),
    "yearly_demand": ("Efterspørgsel/år", "Demand/year"),
    "supply_per_year": ("Udbud/år", "Supply/year"),
    "gap_per_year": ("Gab/år", "Gap/year"),
    "suppressed": ("skjult (lille antal)", "hidden (small count)"),
    "totals": ("I alt", "Total"),
    "chart": ("Diagram", "Chart"),
    "chart_alt": (
        "Søjlediagram over de {n} kommuner med størst boligmangel.",
        "Bar chart of the {n} municipalities with the largest shortfall.",
    ),
    "sort_by": ("Sortér efter {col}", "Sort by {col}"),
    "scenarios": ("Scenarier", "Scenarios"),
    "scenario_title": ("Sammenlign matchningspolitikker", "Compare matching policies"),
    "scenario_intro": (
        "Simulerer en lille kommune over et antal måneder med hver af de tre politikker og "
        "sammenligner tiden til bolig. Kører i baggrunden.",
        "Simulates a small municipality over some months with each of the three policies "
        "and compares the time to a home. Runs in the background.",
    ),
    "months": ("Måneder", "Months"),
    "replications": ("Gentagelser", "Replications"),
    "seed": ("Startværdi (seed)", "Seed"),
    "start": ("Start", "Start"),
    "running": ("Kører …", "Running …"),
    "finished": ("Færdig", "Finished"),
    "failed": ("Fejlede", "Failed"),
    "results": ("Resultater", "Results"),
    "plot_alt": (
        "Diagram over tid til bolig for hver politik.",
        "Plot of time to a home for each policy.",
    ),
    "must_be_int": (
        "Skriv et helt tal mellem {lo} og {hi}.",
        "Enter a whole number between {lo} and {hi}.",
    ),
    "policy": ("Politik", "Policy"),
    "recent_runs": ("Seneste kørsler", "Recent runs"),
    "state_queued": ("i kø", "queued"),
    "state_running": ("kører", "running"),
    "state_finished": ("færdig", "finished"),
    "state_failed": ("fejlede", "failed"),
    "job_not_found": ("Kørslen findes ikke.", "No such run."),
}
STRINGS.update(AFTERCARE_STRINGS)
STRINGS.update(PLANNER_STRINGS)


def translator(lang: Lang) -> Callable[..., str]:
    """The ``t(key, **values)`` function for ``lang``; unknown keys show as themselves."""
    index = LANGS.index(lang)

    def t(key: str, /, **values: object) -> str:
        entry = STRINGS.get(key)
        text = entry[index] if entry else key
        return text.format(**values) if values else text

    return t


def pick_lang(query: str | None, cookie: str | None) -> Lang:
    """``?lang=`` wins, then the cookie, then Danish."""
    for candidate in (query, cookie):
        if candidate in LANGS:
            return candidate  # type: ignore[return-value,unused-ignore]
    return DEFAULT_LANG
