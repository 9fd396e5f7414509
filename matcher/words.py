"""Numbers and days in the matcher's texts, the caseworker's Danish way or English.

Danish writes ``4.950 kr.`` and ``23.10.2026``; English ``4,950 kr.`` and ISO days. The
matcher imports nothing of ours, so it keeps these two forms here, once, for every text
it writes (offers, reasons, explanations).
"""

from __future__ import annotations

from datetime import date


def kr(amount: int, da: bool = True) -> str:
    """Whole kroner grouped the Danish way (4.950) or the English way (4,950)."""
    return f"{amount:,}".replace(",", ".") if da else f"{amount:,}"


def day(value: date, da: bool = True) -> str:
    """A date as 23.10.2026 (Danish) or 2026-10-23."""
    return value.strftime("%d.%m.%Y") if da else value.isoformat()
