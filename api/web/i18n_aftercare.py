"""Words of the pages from offer to a kept home (letters, move-in steps, follow-up, outcomes).

Kept apart from :mod:`api.web.i18n` so the two grow without colliding; that module
merges this table into its ``STRINGS``.
"""

from __future__ import annotations

AFTERCARE_STRINGS: dict[str, tuple[str, str]] = {
    "letter": ("Brev", "Letter"),
    "letter_html": ("Brev", "Letter"),
    "letter_pdf": ("PDF", "PDF"),
    "contact_person": ("Kontaktperson", "Contact person"),
    "move_in_steps": ("Indflytning", "Moving in"),
    "step": ("Trin", "Step"),
    "owner": ("Ansvarlig", "Owner"),
    "due_on": ("Frist", "Due"),
    "done_on": ("Udført", "Done"),
    "detail": ("Detalje", "Detail"),
    "mark_done": ("Udført", "Done"),
    "haster": ("Haster", "Urgent"),
    "late": ("Forsinket", "Late"),
    "late_steps": ("Forsinkede indflytningstrin", "Late move-in steps"),
    "no_late_steps": ("Ingen forsinkede trin.", "No late steps."),
    "step_lease_signed": ("Lejekontrakt underskrevet", "Lease signed"),
    "step_deposit": ("Indskud betalt eller lån bevilget", "Deposit paid or loan granted"),
    "step_benefit_changed": (
        "Boligstøtte/ydelse flyttet til ny adresse",
        "Benefit moved to the new address",
    ),
    "step_support_started": ("Bostøtte startet (team)", "Support started (team)"),
    "step_furniture": ("Møbler/etableringshjælp", "Furniture/establishment help"),
    "step_moved_in": ("Flyttet ind", "Moved in"),
    "follow_ups": ("Opfølgning", "Follow-up"),
    "due_follow_ups": ("Opfølgninger, der skal laves", "Follow-ups due"),
    "no_due_follow_ups": ("Ingen opfølgninger venter.", "No follow-ups are due."),
    "months_after": ("{n} mdr. efter indflytning", "{n} months after moving in"),
    "outcome": ("Resultat", "Outcome"),
    "outcome_on": ("Dato", "Date"),
    "record": ("Gem", "Record"),
    "outcome_still_housed": ("Bor der stadig", "Still lives there"),
    "outcome_moved_on": ("Flyttet til anden bolig", "Moved on to another home"),
    "outcome_evicted": ("Sat ud", "Evicted"),
    "outcome_returned_homeless": ("Hjemløs igen", "Homeless again"),
    "reopen_case": ("Genåbn sagen", "Reopen the case"),
    "reopened_from": ("Genåbnet fra sag", "Reopened from case"),
    "outcomes_title": (
        "Resultater: fra tilbud til en bolig, man bliver i",
        "Outcomes: from offer to a kept home",
    ),
    "outcomes_help": (
        "Tal under 5 vises ikke (–). Ingen personoplysninger.",
        "Counts under 5 are not shown (–). No personal data.",
    ),
    "days_to_offer": (
        "Dage fra registrering til tilbud (median)",
        "Days from registration to offer (median)",
    ),
    "days_to_accept": ("Dage til accept (median)", "Days to acceptance (median)"),
    "days_to_move_in": ("Dage til indflytning (median)", "Days to moving in (median)"),
    "offers_per_letting": ("Tilbud pr. udlejning", "Offers per letting"),
    "refusal_rate": ("Afslag efter årsag", "Refusals by reason"),
    "housed_6": ("Bor der stadig efter 6 mdr.", "Still housed at 6 months"),
    "housed_12": ("Bor der stadig efter 12 mdr.", "Still housed at 12 months"),
    "anchor": ("Mål: 8-9 ud af 10 (Housing First)", "Anchor: 8-9 of 10 (Housing First)"),
    "group": ("Gruppe", "Group"),
    "download_csv": ("Hent CSV", "Download CSV"),
}
