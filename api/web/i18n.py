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

from api.web.i18n_a11y import A11Y_STRINGS
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
        "Kørsel {id}: {assigned} af {vacancies} boliger fordelt, {citizens} borgere.",
        "Run {id}: {assigned} of {vacancies} homes assigned, {citizens} citizens.",
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
    "left_out_title": ("Udeladt af kørslen", "Left out of the run"),
    "left_out_intro": (
        "Matcheren kan ikke bruge disse sager og boliger, så de er udeladt; resten er "
        "planlagt. Ret oplysningerne og kør matchningen igen.",
        "The matcher cannot use these cases and homes, so they were left out; the rest "
        "was planned. Correct the details and run the match again.",
    ),
    "left_out_citizen": ("Sag", "Case"),
    "left_out_vacancy": ("Bolig", "Home"),
    "ranked_intro": (
        "Nr. 1 er den borger, planen giver boligen; de næste er reserver, hvis tilbuddet "
        "afslås. Reserverne står i den rækkefølge, der koster planen som helhed mindst, "
        "ikke efter egne point: en reserve kan have flere point, men være mere værd for "
        "planen i en anden bolig. Point vises uden den grundbonus, alle boligplacerede får, "
        "og kun de pointdele, der er forskellige for boligens kandidater. Forslag er "
        "beslutningsstøtte.",
        "Rank 1 is the citizen the plan gives the home to; the others are alternates if the "
        "offer is declined. Alternates are in the order that costs the plan as a whole the "
        "least, not by their own points: an alternate may have more points but be worth more "
        "to the plan in another home. Points are shown without the base bonus every housed "
        "citizen gets, and only the score parts that differ between the home's candidates. "
        "Proposals are a decision aid.",
    ),
    # run page (api/web/run_views.py)
    "run": ("Kørsel", "Run"),
    "run_summary_page": (
        "Kørsel {id}, {when}: {assigned} af {vacancies} boliger fordelt mellem {citizens} "
        "borgere; {unmatched} borgere får ingen bolig i planen.",
        "Run {id}, {when}: {assigned} of {vacancies} homes assigned among {citizens} "
        "citizens; {unmatched} citizens get no home in the plan.",
    ),
    "run_status_OPTIMAL": ("Planen er den bedst mulige.", "The plan is the best possible."),
    "run_status_FEASIBLE": (
        "Planen er gyldig, men ikke bevist den bedst mulige (tidsgrænsen blev nået).",
        "The plan is valid but not proven the best possible (the time limit was reached).",
    ),
    "newer_run": (
        "Der findes en nyere kørsel; dens forslag gælder nu:",
        "There is a newer run; its proposals apply now:",
    ),
    "find_in_run": ("Find bolig eller borger", "Find a home or a citizen"),
    "home_number": ("Bolig nr.", "Home no."),
    "show": ("Vis", "Show"),
    "show_all": ("Vis alle", "Show all"),
    "homes_in_run": ("Boliger i planen ({n})", "Homes in the plan ({n})"),
    "homes_pages": ("Sider med boliger", "Pages of homes"),
    "no_homes_match": (
        "Ingen bolig i planen passer til søgningen.",
        "No home in the plan matches.",
    ),
    "previous_page": ("Forrige side", "Previous page"),
    "next_page": ("Næste side", "Next page"),
    "page_of": ("Side {page} af {pages}", "Page {page} of {pages}"),
    "plan_gives_nobody": (
        "Planen giver ikke boligen til nogen.",
        "The plan gives this home to nobody.",
    ),
    "plan_gives_nobody_more": (
        "Borgerne nedenfor kan få den, men planen har brug for dem andre steder eller "
        "prioriterer dem lavere; nr. 1 er det første alternativ.",
        "The citizens below could have it, but the plan needs them elsewhere or ranks them "
        "lower; rank 1 is the first alternate.",
    ),
    "points": ("Point", "Points"),
    "part_situation": ("Situation", "Situation"),
    "part_time_homeless": ("Tid som hjemløs", "Time homeless"),
    "part_deadline": ("Frist", "Deadline"),
    "part_children": ("Børn", "Children"),
    "part_time_on_list": ("Tid på listen", "Time on the list"),
    "part_area_preference": ("Ønsket område", "Preferred area"),
    "part_distance": ("Afstand", "Distance"),
    "part_stays_affordable": ("Kan fortsat betale", "Stays affordable"),
    "part_support_fit": ("Støtte passer", "Support fits"),
    "why_here": ("Hvorfor denne plads", "Why this place"),
    "plans_choice": ("planens valg", "the plan's choice"),
    "why_plan_choice": ("Planen giver boligen til {ref}.", "The plan gives the home to {ref}."),
    "why_if_declines": ("Tilbydes, hvis {holder} siger nej.", "Offered if {holder} declines."),
    "why_nobody_first": (
        "Første alternativ; planen giver ikke boligen til nogen.",
        "First alternate; the plan gives the home to nobody.",
    ),
    "why_nobody_next": ("Næste alternativ.", "Next alternate."),
    "why_loss": (
        "Planen mister mindst {loss} point samlet, hvis {ref} får boligen (skøn).",
        "The plan loses at least {loss} points in all if {ref} gets the home (estimate).",
    ),
    "why_planned_elsewhere": (
        "Planen giver {ref} bolig #{home}.",
        "The plan gives {ref} home #{home}.",
    ),
    "why_not_housed": (
        "Planen har ingen bolig til {ref}.",
        "The plan has no home for {ref}.",
    ),
    "why_more_points": (
        "Har flere point end nr. {rank}, men står lavere, fordi rækkefølgen følger, hvad "
        "planen som helhed mister.",
        "Has more points than rank {rank} but stands lower, because the order follows what "
        "the plan as a whole loses.",
    ),
    "later_proposals": (
        "Forslag fra en senere kørsel for denne bolig:",
        "Proposals from a later run for this home:",
    ),
    "unmatched_title": (
        "Borgere uden bolig i planen ({n})",
        "Citizens without a home in the plan ({n})",
    ),
    "unmatched_reason": ("Hvorfor", "Why"),
    "unmatched_pages": ("Sider med borgere uden bolig", "Pages of citizens without a home"),
    "everyone_matched": (
        "Alle borgere får en bolig i planen.",
        "Every citizen gets a home in the plan.",
    ),
    "earlier_runs": ("Kørsler", "Runs"),
    "run_purpose": ("Anledning", "Purpose"),
    "run_purpose_match": ("matchning", "match"),
    "run_purpose_propose_next": ("nyt forslag efter afslag", "next proposal after a decline"),
    "homes_assigned": ("Boliger fordelt", "Homes assigned"),
    "older_runs": ("og {n} ældre kørsler", "and {n} older runs"),
    "match_running": (
        "Matchningen kører … det kan tage et øjeblik.",
        "The match is running … this may take a moment.",
    ),
    "explain_not_listed": (
        "Borgeren opfylder kravene, men er ikke blandt boligens kandidater.",
        "The citizen meets the rules but is not among the home's candidates.",
    ),
    "base_left_out": (
        "Grundbonussen, som alle boligplacerede får, er ikke medregnet.",
        "The base bonus every housed citizen gets is left out.",
    ),
    "rule_allocation_right": (
        "Boligen hører ikke under kommunens anvisningsret.",
        "The home is not under the municipality's allocation right.",
    ),
    "rule_household_fits": (
        "Boligen passer ikke til husstandens størrelse.",
        "The home does not fit the household's size.",
    ),
    "rule_accessibility": (
        "Boligen er ikke tilgængelig nok (kørestol, stueetage eller elevator).",
        "The home is not accessible enough (wheelchair, ground floor or lift).",
    ),
    "rule_pets": ("Boligen tillader ikke borgerens husdyr.", "The home does not allow the pet."),
    "rule_youth_unit": (
        "Boligen er en ungdomsbolig, og borgeren er over aldersgrænsen.",
        "The home is a youth unit and the citizen is over the age limit.",
    ),
    "rule_listed_area": (
        "Boligen ligger i et udsat område (§ 51 b), og borgeren har længe fået kontanthjælp.",
        "The home is in a listed area (§ 51 b) and the citizen has long received kontanthjælp.",
    ),
    "rule_avoided_area": (
        "Boligen ligger i et område, borgeren har bedt om at undgå.",
        "The home is in an area the citizen asked to avoid.",
    ),
    "rule_available_by_deadline": (
        "Boligen er ikke ledig inden borgerens frist.",
        "The home is not available by the citizen's deadline.",
    ),
    "rule_affordability": (
        "Borgeren har ikke råd til boligen.",
        "The citizen cannot afford the home.",
    ),
    "rule_unit_kind": (
        "Boligtypen passer ikke til borgeren (fx ældrebolig, skæv bolig, udslusningsbolig).",
        "The kind of home does not fit the citizen (e.g. elderly, skæv or transitional).",
    ),
    "rule_support_reach": (
        "Intet team med borgerens støttemetode dækker boligen.",
        "No team with the citizen's support method covers the home.",
    ),
    "rule_affordable_after_reduction": (
        "Borgeren kan ikke betale boligen, når huslejenedsættelsen ophører.",
        "The citizen cannot afford the home once the rent reduction ends.",
    ),
    "rule_excluded": (
        "Borgeren har tidligere sagt nej til boligen eller ladet et tilbud udløbe.",
        "The citizen declined this home before or let an offer of it expire.",
    ),
    "um_outranked": (
        "Alle {n} mulige boliger gik til borgere, planen prioriterer højere: {named}. At give "
        "borgeren bolig #{home} i stedet ville koste planen mindst {loss} point (skøn).",
        "All {n} feasible homes went to citizens the plan ranks higher: {named}. Giving the "
        "citizen home #{home} instead would cost the plan at least {loss} points (estimate).",
    ),
    "um_home_to": (
        "#{home} gik til {holder} ({theirs} point mod {mine})",
        "#{home} went to {holder} ({theirs} points against {mine})",
    ),
    "um_home_unassigned": (
        "#{home} fordeles ikke ({mine} point)",
        "#{home} is left unassigned ({mine} points)",
    ),
    "um_capacity": (
        "Et støtteteams ledige pladser eller en afdelings loft udelukker bolig #{home}, som "
        "planen ellers ville give borgeren.",
        "A support team's free places or a department cap rule out home #{home}, which the "
        "plan would otherwise give the citizen.",
    ),
    "um_rule_allocation_right": (
        "Ingen af de {homes_considered} ledige boliger hører under kommunens anvisningsret.",
        "None of the {homes_considered} vacant homes is under the municipality's allocation right.",
    ),
    "um_rule_household_fits": (
        "Ingen af de {homes_left} tilbageværende boliger passer til {persons} personer.",
        "None of the {homes_left} homes left fits {persons} persons.",
    ),
    "um_rule_accessibility": (
        "Ingen af de {homes_left} tilbageværende boliger er tilgængelige nok.",
        "None of the {homes_left} homes left is accessible enough.",
    ),
    "um_rule_pets": (
        "Ingen af de {homes_left} tilbageværende boliger tillader borgerens husdyr.",
        "None of the {homes_left} homes left allows the citizen's pet.",
    ),
    "um_rule_youth_unit": (
        "De {homes_left} tilbageværende boliger er ungdomsboliger for borgere under "
        "{youth_age_limit} år; borgeren er {age}.",
        "The {homes_left} homes left are youth units for citizens under {youth_age_limit}; "
        "the citizen is {age}.",
    ),
    "um_rule_listed_area": (
        "De {homes_left} tilbageværende boliger ligger i områder, hvor kommunen ikke må "
        "anvise husstanden (almenboligloven § 59, stk. 6 og 7).",
        "The {homes_left} homes left are in areas where the municipality may not allocate "
        "to the household (almenboligloven § 59(6) and (7)).",
    ),
    "um_rule_unit_kind": (
        "De {homes_left} tilbageværende boliger er af en slags, borgeren ikke er i "
        "målgruppen for (udslusnings-, ældre- eller skæve boliger).",
        "The {homes_left} homes left are of a kind the citizen is not in the target group "
        "for (transitional, elderly or skæve boliger).",
    ),
    "um_rule_support_reach": (
        "Intet støtteteam af borgerens slags dækker de {homes_left} tilbageværende boliger.",
        "No support team of the citizen's method covers the {homes_left} homes left.",
    ),
    "um_unit_kinds_only": (
        "Der er kun boliger af en slags, borgeren ikke er i målgruppen for.",
        "There are only homes of a kind the citizen is not in the target group for.",
    ),
    "um_no_home_support_reaches": (
        "Intet støtteteam af borgerens slags dækker nogen af de mulige boliger.",
        "No support team of the citizen's method covers any of the possible homes.",
    ),
    "um_rule_avoided_area": (
        "De {homes_left} tilbageværende boliger ligger i områder, borgeren har bedt om at undgå.",
        "The {homes_left} homes left are in areas the citizen asked to avoid.",
    ),
    "um_rule_available_by_deadline": (
        "Ingen af de {homes_left} tilbageværende boliger er ledige inden borgerens frist "
        "{deadline}.",
        "None of the {homes_left} homes left is available by the citizen's deadline {deadline}.",
    ),
    "um_rule_affordability": (
        "Borgeren har ikke råd til nogen af de {homes_left} tilbageværende boliger.",
        "The citizen cannot afford any of the {homes_left} homes left.",
    ),
    "um_rule_excluded": (
        "Alle {feasible_before_exclusions} mulige boliger er udelukket, fordi borgeren har "
        "sagt nej til dem eller ladet tilbud udløbe.",
        "All {feasible_before_exclusions} feasible homes are excluded: the citizen declined "
        "them or let offers expire.",
    ),
    "um_other": ("Ingen bolig i planen ({reason}).", "No home in the plan ({reason})."),
    "rank": ("Nr.", "Rank"),
    "candidate": ("Kandidat", "Candidate"),
    "score": ("Point", "Score"),
    "breakdown": ("Pointfordeling", "Score breakdown"),
    "no_candidates": (
        "Ingen borger opfylder kravene til denne bolig.",
        "No citizen meets the rules for this home.",
    ),
    "why_not": ("Hvorfor ikke en anden borger?", "Why not another citizen?"),
    "why_not_choose_both": (
        "Vælg både en bolig og en borger for at se, hvorfor de (ikke) blev matchet.",
        "Choose both a home and a citizen to see why they were (not) matched.",
    ),
    "why_not_help": (
        "Skriv et boligens nummer og et sagsnr. for at se, hvorfor borgeren (ikke) er foreslået "
        "til boligen: reglerne, der udelukker den, eller pointene.",
        "Enter a home number and a case ref to see why the citizen is (not) proposed for "
        "the home: the rules that rule it out, or the points.",
    ),
    "explain": ("Forklar", "Explain"),
    "explanation": ("Forklaring", "Explanation"),
    "feasible": ("Mulig", "Feasible"),
    "ruled_out": ("Udelukket", "Ruled out"),
    "rules_failed": ("Regler, der ikke er opfyldt", "Rules that failed"),
    "money_heading": ("Økonomi pr. måned", "Money per month"),
    "money_gross_rent": ("Husleje", "Rent"),
    "money_benefit": ("Boligstøtte", "Housing benefit"),
    "money_net": ("Boligudgift efter støtte (med forbrug)", "Housing cost after benefit"),
    "money_disposable": ("Indkomst efter skat", "Income after tax"),
    "money_left": ("Tilbage at leve for", "Left to live on"),
    "money_required": ("Kommunen kræver mindst", "The municipality requires at least"),
    "money_reduction": (
        "Huslejenedsættelsen (§ 98 f) ophører {until}: derefter husleje {rent} kr., "
        "boligstøtte {benefit} kr. og {left} kr. tilbage.",
        "The rent reduction (§ 98 f) ends on {until}: then rent {rent} kr., housing benefit "
        "{benefit} kr. and {left} kr. left.",
    ),
    "money_reduction_unaffordable": (
        "Fra {day} kan boligen ikke betales.",
        "From {day} the home is not affordable.",
    ),
    "money_deposit_loan": (
        "Indskud {deposit} kr.: kommunen skal låne borgeren det (beboerindskudslån).",
        "Deposit {deposit} kr.: the municipality must lend it (beboerindskudslån).",
    ),
    "money_deposit_pay": (
        "Indskud {deposit} kr.: borgeren betaler selv (indkomsten er over grænsen for lån).",
        "Deposit {deposit} kr.: the citizen pays it (income above the loan limit).",
    ),
    "money_needs_assessment": (
        "Huslejen er over den andel af indkomsten, kommunen har sat: kræver en samlet "
        "vurdering (boligstøtteloven § 15).",
        "The rent is above the municipality's share of income: needs an overall assessment "
        "(boligstøtteloven § 15).",
    ),
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
    # staff: finding, registering and changing cases (api/web/staff_cases.py)
    "cases_nav": ("Sager", "Cases"),
    "cases_title": ("Sager", "Cases"),
    "new_case": ("Opret sag", "New case"),
    "edit_case": ("Ret sagen", "Edit the case"),
    "edit_case_title": ("Ret sag {ref}", "Edit case {ref}"),
    "save_case": ("Gem sagen", "Save the case"),
    "create_case": ("Opret sagen", "Create the case"),
    "cancel": ("Annullér", "Cancel"),
    "case_created_ok": ("Sagen er oprettet.", "The case was created."),
    "case_saved_ok": ("Sagen er gemt.", "The case was saved."),
    "new_case_intro": (
        "Felter mærket (valgfri) kan stå tomme. CPR-nummeret gemmes kun som en nøgleværdi "
        "og vises aldrig igen.",
        "Fields marked (optional) may be left empty. The CPR number is kept only as a keyed "
        "hash and never shown again.",
    ),
    "fs_person": ("Borgeren", "The citizen"),
    "fs_household": ("Husstand og økonomi", "Household and money"),
    "fs_situation": ("Situation, datoer og støtte", "Situation, dates and support"),
    "fs_needs": ("Behov og ønsker", "Needs and wishes"),
    "fs_income": ("Indkomst pr. måned før skat", "Income per month before tax"),
    "cpr": ("CPR-nummer", "CPR number"),
    "cpr_help": (
        "10 cifre, fx 010190-1234.",
        "10 digits, e.g. 010190-1234.",
    ),
    "cpr_not_shown": (
        "CPR-nummeret er gemt som en nøgleværdi og kan ikke vises eller ændres.",
        "The CPR number is kept as a keyed hash and cannot be shown or changed.",
    ),
    "case_ref_help": (
        "Kommunens eget sagsnummer (bogstaver, tal, . _ -). Tomt felt: et nummer dannes.",
        "The municipality's own reference (letters, digits, . _ -). Empty: one is made.",
    ),
    "adults": ("Voksne", "Adults"),
    "children": ("Børn", "Children"),
    "adults_one": ("{n} voksen", "{n} adult"),
    "adults_many": ("{n} voksne", "{n} adults"),
    "children_one": ("{n} barn", "{n} child"),
    "children_many": ("{n} børn", "{n} children"),
    "income_kind": ("Indkomsttype", "Kind of income"),
    "income_amount": ("Beløb, kr./md.", "Amount, DKK/month"),
    "income_row": ("Indkomst {n}", "Income {n}"),
    "income_help": (
        "Én linje pr. indkomst. Tomme linjer gemmes ikke. Beløb kan skrives som 12.500 "
        "eller 12500,50.",
        "One line per income. Empty lines are not saved. Amounts may be written as 12,500 "
        "or 12500.50.",
    ),
    "wealth": ("Formue, kr.", "Wealth, DKK"),
    "homeless_since_label": ("Hjemløs siden", "Homeless since"),
    "registered_on_label": ("Registreret den", "Registered on"),
    "deadline_label": ("Frist (løsladelse eller udskrivning)", "Deadline (release or discharge)"),
    "kontanthjaelp_since": ("På kontanthjælp siden", "On kontanthjælp since"),
    "kontanthjaelp_help": (
        "Første dag i den nuværende sammenhængende periode (almenboligloven § 59, stk. 6).",
        "First day of the current unbroken period (Social Housing Act § 59(6)).",
    ),
    "date_help": ("Fx 23.10.2026.", "E.g. 23.10.2026."),
    "needs": ("Behov", "Needs"),
    "need_wheelchair": ("kørestol", "wheelchair"),
    "need_ground_floor": ("stueetage", "ground floor"),
    "need_pets": ("har husdyr", "has pets"),
    "need_wheelchair_label": ("Bruger kørestol", "Uses a wheelchair"),
    "need_ground_floor_label": ("Skal bo i stueetagen", "Needs the ground floor"),
    "need_pets_label": ("Har husdyr", "Has pets"),
    "preferred_areas": ("Ønskede bydele", "Preferred districts"),
    "avoided_areas": ("Bydele, der skal undgås", "Districts to avoid"),
    "areas_label": ("Ønskede bydele, bedst først", "Preferred districts, best first"),
    "areas_help": ("Adskil med komma.", "Separate with commas."),
    "known_districts": ("Kommunens bydele: {names}.", "The municipality's districts: {names}."),
    "wealth_short": ("Formue", "Wealth"),
    "decline_note_short": ("Bemærkning: {note}", "Note: {note}"),
    "refusal_policy": ("Afslag og følger", "Refusals and consequences"),
    "refusal_policy_none": (
        "Afslag har ingen følger efter kommunens regler.",
        "Refusals have no consequence under the municipality's rules.",
    ),
    "refusal_next_counted": (
        "Næste afslag bliver afslag nr. {n} (kommunens grænse: {max}); det har ingen følger.",
        "The next refusal will be refusal no. {n} (the municipality's limit: {max}); it has "
        "no consequence.",
    ),
    "refusal_next_remove": (
        "Næste afslag betyder, at sagen fjernes fra listen (kommunens grænse: {max}).",
        "The next refusal means the case is removed from the list (the municipality's "
        "limit: {max}).",
    ),
    "refusal_next_review": (
        "Næste afslag betyder, at sagen skal vurderes af en sagsbehandler (kommunens "
        "grænse: {max}).",
        "The next refusal means a caseworker must review the case (the municipality's "
        "limit: {max}).",
    ),
    "entity_offer": ("Tilbud {id}", "Offer {id}"),
    "concerns": ("Vedrører", "Concerns"),
    "event_case_create": ("Sag oprettet", "Case created"),
    "event_case_update": ("Sag ændret", "Case changed"),
    "event_case_close": ("Sag lukket", "Case closed"),
    "event_case_housed": ("Borgeren har fået bolig", "Citizen housed"),
    "event_case_refusal": ("Afslag talt med", "Refusal counted"),
    "event_case_review_required": (
        "Sagen skal vurderes efter afslag",
        "Case to be reviewed after refusals",
    ),
    "event_case_remove": (
        "Sagen fjernet fra listen efter afslag",
        "Case removed from the list after refusals",
    ),
    "event_offer_create": ("Tilbud oprettet", "Offer created"),
    "event_offer_send": ("Tilbud sendt", "Offer sent"),
    "event_offer_accept": ("Tilbud accepteret", "Offer accepted"),
    "event_offer_decline": ("Tilbud afslået", "Offer declined"),
    "event_offer_expire": ("Svarfristen udløb", "Answer deadline passed"),
    "event_offer_withdraw": ("Tilbud trukket tilbage", "Offer withdrawn"),
    "income_kontanthjaelp": ("kontanthjælp", "social assistance (kontanthjælp)"),
    "income_uddannelseshjaelp": ("uddannelseshjælp", "education assistance"),
    "income_foertidspension": ("førtidspension", "disability pension"),
    "income_folkepension": ("folkepension", "state pension"),
    "income_dagpenge": ("dagpenge", "unemployment benefit"),
    "income_salary": ("løn", "salary"),
    "income_other": ("anden indkomst", "other income"),
    "income_boerne_og_ungeydelse": (
        "børne- og ungeydelse (skattefri)",
        "child and youth benefit (tax-free)",
    ),
    "income_boernetilskud": ("børnetilskud (skattefrit)", "child allowance (tax-free)"),
    "support_CTI": ("CTI – kritisk tidsintervention", "CTI – critical time intervention"),
    "support_ICM": ("ICM – intensiv casemanagement", "ICM – intensive case management"),
    "support_ACT": ("ACT – tværfagligt udgående team", "ACT – assertive community treatment"),
    "support_SEL85": (
        "socialpædagogisk støtte (serviceloven § 85)",
        "socio-educational support (Social Services Act § 85)",
    ),
    "support_none": ("ingen bostøtte", "no housing support"),
    # staff: the case list's search and filters
    "search_cases": ("Søg og filtrér", "Search and filter"),
    "search_text": ("Sagsnr. eller navn", "Case ref or name"),
    "any": ("alle", "any"),
    "status_all": ("alle", "all"),
    "deadline_filter": ("Frist", "Deadline"),
    "deadline_has": ("har en frist", "has a deadline"),
    "deadline_none": ("ingen frist", "no deadline"),
    "deadline_within": ("frist inden for … dage", "deadline within … days"),
    "days_label": ("Dage til frist", "Days to deadline"),
    "search": ("Søg", "Search"),
    "clear_filters": ("Nulstil", "Clear"),
    "cases_found_one": ("1 sag", "1 case"),
    "cases_found_many": ("{n} sager", "{n} cases"),
    "no_cases_found": ("Ingen sager passer til søgningen.", "No case matches the search."),
    "pages_nav": ("Sider", "Pages"),
    "refusals_short": ("Afslag", "Refusals"),
    # staff: the case form's messages
    "cpr_format": (
        "CPR-nummeret skal være 10 cifre, fx 010190-1234.",
        "The CPR number must be 10 digits, e.g. 010190-1234.",
    ),
    "cpr_date": (
        "CPR-nummeret begynder ikke med en gyldig dato (DDMMÅÅ).",
        "The CPR number does not start with a valid date (DDMMYY).",
    ),
    "cpr_birth": (
        "Fødselsdatoen i CPR-nummeret er ikke mulig.",
        "The birth date in the CPR number is not possible.",
    ),
    "case_exists": (
        "Personen har allerede en aktiv sag. Find den under Sager.",
        "This person already has an active case. Find it under Cases.",
    ),
    "case_ref_exists": (
        "En anden sag har allerede dette sagsnummer.",
        "Another case already has this reference.",
    ),
    "case_ref_format": (
        "Brug kun bogstaverne a-z, tal og . _ -",
        "Use only the letters a-z, digits and . _ -",
    ),
    "case_not_active": (
        "Sagen er ikke længere aktiv og kan ikke ændres.",
        "The case is no longer active and cannot be changed.",
    ),
    "homeless_after_registered": (
        "Hjemløsheden kan ikke begynde efter registreringsdatoen.",
        "The homelessness cannot begin after the registration date.",
    ),
    "deadline_before_homeless": (
        "Fristen ligger før hjemløsheden begyndte.",
        "The deadline lies before the homelessness began.",
    ),
    "invalid_date_da": ("Skriv en dato som 23.10.2026.", "Enter a date as 23.10.2026."),
    "no_cpr_in_text": ("Må ikke indeholde et CPR-nummer.", "Must not contain a CPR number."),
    "area_twice": ("En bydel står to gange.", "A district is listed twice."),
    "area_both": (
        "En bydel kan ikke både ønskes og undgås.",
        "A district cannot be both preferred and avoided.",
    ),
    "too_many": ("Højst {n}.", "At most {n}."),
    "stale_edit": (
        "Sagen er blevet ændret af en anden, efter du åbnede den. Intet er gemt. Åbn sagen "
        "igen for at se ændringerne, og ret den derefter.",
        "Someone else changed the case after you opened it. Nothing was saved. Open the "
        "case again to see the changes, then edit it.",
    ),
    "could_not_save_case": (
        "Sagen kunne ikke gemmes: {detail}",
        "The case could not be saved: {detail}",
    ),
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
        "Excel (.xlsx) eller CSV, som Excel gemmer den (semikolon eller komma; Windows- eller "
        "UTF-8-tegnsæt). Overskrifterne må være danske eller engelske, og tal skrives på "
        "dansk: 4.950 eller 4.950,50 kr., 68,5 m². Hele listen kontrolleres, før noget "
        "gemmes: er der fejl, gemmes intet, og alle fejl vises på én gang.",
        "Excel (.xlsx) or CSV as Excel saves it (semicolon or comma; Windows or UTF-8 "
        "characters). Headings may be Danish or English, and numbers are written the Danish "
        "way: 4.950 or 4.950,50 kr., 68,5 m². The whole list is checked before anything is "
        "saved: if there is an error, nothing is saved, and every error is shown at once.",
    ),
    "template_title": ("Skabelon", "Template"),
    "template_intro": (
        "Hent skabelonen med overskrifterne og en eksempelrække, udfyld den og upload den.",
        "Download the template with the headings and an example row, fill it in and upload it.",
    ),
    "template_xlsx": ("Hent skabelon (Excel)", "Download template (Excel)"),
    "template_csv": ("Hent skabelon (CSV)", "Download template (CSV)"),
    "file_too_large": (
        "Filen er for stor: højst {mb} MB kan uploades. Gem kun arket med listen, eller "
        "del listen i flere filer.",
        "The file is too large: at most {mb} MB can be uploaded. Save only the sheet with "
        "the list, or split the list into several files.",
    ),
    "heading": ("Overskrift", "Heading"),
    "heading_other": ("Engelsk overskrift", "Danish heading"),
    "meaning": ("Forklaring", "Meaning"),
    "edit_vacancy": ("Ret", "Edit"),
    "edit_title": ("Ret ledig bolig", "Edit vacancy"),
    "edit_intro": (
        "Ret dagen, boligen bliver ledig, beløbene og adgangsforholdene. Beløb skrives på "
        "dansk: 4.950 eller 4.950,50.",
        "Change the day the home becomes free, the amounts and the access facts. Amounts "
        "may be written the Danish way: 4.950 or 4.950,50.",
    ),
    "update_ok": ("Ændringerne er gemt.", "The changes were saved."),
    "changed_meanwhile": (
        "Boligen er blevet ændret, siden siden blev åbnet. Her er den nu; ret igen og gem.",
        "The vacancy changed after this page was opened. Here it is now; edit again and save.",
    ),
    "no_open_vacancies": ("Ingen ledige boliger lige nu.", "No open vacancies right now."),
    "actions": ("Handlinger", "Actions"),
    "file": ("Fil", "File"),
    "upload": ("Upload og kontrollér", "Upload and check"),
    "upload_errors": (
        "{n} fejl i listen. Intet er gemt. Ret fejlene og upload igen.",
        "{n} errors in the list. Nothing was saved. Fix them and upload again.",
    ),
    "upload_error_one": (
        "1 fejl i listen. Intet er gemt. Ret fejlen og upload igen.",
        "1 error in the list. Nothing was saved. Fix it and upload again.",
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
STRINGS.update(A11Y_STRINGS)
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
