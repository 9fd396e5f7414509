"""Words of the planners' pages: shortfall by benefit group, exports, scenario levers
and the simulated outcome tables.

Kept apart from :mod:`api.web.i18n` (which merges this table into its ``STRINGS``) so
that the planners' words grow without colliding with the other pages' edits.
"""

from __future__ import annotations

PLANNER_STRINGS: dict[str, tuple[str, str]] = {
    # shortfall page
    "missing_data": ("mangler data", "no data"),
    "legend_missing": (
        "– = mangler data (fx ingen boliger indlæst for kommunen); aldrig det samme som 0.",
        "– = no data (e.g. no homes loaded for the municipality); never the same as 0.",
    ),
    "legend_suppressed": (
        "Et skjult tal (under 5 personer i kommunens egne sager) vises også som –.",
        "A hidden figure (under 5 persons in the municipality's own cases) also shows as –.",
    ),
    "demand_source": ("Kilde til efterspørgsel", "Demand source"),
    "source_vive": ("VIVE-tælling", "VIVE count"),
    "source_live": ("kommunens sager", "own case list"),
    "source_vive_help": (
        "VIVE-tælling 2024 × {factor} (hjemløse i løbet af et år)",
        "VIVE count 2024 × {factor} (homeless during a year)",
    ),
    "source_live_help": (
        "Sager oprettet de seneste 365 dage i boligmatch",
        "Cases registered in boligmatch in the last 365 days",
    ),
    "download_table_csv": ("Hent tabellen som CSV", "Download the table as CSV"),
    "data_coverage": (
        "{n} af {total} kommuner har boligdata i systemet; for de andre mangler udbud og gab.",
        "{n} of {total} municipalities have housing data in the system; for the others "
        "supply and gap are missing.",
    ),
    "totals_with_data": ("I alt (kommuner med data)", "Total (municipalities with data)"),
    "groups_title": ("Pr. ydelsesgruppe", "By benefit group"),
    "groups_intro": (
        "En enlig voksen på gruppens standardydelse. Udbud = boliger med kommunal "
        "anvisningsret, som gruppen har råd til, × årlig fraflytning.",
        "A single adult on the group's standard benefit. Supply = homes with a municipal "
        "allocation right the group can afford × yearly turnover.",
    ),
    "choose_municipality": ("Vælg kommune", "Choose municipality"),
    "benefit_group": ("Ydelsesgruppe", "Benefit group"),
    "group_kh_under_30": ("kontanthjælp under 30 år", "social assistance under 30"),
    "group_kh_30_plus": ("kontanthjælp 30 år og derover", "social assistance 30 and over"),
    "group_foertidspension": ("førtidspension", "disability pension"),
    "group_folkepension": ("folkepension", "state pension"),
    "monthly_income": ("Ydelse, kr./md.", "Benefit, DKK/month"),
    "affordable_units": ("Betalelige boliger", "Affordable homes"),
    "municipal_right_units": ("Heraf kommunal anvisningsret", "Of those, municipal right"),
    "queue_now": ("Venter nu", "Waiting now"),
    "years_to_clear": ("År til listen er tom ved {share}", "Years to clear at {share}"),
    "groups_chart_alt": (
        "Søjlediagram over efterspørgsel og udbud pr. ydelsesgruppe i {name}.",
        "Bar chart of demand and supply per benefit group in {name}.",
    ),
    "no_chart_data": (
        "Diagrammet vises ikke: der er ingen data at tegne.",
        "No chart: there is no data to draw.",
    ),
    "no_stock_note": (
        "Der er ingen boliger i systemet for {name}: udbud og gab mangler (vises som –).",
        "There are no homes in the system for {name}: supply and gap are missing (shown as –).",
    ),
    # scenario form
    "scenario_intro_levers": (
        "Simulerer en eller flere kommuner måned for måned med de valgte politikker på de "
        "samme tilfældige tilflyttere, ledige boliger og afslag, og sammenligner ventetiden "
        "til bolig. Samme håndtag som kommandoen boligmatch simulate. Kører i baggrunden.",
        "Simulates one or more municipalities month by month with the chosen policies on "
        "the same random arrivals, vacancies and refusals, and compares the wait for a "
        "home. The same levers as the boligmatch simulate command. Runs in the background.",
    ),
    "policies": ("Politikker", "Policies"),
    "policy_optimiser": ("boligmatch-optimering", "boligmatch optimiser"),
    "policy_greedy": ("prioriteret liste (grådig)", "greedy priority list"),
    "policy_fcfs": ("først til mølle med hastespor", "first come, first served with urgency track"),
    "municipalities": ("Kommuner", "Municipalities"),
    "municipalities_help": (
        "Vælg en eller flere (Ctrl/Cmd-klik). Store kommuner tager længere tid.",
        "Choose one or more (Ctrl/Cmd-click). Large municipalities take longer.",
    ),
    "model_levers": ("Model", "Model"),
    "scenario_levers": ("Politiske håndtag", "Policy levers"),
    "yearly_factor": (
        "Årsfaktor (hjemløse i et år pr. talt)",
        "Yearly factor (homeless per count)",
    ),
    "exit_mean_days": (
        "Gns. dage før en borger forlader listen uden bolig",
        "Mean days before a citizen leaves the list without a home",
    ),
    "rounds_per_month": ("Matchrunder pr. måned", "Matching rounds per month"),
    "allocation_share": ("Kommunal anvisningsandel (0-1)", "Municipal allocation share (0-1)"),
    "extra_98e_homes": ("Nye § 98 e-boliger (hele landet)", "New § 98 e homes (national)"),
    "rent_reduction_dkk": (
        "Huslejenedsættelse, kr./md. (0 = fra)",
        "Rent reduction, DKK/month (0 = off)",
    ),
    "rent_reduction_share": ("Andel der får nedsættelse (0-1)", "Share reduced (0-1)"),
    "max_rent_share": (
        "Højeste husleje som andel af indkomst (0-1)",
        "Maximum rent share of income (0-1)",
    ),
    "min_left_per_adult_dkk": (
        "Rådighedsbeløb pr. voksen, kr./md.",
        "Left to live on per adult, DKK/month",
    ),
    "decline_rate": ("Sandsynlighed for afslag (0-1)", "Probability of a refusal (0-1)"),
    "max_refusals": ("Afslag før konsekvens", "Refusals before the action"),
    "refusal_action": ("Konsekvens af afslag", "Refusal action"),
    "refusal_remove": ("fjernes fra listen", "removed from the list"),
    "refusal_review": ("sagen genvurderes", "case reviewed"),
    "refusal_none": ("ingen", "none"),
    "planner_must_be_number": (
        "Skriv et tal mellem {lo} og {hi} (decimaler med komma).",
        "Enter a number between {lo} and {hi}.",
    ),
    "planner_choose_one": ("Vælg mindst én.", "Choose at least one."),
    "choose_municipalities": (
        "Vælg mellem 1 og {n} kommuner. Større kørsler: kommandoen boligmatch simulate.",
        "Choose between 1 and {n} municipalities. Larger runs: the boligmatch simulate command.",
    ),
    "candidate_limit": (
        "Kortliste når flere venter end (tom = alle til matcheren)",
        "Shortlist when more are waiting than (empty = everyone to the matcher)",
    ),
    "baseline": (
        "Kør også standardindstillingerne til sammenligning",
        "Also run the default levers, to compare against",
    ),
    # scenario job page
    "replications_n_1": ("{n} gentagelse", "{n} replication"),
    "replications_n": ("{n} gentagelser", "{n} replications"),
    "municipalities_n_1": ("{n} kommune", "{n} municipality"),
    "municipalities_n": ("{n} kommuner", "{n} municipalities"),
    "months_n_1": ("{n} måned", "{n} month"),
    "months_n": ("{n} måneder", "{n} months"),
    "outcomes_pooled": ("Resultat pr. politik", "Outcome per policy"),
    "outcomes_pooled_help": (
        "Ventetid fra skrivning til bolig (Kaplan-Meier: de der stadig venter er "
        "censureret, ikke udeladt). Tal er gennemsnit over gentagelser; i parentes 95 %-"
        "konfidensinterval (kræver mindst 2 gentagelser). – = mangler data eller længere "
        "end kørslen viser.",
        "Wait from registration to a home (Kaplan-Meier: people still waiting are "
        "censored, not dropped). Figures are means over replications; in brackets the 95 % "
        "confidence interval (needs at least 2 replications). – = no data or longer than "
        "the run shows.",
    ),
    "outcomes_groups": ("Resultat pr. gruppe", "Outcome per group"),
    "outcomes_groups_help": (
        "Grupper med under 5 borgere (gns. pr. gentagelse) er skjult (–).",
        "Groups with under 5 citizens (mean per replication) are hidden (–).",
    ),
    "col_n": ("Borgere", "Citizens"),
    "col_housed": ("Fik bolig", "Housed"),
    "col_left": ("Forlod listen", "Left the list"),
    "col_still_waiting": ("Venter stadig", "Still waiting"),
    "col_median_days": ("Median ventetid, dage", "Median wait, days"),
    "col_p90_days": ("90 %-fraktil, dage", "90th percentile, days"),
    "col_rmst365_days": ("Gns. ventetid inden for 365 dage", "Mean wait within 365 days"),
    "col_housed_3m": ("Bolig inden 3 mdr.", "Housed within 3 months"),
    "col_housed_12m": ("Bolig inden 12 mdr.", "Housed within 12 months"),
    "col_refusals": ("Afslag", "Refusals"),
    "col_lettings_per_year": ("Udlejninger pr. år", "Lettings per year"),
    "col_vacancy_days": ("Tomgangsdage", "Vacancy days"),
    "dimension": ("Opdeling", "Breakdown"),
    "dim_all": ("Alle borgere", "All citizens"),
    "dim_situation": ("Boligsituation", "Housing situation"),
    "dim_age_band": ("Aldersgruppe", "Age band"),
    "dim_children": ("Børn i husstanden", "Children in the household"),
    "dim_support": ("Støttemetode", "Support method"),
    "dim_income_type": ("Indkomsttype", "Income type"),
    "yes": ("ja", "yes"),
    "no": ("nej", "no"),
    "survival_chart": ("Ventetid til bolig", "Wait for a home"),
    "survival_alt": (
        "Overlevelseskurver (andel der stadig venter over tid) for hver politik, "
        "ventelisten over tid og huslejen for tomme boliger.",
        "Survival curves (share still waiting over time) per policy, the queue over time "
        "and the rent paid for empty homes.",
    ),
    "with_levers": ("ændrede håndtag", "changed levers"),
    "download_outcomes_csv": (
        "Hent hele udfaldstabellen (også pr. kommune) som CSV",
        "Download the whole outcome table (also per municipality) as CSV",
    ),
    "levers_used": ("Håndtag i denne kørsel", "Levers of this run"),
}
