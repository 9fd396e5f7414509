"""The command line's words in Danish (the default) and English.

The same mechanism as the errors' catalogue (:mod:`kernel.messages`) and the pages'
(``api.web.i18n``): a key names a (Danish, English) pair with ``{name}`` placeholders.
Every text a ``boligmatch`` user reads besides ``--help`` and ``--json`` is looked up
here: error exits, status lines and readable tables. Domain errors bring their own
words (:meth:`kernel.errors.DomainError.in_language`).

The language is ``BOLIGMATCH_LANG`` (``da`` or ``en``; Danish when unset or naming
neither, as an ``Accept-Language`` naming neither gets Danish). It is read from the
environment here rather than from :class:`kernel.settings.Settings`: an error exit must
be able to speak when the other settings are invalid (``boligmatch serve`` reports
them), and a database-free command (``solve``) should not load pydantic-settings to
print one line.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping

from kernel.formats import number
from kernel.messages import DEFAULT_LANG, LANGS, Lang

LANG_VARIABLE = "BOLIGMATCH_LANG"

Say = Callable[..., str]

# Key -> (Danish, English). Grouped by command; ``{name}`` placeholders are filled in.
CLI: dict[str, tuple[str, str]] = {
    # shared (boligmatch/commands/_common.py)
    "error": ("fejl: {message}", "error: {message}"),
    "bad_today": (
        "--today: ikke en dato på formen ÅÅÅÅ-MM-DD (fik {value!r})",
        "--today: not an ISO date YYYY-MM-DD (got {value!r})",
    ),
    "command_failed": ("{command} mislykkedes: {problem}", "{command} failed: {problem}"),
    "invalid_settings": ("ugyldige indstillinger: {problems}", "invalid settings: {problems}"),
    # serve
    "default_secrets_exposed": (
        "lytter ikke på {host} med udviklingshemmelighederne: sæt BOLIGMATCH_CPR_HASH_SECRET "
        "og BOLIGMATCH_JWT_SECRET, eller lyt på 127.0.0.1",
        "refusing to listen on {host} with the default development secrets: set "
        "BOLIGMATCH_CPR_HASH_SECRET and BOLIGMATCH_JWT_SECRET, or listen on 127.0.0.1",
    ),
    # migrate
    "migrated": ("databasen er migreret til {revision}", "database migrated to {revision}"),
    # token, api-key, sessions
    "unknown_role": (
        "ukendt rolle {role!r}; brug en af {roles}",
        "unknown role {role!r}; use one of {roles}",
    ),
    "staff_needs_municipality": (
        "en token til sagsbehandlere skal have en kommunekode (--municipality)",
        "a staff token must carry a municipality code (--municipality)",
    ),
    "association_needs_id": (
        "en token til en boligorganisation skal have dens id (--association-id)",
        "an association token must carry an association id (--association-id)",
    ),
    "no_association": (
        "der findes ingen boligorganisation med navnet {name!r}",
        "no housing association named {name!r}",
    ),
    "no_api_key": (
        "der findes ingen aktiv API-nøgle med præfikset {prefix!r}",
        "no active API key with prefix {prefix!r}",
    ),
    "api_key_revoked": ("API-nøgle {prefix} er tilbagekaldt", "revoked {prefix}"),
    "sessions_revoked": (
        "{sessions} for {subject} er afsluttet",
        "revoked {sessions} of {subject}",
    ),
    # import-vacancies
    "no_such_file": ("{file}: filen findes ikke", "{file}: no such file"),
    "import_rejected": (
        "{file}: {problems} i listen; intet er importeret",
        "{file}: {problems} in the vacancy list; nothing was imported",
    ),
    "import_row": ("række {row}", "row {row}"),
    "import_column": ("kolonne '{column}'", "column '{column}'"),
    "import_file": ("filen", "file"),
    "imported": (
        "{rows} importeret fra {file}: {units_new} nye og {units_updated} opdaterede boliger; "
        "{vacancies_new} nye og {vacancies_updated} opdaterede ledige boliger",
        "imported {rows} from {file}: {units_new} new units, {units_updated} updated; "
        "{vacancies_new} new vacancies, {vacancies_updated} updated",
    ),
    # expire-offers, send-notices, purge-personal-data
    "offers_expired": (
        "{day}: {expired} udløbet, {proposed} til de næste borgere",
        "{day}: {expired} expired, {proposed} made",
    ),
    "notices_sent": (
        "{day}: {sent} sendt, {retrying} prøves igen, {failed} mislykkedes",
        "{day}: {sent} sent, {retrying} to retry, {failed} failed",
    ),
    "print_batch": ("; udskriftsbunke {path}", "; print batch {path}"),
    "cases_anonymised": ("{cases} anonymiseret", "{cases} anonymised"),
    # solve
    "cannot_read": (
        "{file}: filen kan ikke læses ({why})",
        "{file}: cannot read the file ({why})",
    ),
    "not_json": (
        "{file}: ikke gyldig JSON (linje {line}, kolonne {column}: {why})",
        "{file}: not valid JSON (line {line}, column {column}: {why})",
    ),
    "problem_field": ("fejl: {path}: {message}", "error: {path}: {message}"),
    "solve_summary": (
        "status {status}  målværdi {objective}  {housed} af {citizens} boligplaceret  "
        "boliger {vacancies} ({unfilled} uden borger)  komponenter {components}",
        "status {status}  objective {objective}  housed {housed} of {citizens} citizens  "
        "vacancies {vacancies} ({unfilled} unfilled)  components {components}",
    ),
    "col_vacancy": ("bolig", "vacancy"),
    "col_citizen": ("borger", "citizen"),
    "col_score": ("point", "score"),
    "col_next": ("næste ved afslag", "next if declined"),
    "unmatched_by_reason": ("borgere uden bolig, efter grund:", "unmatched citizens by reason:"),
    "timings": ("tider [s]: {stages}", "timings [s]: {stages}"),
    # shortfall
    "bad_as_of": (
        "--as-of: ikke en dato på formen ÅÅÅÅ-MM-DD (fik {value!r})",
        "--as-of: not an ISO date YYYY-MM-DD (got {value!r})",
    ),
    "invalid_parameters": ("ugyldige parametre: {problem}", "invalid parameters: {problem}"),
    "turnover_range": (
        "--turnover-rate skal ligge mellem 0 og 1",
        "--turnover-rate must be between 0 and 1",
    ),
    "bands_need_municipality": (
        "--bands kræver --municipality",
        "--bands needs --municipality",
    ),
    "unknown_municipality": (
        "ukendt kommunekode: {codes}",
        "unknown municipality code: {codes}",
    ),
    "sf_code": ("kode", "code"),
    "sf_municipality": ("kommune", "municipality"),
    "sf_source": ("kilde", "src"),
    "sf_demand": ("behov/år", "demand/yr"),
    "sf_supply": ("udbud/år", "supply/yr"),
    "sf_gap": ("mangel/år", "gap/yr"),
    "sf_years_at": ("år@{share}", "yrs@{share}"),
    "sf_total": ("i alt", "total"),
    "sf_missing": ("–", "null"),
    "sf_note": (
        "pr. {as_of}; behov = VIVEs optælling 2024 x {factor} (kilde vive) eller den levende "
        "sagsliste (kilde live); udbud = genudlejninger/år (omsætning {turnover}) af boliger "
        "med kommunal anvisningsret, som mindst én ydelsesgruppe har råd til; år@andel = "
        "kø / (andel x betalelige genudlejninger). * = små levende tal skjult (–).",
        "as of {as_of}; demand = VIVE 2024 count x {factor} (src vive) or the live case list "
        "(src live); supply = lettings/year (turnover {turnover}) of municipal-right homes "
        "affordable to at least one benefit group; yrs@share = queue / (share x affordable "
        "lettings). * = small live counts suppressed (null).",
    ),
    "band_below": ("under {hi} kr.", "<{hi} kr."),
    "band_from": ("fra {lo} kr.", "≥{lo} kr."),
    "band_between": ("{lo}-{hi} kr.", "{lo}-{hi} kr."),
    "band_line": (
        "{label:>16}: {units} boliger med kommunal anvisningsret, {lettings} genudlejninger/år, "
        "betalelige for {groups} af 4 ydelsesgrupper",
        "{label:>16}: {units} units with municipal right, {lettings} lettings/year, affordable to "
        "{groups} of 4 benefit groups",
    ),
    # simulate
    "unknown_policy": (
        "ukendt politik {policies}; brug {known}",
        "unknown policy {policies}; use {known}",
    ),
    "no_policy": ("(ingen)", "(none)"),
    "one_executor": (
        "vælg én af --scheduler, --dask-local og --serial",
        "choose one of --scheduler, --dask-local and --serial",
    ),
    "unknown_by": ("ukendt --by-kolonne: {columns}", "unknown --by column(s): {columns}"),
    "unknown_lang": (
        "ukendt --lang {lang!r}; brug da eller en",
        "unknown --lang {lang!r}; use da or en",
    ),
    "invalid_levers": ("ugyldige værdier: {problem}", "invalid levers: {problem}"),
    "scheduler_unreachable": (
        "Dask-scheduleren kan ikke nås ({problem})",
        "the Dask scheduler cannot be reached ({problem})",
    ),
    "sim_scenario": ("scenarie", "scenario"),
    "sim_n": ("n", "n"),
    "sim_housed": ("boligplaceret", "housed"),
    "sim_left": ("forsvundet", "left"),
    "sim_still_waiting": ("venter_stadig", "still_waiting"),
    "sim_median_days": ("median_dage", "median_days"),
    "sim_median_days_lo": ("median_lav", "median_days_lo"),
    "sim_median_days_hi": ("median_høj", "median_days_hi"),
    "sim_p90_days": ("p90_dage", "p90_days"),
    "sim_rmst365_days": ("rmst365_dage", "rmst365_days"),
    "sim_housed_3m": ("bolig_3md", "housed_3m"),
    "sim_housed_12m": ("bolig_12md", "housed_12m"),
    "sim_refusals": ("afslag", "refusals"),
    "sim_lettings_per_year": ("udlejet_pr_år", "lettings_per_year"),
    "sim_vacancy_days": ("tomgangsdage", "vacancy_days"),
    "sim_arrived": ("ankommet", "arrived"),
    "sim_removed": ("fjernet", "removed"),
    "sim_share_housed": ("andel_bolig", "share_housed"),
    "sim_share_within_60_days": ("andel_60_dage", "share_within_60_days"),
    "sim_mean_queue": ("kø_gns", "mean_queue"),
    "sim_vacancy_cost_dkk": ("tomgang_kr", "vacancy_cost_dkk"),
    "sim_age_band": ("aldersgruppe", "age_band"),
    "sim_situation": ("situation", "situation"),
    "sim_benefit_group": ("ydelsesgruppe", "benefit_group"),
    "sim_municipality": ("kommune", "municipality"),
    "sim_missing": ("–", "n/a"),
    "sim_note": (
        "{tasks}, {replications}, {municipalities}, {months}; dage = fra registrering til "
        "bolig, Kaplan-Meier (venter stadig = censureret; – = længere end kørslen viser); "
        "tallene er gennemsnit over replikationer (lav/høj: 95 %-interval); poster og "
        "outcomes.csv/.json (pr. kommune og gruppe) i {out}/",
        "{tasks}, {replications}, {municipalities}, {months}; days = registration to home, "
        "Kaplan-Meier (still waiting = censored; n/a = longer than the run shows); figures "
        "are means over replications (lo/hi: 95 % interval); records and outcomes.csv/.json "
        "(per municipality and group) in {out}/",
    ),
    # housing-benefit
    "option_problem": ("fejl: {option}: {problem}", "Error: {option}: {problem}"),
    "benefit_headline": (
        "{kind} ({year}-satser): {monthly} kr./md. ({yearly} kr./år); "
        "husleje efter støtte {net} kr./md.",
        "{kind} ({year} rates): {monthly} kr./month ({yearly} kr./year); net rent {net} kr./month.",
    ),
    "benefit_boligsikring": ("Boligsikring", "Boligsikring"),
    "benefit_boligydelse": ("Boligydelse", "Boligydelse"),
    "benefit_steps": ("Beregningen:", "The calculation:"),
    # demo
    "demo_title": (
        "boligmatch demo: {name} ({code}), pr. {as_of}",
        "boligmatch demo: {name} ({code}), as of {as_of}",
    ),
    "demo_loaded_now": ("demokommunen er indlæst", "demo municipality loaded"),
    "demo_loaded_before": ("demokommunen var allerede indlæst", "demo municipality already loaded"),
    "demo_database": (
        "database: {url} ({loaded}; {vacancies}, {cases})",
        "database: {url} ({loaded}; {vacancies}, {cases})",
    ),
    "demo_matcher": (
        "matcher: {method}; status {status}; målværdi {objective}; {assigned} af {vacancies} "
        "boliger fordelt; {unmatched} uden bolig i denne runde; {feasible} mulige par af "
        "{pairs}",
        "matcher: {method}; status {status}; objective {objective}; {assigned} of {vacancies} "
        "vacancies assigned; {unmatched} without a home this round; {feasible} feasible "
        "pairs of {pairs}",
    ),
    "demo_stored": ("gemt som kørsel {run_id}", "stored as match run {run_id}"),
    "demo_offers": (
        "Rangerede tilbud (tilbud til den første; de andre er reserver, en prognose):",
        "Ranked offers (offer to the first; the others are alternates, a forecast):",
    ),
    "demo_bands": (
        "Mangel pr. huslejeinterval (boliger med kommunal anvisningsret):",
        "Shortfall per rent band (homes with a municipal allocation right):",
    ),
    "col_address": ("adresse", "address"),
    "col_area": ("område", "area"),
    "col_kind": ("type", "kind"),
    "col_rooms": ("værelser", "rooms"),
    "col_rent": ("husleje kr.", "rent kr."),
    "col_offer_to": (
        "tilbud til (point) · derefter ved afslag",
        "offer to (score) · then, if declined",
    ),
    "no_eligible": ("ingen borger opfylder kravene", "no eligible citizen"),
    "nobody_planned": (
        "ingen i planen; reserver {alternates}",
        "nobody planned; alternates {alternates}",
    ),
    "planned_for": ("{citizen} (planlagt til {vacancy})", "{citizen} (planned for {vacancy})"),
    # the kinds of almene boliger (inventory.models.UnitKind), as the pages name them
    "kind_family": ("familiebolig", "family"),
    "kind_youth": ("ungdomsbolig", "youth"),
    "kind_elderly": ("ældrebolig", "elderly"),
    "kind_skaev": ("skæv bolig", "skaev"),
    "kind_transitional": ("udslusningsbolig", "transitional"),
    # the matcher's run status
    "status_OPTIMAL": ("optimal", "OPTIMAL"),
    "status_FEASIBLE": ("gyldig, ikke bevist optimal", "FEASIBLE"),
    "status_INFEASIBLE": ("umulig", "INFEASIBLE"),
    # the matcher's reasons a citizen gets no home (codes of matcher.explain)
    "reason_outranked": ("andre går forud", "outranked"),
    "reason_capacity": ("loft over pladser", "capacity"),
    "reason_no_home_in_municipality": (
        "ingen bolig med anvisningsret",
        "no_home_in_municipality",
    ),
    "reason_no_home_of_right_size": ("ingen bolig af passende størrelse", "no_home_of_right_size"),
    "reason_no_accessible_home": ("ingen tilgængelig bolig", "no_accessible_home"),
    "reason_no_home_allowing_pets": ("ingen bolig med husdyr tilladt", "no_home_allowing_pets"),
    "reason_youth_units_only": ("kun ungdomsboliger", "youth_units_only"),
    "reason_unit_kinds_only": ("kun boligtyper borgeren ikke kan bruge", "unit_kinds_only"),
    "reason_listed_area_only": ("kun i områder, borgeren ikke ønsker", "listed_area_only"),
    "reason_no_home_support_reaches": (
        "ingen bolig, støtten når ud til",
        "no_home_support_reaches",
    ),
    "reason_avoided_areas_only": ("kun i fravalgte områder", "avoided_areas_only"),
    "reason_none_available_by_deadline": (
        "ingen bolig ledig inden fristen",
        "none_available_by_deadline",
    ),
    "reason_no_affordable_home": ("ingen bolig, borgeren har råd til", "no_affordable_home"),
    "reason_unaffordable_after_reduction": (
        "for dyr, når huslejenedsættelsen ophører",
        "unaffordable_after_reduction",
    ),
}

# Counted things: key -> ((Danish one, Danish many), (English one, English many)).
COUNTS: dict[str, tuple[tuple[str, str], tuple[str, str]]] = {
    "row": (("række", "rækker"), ("row", "rows")),
    "problem": (("fejl", "fejl"), ("problem", "problems")),
    "offer": (("tilbud", "tilbud"), ("offer", "offers")),
    "next_proposal": (("nyt forslag", "nye forslag"), ("next proposal", "next proposals")),
    "case": (("sag", "sager"), ("case", "cases")),
    "session": (("session", "sessioner"), ("session", "sessions")),
    "task": (("opgave", "opgaver"), ("task", "tasks")),
    "replication": (("replikation", "replikationer"), ("replication", "replications")),
    "municipality": (("kommune", "kommuner"), ("municipality", "municipalities")),
    "month": (("måned", "måneder"), ("month", "months")),
    "open_vacancy": (("ledig bolig", "ledige boliger"), ("open vacancy", "open vacancies")),
    "citizen_case": (("borgersag", "borgersager"), ("citizen's case", "citizens' cases")),
    "citizen": (("borger", "borgere"), ("citizen", "citizens")),
    "unit": (("bolig", "boliger"), ("unit", "units")),
}


def cli_language(environ: Mapping[str, str] | None = None) -> Lang:
    """The language ``BOLIGMATCH_LANG`` names (``da``, ``en``, ``en_GB.UTF-8`` ...); Danish
    when it is unset or names neither."""
    value = (os.environ if environ is None else environ).get(LANG_VARIABLE, "")
    primary = value.strip().lower().replace("_", "-").split(".")[0].split("-")[0]
    for lang in LANGS:
        if primary == lang:
            return lang
    return DEFAULT_LANG


def count(n: int, what: str, lang: Lang) -> str:
    """``n`` counted things with the right singular or plural: ``1 sag``, ``3 sager``."""
    one, many = COUNTS[what][LANGS.index(lang)]
    return f"{number(n, lang)} {one if n == 1 else many}"


def code_words(kind: str, code: str, lang: Lang) -> str:
    """A code of another layer (the matcher's ``status``, an unmatched ``reason``) in
    words, from the entry ``{kind}_{code}``; a code not catalogued is shown as it is."""
    entry = CLI.get(f"{kind}_{code}")
    return entry[LANGS.index(lang)] if entry else code


def translator(lang: Lang | None = None) -> Say:
    """``say(key, **values)`` in ``lang`` (default: :func:`cli_language`).

    Unlike the pages' translator an unknown key is an error, not the key shown: the
    catalogue test checks every key the commands use.
    """
    index = LANGS.index(lang or cli_language())

    def say(key: str, /, **values: object) -> str:
        return CLI[key][index].format(**values)

    return say


def say(key: str, /, **values: object) -> str:
    """Text ``key`` in the command line's language (read each time, so a test can set it)."""
    return translator()(key, **values)
