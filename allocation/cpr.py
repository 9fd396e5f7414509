"""CPR numbers (the Danish personal identity number): validation and keyed hashing.

A CPR number is never stored, logged or returned. The service keeps only an
HMAC-SHA256 of the normalised number under a secret from settings, so the same
person can be recognised (one active case each) without the number being
recoverable from the database by anyone lacking the secret.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import re

from kernel.types import ascii_digits

# ``[0-9]``, never ``\d``: ``\d`` matches every script's digits, and "１２０５８８-４３２１"
# would then be a second, differently hashed identity of the same person.
_CPR = re.compile(r"^([0-9]{2})([0-9]{2})([0-9]{2})-?([0-9]{4})$")


class InvalidCPR(ValueError):
    """The text is not a well-formed CPR number (the message never repeats it)."""


def birth_date(cpr: str) -> dt.date:
    """The birth date encoded in a CPR number (DDMMYY + century from the 7th digit).

    Source: CPR-kontoret, "Personnummeret i CPR-systemet" (the century table).
    """
    match = _CPR.match(ascii_digits(cpr).strip())
    if not match:
        raise InvalidCPR("CPR number must be 10 digits, as DDMMYYNNNN or DDMMYY-NNNN")
    day, month, yy, serial = (int(g) for g in match.groups())
    seventh = serial // 1000
    if seventh <= 3:
        century = 1900
    elif seventh in (4, 9):
        century = 2000 if yy <= 36 else 1900
    else:
        century = 2000 if yy <= 57 else 1800
    try:
        return dt.date(century + yy, month, day)
    except ValueError:
        raise InvalidCPR("CPR number does not start with a valid date (DDMMYY)") from None


def normalise(cpr: str) -> str:
    """The ten ASCII digits of a valid CPR number, without the dash.

    Digits of other scripts (full-width ``１２０５８８-４３２１``, Arabic-Indic, ...) become
    ASCII first, so the same person always gets the same hash (one active case each).
    """
    birth_date(cpr)
    return ascii_digits(cpr).strip().replace("-", "")


def cpr_hash(cpr: str, secret: str) -> str:
    """Keyed HMAC-SHA256 (hex) of a valid CPR number; the only form ever stored."""
    return hmac.new(secret.encode(), normalise(cpr).encode(), hashlib.sha256).hexdigest()
