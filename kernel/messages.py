"""The errors' words in Danish (the default) and English: one catalogue for API and web.

A :class:`kernel.errors.DomainError` (or an HTTP-level problem) carries a stable
``code`` and, where its sentence is in this catalogue, a message ``key`` with the
values to fill in. The API answers in the language the caller's ``Accept-Language``
asks for (Danish when it names neither), the web pages in the page's language; both
look the words up here (:meth:`kernel.errors.DomainError.in_language`), so a problem
reads the same wherever it is shown. The pages' other words are in ``api.web.i18n``.

A title belongs to the problem type (RFC 9457 § 3.1.3: the same for every
occurrence, translated by content negotiation); a detail names this occurrence.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

Lang = Literal["da", "en"]
LANGS: tuple[Lang, ...] = ("da", "en")
DEFAULT_LANG: Lang = "da"

# Problem type (code) -> title (Danish, English).
TITLES: dict[str, tuple[str, str]] = {
    "bad-request": ("Ugyldig forespørgsel", "Bad Request"),
    "case-awaiting-answer": (
        "Borgeren svarer på et andet tilbud",
        "Citizen is answering another offer",
    ),
    "case-exists": (
        "Personen har allerede en aktiv sag",
        "This person already has an active case.",
    ),
    "case-not-active": ("Sagen er ikke aktiv", "Case is not active"),
    "case-not-found": ("Sagen findes ikke", "Case not found"),
    "case-not-reopenable": ("Sagen kan ikke genåbnes", "Case cannot be reopened"),
    "case-ref-exists": (
        "En anden sag har allerede dette sagsnummer",
        "Another case already has this case_ref.",
    ),
    "citizen-not-in-run": ("Borgeren er ikke med i denne kørsel", "Citizen not in this match run"),
    "concurrent-update": ("Ændret af en anden", "Changed by someone else"),
    "conflict": ("Konflikt", "Conflict"),
    "content-too-large": ("Indholdet er for stort", "Content Too Large"),
    "follow-up-not-found": ("Opfølgningen findes ikke", "Follow-up not found"),
    "follow-up-recorded": ("Allerede registreret", "Already recorded"),
    "forbidden": ("Ingen adgang", "Forbidden"),
    "idempotency-key-in-use": ("Idempotency-Key er i brug", "Idempotency-Key in use"),
    "idempotency-key-reused": ("Idempotency-Key er genbrugt", "Idempotency-Key reused"),
    "import-failed": ("Listen over ledige boliger blev afvist", "Vacancy list rejected"),
    "integrity-conflict": ("Strider mod et andet svar", "Conflicts with another answer"),
    "internal-error": ("Intern fejl", "Internal Server Error"),
    "invalid-decline-reason": ("Ukendt grund til afslag", "Unknown decline reason"),
    "invalid-problem": ("Matchningsopgaven er ugyldig", "The matching problem is invalid"),
    "letter-not-found": ("Brevet findes ikke", "Letter not found"),
    "match-run-not-found": ("Kørslen findes ikke", "Match run not found"),
    "method-not-allowed": ("Metoden er ikke tilladt", "Method Not Allowed"),
    "not-acceptable": ("Formatet kan ikke leveres", "Not Acceptable"),
    "not-found": ("Findes ikke", "Not Found"),
    "offer-already-accepted": ("Tilbuddet er allerede taget imod", "Offer was already accepted"),
    "offer-already-sent": ("Tilbuddet er allerede sendt", "Offer has already been sent"),
    "offer-declined": ("Tilbuddet er afslået", "Offer was declined"),
    "offer-expired": ("Svarfristen er udløbet", "Offer has expired"),
    "offer-not-found": ("Tilbuddet findes ikke", "Offer not found"),
    "offer-not-sent": ("Tilbuddet er ikke sendt", "Offer has not been sent"),
    "offer-withdrawn": ("Tilbuddet er trukket tilbage", "Offer was withdrawn"),
    "pair-infeasible": ("Boligen passer ikke til borgeren", "Home does not fit the citizen"),
    "pair-refused": (
        "Borgeren har allerede afslået denne bolig",
        "Citizen already refused this home",
    ),
    "precondition-failed": ("Ændret siden du læste den", "Precondition Failed"),
    "precondition-required": ("If-Match mangler", "Precondition Required"),
    "service-unavailable": ("Tjenesten er ikke tilgængelig", "Service Unavailable"),
    "step-done": ("Trinnet er allerede udført", "Step already done"),
    "step-not-found": ("Trinnet findes ikke", "Step not found"),
    "team-required": ("Angiv støtteteamet", "Name the support team"),
    "too-many-requests": ("For mange forespørgsler", "Too Many Requests"),
    "unauthorized": ("Ikke logget ind", "Unauthorized"),
    "unit-exists": ("Boligen findes allerede", "Unit already exists"),
    "unsupported-media-type": ("Formatet understøttes ikke", "Unsupported Media Type"),
    "vacancy-already-offered": ("Boligen er allerede tilbudt", "Home is already offered"),
    "vacancy-exists": ("Boligen er allerede meldt ledig", "Vacancy already reported"),
    "vacancy-let": ("Boligen er allerede udlejet", "Home is already let"),
    "vacancy-not-found": ("Boligen findes ikke", "Vacancy not found"),
    "vacancy-not-in-run": ("Boligen er ikke med i denne kørsel", "Vacancy not in this match run"),
    "vacancy-not-open": ("Boligen er ikke ledig", "Vacancy is not open"),
    "vacancy-withdrawn": ("Boligen er trukket tilbage", "Home was withdrawn"),
    "validation-error": ("Ugyldig forespørgsel", "Invalid request"),
    "version-conflict": ("Ændret af en anden", "Changed by someone else"),
}

# Message key -> detail (Danish, English); ``{name}`` placeholders are filled in.
DETAILS: dict[str, tuple[str, str]] = {
    "no_such": ("{what_da} findes ikke.", "No such {what_en}."),
    "changed_since_read": (
        "{what_da} er ændret, siden du læste den; læs den igen, og prøv igen.",
        "The {what_en} was changed since you read it; read it again and retry.",
    ),
    "offer_status_conflict": (
        "Tilbud {offer_id} er {status_da}; det kan ikke {event_da}.",
        "Offer {offer_id} is {status_en}; it cannot be {event_en}.",
    ),
    "vacancy_status_conflict": (
        "Bolig {vacancy_id} er {status_da}.",
        "Vacancy {vacancy_id} is {status_en}.",
    ),
    "citizen_not_in_run": (
        "Borgeren {citizen} er ikke med i kørslen.",
        "No citizen {citizen}.",
    ),
    "vacancy_not_in_run": (
        "Bolig {vacancy} er ikke med i kørslen.",
        "No vacancy {vacancy}.",
    ),
    "no_offer": ("Tilbud {offer_id} findes ikke.", "No offer {offer_id}."),
    "no_vacancy": ("Bolig {vacancy_id} findes ikke.", "No vacancy {vacancy_id}."),
    "no_case": ("Sag {case_id} findes ikke.", "No case {case_id}."),
    "no_match_run": ("Kørsel {run_id} findes ikke.", "No match run {run_id}."),
    "no_letter": ("Tilbud {offer_id} har intet brev.", "Offer {offer_id} has no letter."),
    "case_already": ("Sagen er allerede {status_da}.", "The case is {status_en} already."),
    "case_cannot_change": (
        "Sagen er {status_da}; den kan ikke ændres.",
        "The case is {status_en}; it cannot change.",
    ),
    "case_gets_no_offers": (
        "Sag {case_ref} er {status_da}; kun aktive sager får tilbud.",
        "Case {case_ref} is {status_en}; only active cases get offers.",
    ),
    "case_cannot_accept": (
        "Sag {case_ref} er {status_da}; den kan ikke tage imod en bolig.",
        "Case {case_ref} is {status_en}; it cannot accept a home.",
    ),
    "case_awaiting_answer": (
        "Sag {case_ref} har et sendt tilbud ({offer_id}), der venter på svar; ét tilbud ad gangen.",
        "Case {case_ref} has sent offer {offer_id} open; one offer at a time.",
    ),
    "pair_refused": (
        "Sag {case_ref} har afslået eller ladet et tilbud på bolig {vacancy_id} udløbe.",
        "Case {case_ref} declined or let an offer of vacancy {vacancy_id} expire.",
    ),
    "person_has_case": (
        "Personen har allerede en aktiv sag.",
        "This person already has an active case.",
    ),
    "case_ref_taken": (
        "En anden sag har allerede dette sagsnummer.",
        "Another case already has this case_ref.",
    ),
    "request_fields_invalid": (
        "Forespørgslen har ugyldige eller manglende felter.",
        "The request has invalid or missing fields.",
    ),
    "body_unparsable": (
        "Forespørgslens indhold kunne ikke læses.",
        "The request body could not be parsed.",
    ),
    "changed_by_someone_else": (
        "Data er ændret af en anden; læs dem igen, og prøv igen.",
        "The resource was changed by someone else; read it again and retry.",
    ),
    "conflicts_with_state": (
        "Ændringen strider mod de nuværende data.",
        "The change conflicts with the current state of the data.",
    ),
    "race_lost": (
        "En anden forespørgsel ændrede de samme data; prøv igen.",
        "Another request was changing the same data; try again.",
    ),
    "database_unavailable": (
        "Databasen er ikke tilgængelig lige nu; prøv igen om lidt.",
        "The database is not available right now; try again shortly.",
    ),
    "internal_error": (
        "Der gik noget galt hos os. Fejlen er logget.",
        "Something went wrong on our side. The error has been logged.",
    ),
    # --- details added for issue 14 (every error in Danish) ---
    # What a lost race interrupted (``race_is_conflict(key=...)``): the start of the
    # race_* sentences below, not sentences of their own.
    "doing_lock_offer": ("Tilbud {offer_id} kunne ikke låses", "Locking offer {offer_id}"),
    "doing_lock_pair": (
        "Bolig {vacancy_id} og sag {case_id} kunne ikke låses",
        "Locking vacancy {vacancy_id} and case {case_id}",
    ),
    "doing_send_offer": ("Tilbud {offer_id} kunne ikke sendes", "Sending offer {offer_id}"),
    "doing_expire_offer": (
        "Tilbud {offer_id} kunne ikke markeres som udløbet",
        "Expiring offer {offer_id}",
    ),
    "doing_accept_offer": ("Tilbud {offer_id} kunne ikke accepteres", "Accepting offer {offer_id}"),
    "doing_decline_offer": ("Tilbud {offer_id} kunne ikke afslås", "Declining offer {offer_id}"),
    "doing_withdraw_offers": ("Tilbuddene kunne ikke trækkes tilbage", "Withdrawing offers"),
    "race_version_conflict": (
        "{doing_da}, fordi data blev ændret, mens forespørgslen kørte; "
        "hent dem igen, og prøv igen.",
        "{doing_en}: the data changed while the request ran; reload and try again.",
    ),
    "race_concurrent_update": (
        "{doing_da}, fordi en anden forespørgsel ændrede de samme data samtidig; prøv igen.",
        "{doing_en}: another request was changing the same rows; try again.",
    ),
    "race_integrity_conflict": (
        "{doing_da}, fordi databasen afviste ændringen ({error}); en bolig kan kun tages imod "
        "én gang, og en borger kan kun tage imod én bolig.",
        "{doing_en}: the database refused the change ({error}); "
        "a home can be accepted once and a citizen can accept one home.",
    ),
    # Offers.
    "offer_answer_overdue": (
        "Tilbud {offer_id} skulle være besvaret senest den {deadline_da}; "
        "det kan ikke længere {event_da}.",
        "Offer {offer_id} had to be answered by {deadline}; it cannot be {event_en}.",
    ),
    "pair_infeasible": (
        "Bolig {vacancy_id} kan ikke tilbydes sag {case_ref}: {reasons_da}",
        "Vacancy {vacancy_id} cannot be offered to case {case_ref}: {reasons_en}",
    ),
    "decline_reason_unknown": (
        "{reason} er ikke en kendt grund til afslag; brug {allowed_da}.",
        "{reason} is not one of: {allowed}.",
    ),
    "note_refused": ("Noten kan ikke gemmes.", "The note is not accepted."),
    # Move-in steps and follow-ups.
    "no_move_in_step": ("Indflytningstrin {step_id} findes ikke.", "No move-in step {step_id}."),
    "step_done": (
        "Trin {step_id} blev allerede udført den {done_on_da}.",
        "Step {step_id} was done {done_on}.",
    ),
    "team_required": (
        "Når støtten er startet, skal teamet (CTI, ICM eller ACT) angives.",
        "Support started needs the team (CTI, ICM or ACT) named.",
    ),
    "no_follow_up": ("Opfølgning {follow_up_id} findes ikke.", "No follow-up {follow_up_id}."),
    "follow_up_recorded": (
        "Denne opfølgning er allerede registreret.",
        "This follow-up is recorded.",
    ),
    "case_not_reopenable": (
        "Kun en boligplaceret eller lukket sag, hvor en opfølgning har vist, at personen "
        "igen er hjemløs, kan genåbnes.",
        "Only a housed or closed case whose follow-up found the person homeless again.",
    ),
    # Cases.
    "cpr_invalid": ("CPR-nummeret er ikke gyldigt.", "The CPR number is not valid."),
    "registered_before_homeless": (
        "En sag kan ikke registreres, før hjemløsheden begyndte.",
        "A case cannot be registered before the homelessness began.",
    ),
    "deadline_before_homeless": (
        "Fristen ligger før den dato, hjemløsheden begyndte.",
        "The deadline lies before the homelessness began.",
    ),
    "unknown_sort": ("Ukendt sortering.", "Unknown sort order."),
    "income_person_missing": (
        "En indtægt hører til en voksen, som husstanden ikke har.",
        "An income item names an adult the household does not have.",
    ),
    # Homes and vacancy lists.
    "department_not_yours": (
        "Boligens afdeling hører ikke til jer.",
        "The unit's department is not one of yours.",
    ),
    "unit_exists": (
        "Boligen '{unit_ref}' findes allerede i denne afdeling (id {unit_id}); "
        "meld den ledig med dens unit_id.",
        "Unit '{unit_ref}' already exists in this department (id {unit_id}); "
        "create the vacancy with its unit_id.",
    ),
    "unit_area_unknown": (
        "Boligens område kunne ikke findes.",
        "The unit's area could not be found.",
    ),
    "municipality_code_unknown": ("Ukendt kommunekode.", "Unknown municipality code."),
    "unit_not_yours": ("Boligen hører ikke til jer.", "The unit is not one of yours."),
    "vacancy_exists": (
        "Boligen er allerede meldt ledig eller tilbudt (id {vacancy_id}).",
        "The unit already has an open or offered vacancy (id {vacancy_id}).",
    ),
    "vacancy_not_open_for_change": (
        "Boligen er {status_da}; kun en ledig bolig kan ændres.",
        "The vacancy is {status_en}; only an open vacancy can be changed.",
    ),
    "rent_reduction_exceeds_rent": (
        "Nedsættelsen af huslejen ville blive større end selve huslejen.",
        "The rent reduction would exceed the rent.",
    ),
    "association_unknown": (
        "Jeres boligorganisation er ikke kendt.",
        "Your association is not known.",
    ),
    "import_not_allowed": (
        "Du må ikke indlæse lister over ledige boliger.",
        "You may not import vacancy lists.",
    ),
    "import_failed": (
        "Der er {total} fejl i listen; intet blev indlæst.",
        "{total} problem(s) in the list; nothing was imported.",
    ),
    "vacancy_list_too_large": (
        "En liste over ledige boliger må højst fylde {max_mb} MB.",
        "A vacancy list may be at most {max_mb} MB.",
    ),
    # Signing in, roles and HTTP-level limits.
    "token_expired": ("Tokenet er udløbet.", "The token has expired."),
    "token_invalid": ("Tokenet er ikke gyldigt.", "The token is not valid."),
    "token_unknown_role": ("Tokenet angiver en ukendt rolle.", "The token names an unknown role."),
    "staff_token_without_municipality": (
        "Et medarbejdertoken skal angive en kommune.",
        "A staff token must name a municipality.",
    ),
    "association_token_without_association": (
        "Et token til en boligorganisation skal angive boligorganisationen.",
        "An association token must name an association.",
    ),
    "api_key_invalid": ("API-nøglen er ikke gyldig.", "The API key is not valid."),
    "credentials_missing": (
        "Send et bearer-token eller en X-API-Key-header.",
        "Send a bearer token or an X-API-Key header.",
    ),
    "role_required": ("Det kræver rollen {roles_da}.", "This needs the role {roles}."),
    "too_many_writes": (
        "For mange ændringer på kort tid fra denne bruger; prøv igen om {retry_da}.",
        "Too many changing requests from this credential; retry after {retry} seconds.",
    ),
    "idempotency_key_reused": (
        "Denne Idempotency-Key er allerede brugt til en forespørgsel med et andet indhold.",
        "This Idempotency-Key was used for a different request body.",
    ),
    "idempotency_key_in_use": (
        "Den første forespørgsel med denne Idempotency-Key er ved at blive behandlet; "
        "prøv igen om lidt for at få dens svar.",
        "The first request with this Idempotency-Key is still being processed; "
        "retry shortly to get its answer.",
    ),
    "body_too_large": (
        "Forespørgslens indhold er større end grænsen på {limit_mb_da} MB.",
        "The request body is larger than the limit of {limit_mb} MB.",
    ),
    "if_match_missing": (
        "Send If-Match med ETag'en fra din seneste læsning, så samtidige ændringer ikke går tabt.",
        "Send If-Match with the ETag of your last read so concurrent changes are not lost.",
    ),
    "if_match_weak": (
        "If-Match skal være den stærke ETag fra din seneste læsning (uden W/).",
        "If-Match needs the strong ETag of your last read (without W/).",
    ),
    "if_match_unknown": (
        "If-Match angiver ikke en version af denne ressource.",
        "If-Match does not name a version of this resource.",
    ),
    "database_not_answering": ("Databasen svarer ikke.", "The database does not answer."),
}

# Things a caller may look for (``not_found(what)``): (Danish with article, English).
NOUNS: dict[str, tuple[str, str]] = {
    "case": ("Sagen", "case"),
    "vacancy": ("Boligen", "vacancy"),
    "offer": ("Tilbuddet", "offer"),
    "municipality": ("Kommunen", "municipality"),
    "match run": ("Kørslen", "match run"),
    "unit": ("Boligen", "unit"),
    "letter": ("Brevet", "letter"),
}

# Offer and home states and offer events, as the detail sentences use them.
STATES: dict[str, tuple[str, str]] = {
    "proposed": ("kun foreslået", "proposed"),
    "sent": ("sendt", "sent"),
    "accepted": ("taget imod", "accepted"),
    "declined": ("afslået", "declined"),
    "expired": ("udløbet", "expired"),
    "withdrawn": ("trukket tilbage", "withdrawn"),
    "offered": ("tilbudt", "offered"),
    "let": ("udlejet", "let"),
    "open": ("ledig", "open"),
    "active": ("aktiv", "active"),
    "housed": ("boligplaceret", "housed"),
    "closed": ("lukket", "closed"),
    "removed": ("fjernet fra listen", "removed"),
}
EVENTS: dict[str, tuple[str, str]] = {
    "send": ("sendes", "sent"),
    "accept": ("tages imod", "accepted"),
    "decline": ("afslås", "declined"),
    "expire": ("udløbe", "expired"),
    "withdraw": ("trækkes tilbage", "withdrawn"),
}

# Pydantic's error types, for the field-level items of a 422 (``errors[].problem``).
FIELD_PROBLEMS: dict[str, tuple[str, str]] = {
    "missing": ("skal udfyldes", "Field required"),
    "extra_forbidden": ("ukendt felt", "Extra inputs are not permitted"),
    "string_type": ("skal være tekst", "Input should be a valid string"),
    "string_too_short": ("skal have mindst {min_length} tegn", "too short"),
    "string_too_long": ("må højst have {max_length} tegn", "too long"),
    "string_pattern_mismatch": ("har ikke den rette form", "does not match the pattern"),
    "int_type": ("skal være et helt tal", "Input should be a valid integer"),
    "int_parsing": ("skal være et helt tal", "Input should be a valid integer"),
    "int_from_float": ("skal være et helt tal", "Input should be a valid integer"),
    "float_type": ("skal være et tal", "Input should be a valid number"),
    "float_parsing": ("skal være et tal", "Input should be a valid number"),
    "finite_number": ("skal være et endeligt tal", "Input should be a finite number"),
    "bool_type": ("skal være sand eller falsk", "Input should be a valid boolean"),
    "bool_parsing": ("skal være sand eller falsk", "Input should be a valid boolean"),
    "greater_than": ("skal være større end {gt}", "too small"),
    "greater_than_equal": ("skal være mindst {ge}", "too small"),
    "less_than": ("skal være mindre end {lt}", "too large"),
    "less_than_equal": ("må højst være {le}", "too large"),
    "date_type": ("skal være en dato (ÅÅÅÅ-MM-DD)", "Input should be a valid date"),
    "date_parsing": ("skal være en dato (ÅÅÅÅ-MM-DD)", "Input should be a valid date"),
    "date_from_datetime_parsing": (
        "skal være en dato (ÅÅÅÅ-MM-DD)",
        "Input should be a valid date",
    ),
    "enum": ("skal være en af: {expected}", "Input should be one of {expected}"),
    "literal_error": ("skal være en af: {expected}", "Input should be one of {expected}"),
    "list_type": ("skal være en liste", "Input should be a valid list"),
    "too_short": ("skal have mindst {min_length} elementer", "too short"),
    "too_long": ("må højst have {max_length} elementer", "too long"),
    "model_type": ("skal være et objekt", "Input should be an object"),
    "dict_type": ("skal være et objekt", "Input should be an object"),
    "json_invalid": ("er ikke gyldig JSON", "Invalid JSON"),
}


def pick_language(accept_language: str | None) -> Lang:
    """The language an ``Accept-Language`` header prefers among Danish and English.

    The highest ``q`` wins, the earlier on a tie; a header naming neither (or none)
    gets Danish, the service's language.
    """
    best: tuple[float, int, Lang] | None = None
    for position, part in enumerate((accept_language or "").split(",")):
        tag, _, params = part.strip().partition(";")
        primary = tag.strip().lower().split("-")[0]
        if primary not in LANGS:
            continue
        quality = 1.0
        for param in params.split(";"):
            name, _, value = param.strip().partition("=")
            if name == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if quality <= 0:
            continue
        candidate = (quality, -position, primary)
        if best is None or candidate[:2] > best[:2]:
            best = candidate
    return best[2] if best else DEFAULT_LANG


def title(code: str, lang: Lang, fallback: str) -> str:
    """The title of problem type ``code`` in ``lang`` (``fallback`` when not catalogued)."""
    entry = TITLES.get(code)
    return entry[LANGS.index(lang)] if entry else fallback


def detail(key: str, lang: Lang, values: dict[str, object]) -> str:
    """Detail sentence ``key`` in ``lang`` with ``values`` filled in.

    A value named ``what``, ``status`` or ``event`` is put into words in both languages
    (``what_da``/``what_en`` ...), so callers pass the plain codes.
    """
    index = LANGS.index(lang)
    words = dict(values)
    for name, table in (("what", NOUNS), ("status", STATES), ("event", EVENTS)):
        if name in values:
            code = str(values[name])
            da, en = table.get(code, (code, code))
            words[f"{name}_da"], words[f"{name}_en"] = da, en
    return DETAILS[key][index].format(**words)


def localize(
    code: str,
    title_en: str,
    detail_en: str | None,
    key: str | None,
    values: dict[str, object],
    lang: Lang,
) -> tuple[str, str | None]:
    """(title, detail) of a problem in ``lang``: the title by its ``code``, the detail by
    its message ``key``; an uncatalogued one keeps the English given."""
    return title(code, lang, title_en), detail(key, lang, values) if key else detail_en


def field_problem(kind: str, lang: Lang, context: dict[str, object], fallback: str) -> str:
    """A field-level problem of kind ``kind`` (pydantic's error type) in ``lang``.

    English keeps pydantic's own sentence (``fallback``), which names the limits; Danish
    uses the catalogue's, with the limits from ``context``. Uncatalogued kinds (custom
    validators' sentences) keep ``fallback``.
    """
    entry = FIELD_PROBLEMS.get(kind)
    if lang == "en" or entry is None:
        return fallback
    try:
        return entry[0].format(**context)
    except (KeyError, IndexError):
        return fallback


def validation_problem(error: Mapping[str, Any], lang: Lang) -> str:
    """One of pydantic's validation errors (``ValidationError.errors()``) in ``lang``."""
    context: dict[str, object] = {
        name: str(value).replace("'", "") if name == "expected" else value
        for name, value in (error.get("ctx") or {}).items()
        if isinstance(value, (int, float, str))
    }
    fallback = str(error.get("msg", "invalid"))
    return field_problem(str(error.get("type", "")), lang, context, fallback)
