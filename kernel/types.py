"""Field types shared by every package's schemas: ids, money, texts, homes, pages, times.

One definition each, so the API, the web forms, the importer and the matcher accept the
same values: the numbers come from :mod:`matcher.bounds` (the matcher imports nothing of
ours, so the bounds live there and are built into pydantic types here).
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from typing import Annotated, Generic, TypeVar

from pydantic import AfterValidator, BaseModel, Field

from matcher import bounds

MAX_ID = 2**31 - 1  # PostgreSQL INTEGER
MAX_DKK = bounds.DKK_MAX

# Ten digits, optionally with a dash or space after the sixth, not inside a longer number.
# ``[0-9]`` and not ``\d`` (which matches every script's digits), after NFKC folding so
# full-width digits are caught too.
_CPR_SHAPED = re.compile(r"(?<![0-9])[0-9]{6}[- ]?[0-9]{4}(?![0-9])")


def _no_nul(value: str | None) -> str | None:
    """Refuse NUL characters, which PostgreSQL cannot store in text."""
    if value is not None and "\x00" in value:
        raise ValueError("must not contain NUL characters")
    return value


_DASHES = dict.fromkeys(map(ord, "\u2010\u2011\u2012\u2013\u2014\u2212"), "-")


def ascii_digits(text: str) -> str:
    """``text`` with every script's decimal digits as ASCII ``0-9`` and dashes as ``-``.

    NFKC folds full-width forms (``１`` to ``1``, ``－`` to ``-``); other scripts' digits
    (Arabic-Indic, Devanagari, ...) are mapped by their decimal value. Numbers that people
    type or paste in another script then compare, validate and hash as the ASCII ones.
    """
    folded = unicodedata.normalize("NFKC", text).translate(_DASHES)
    if folded.isascii():
        return folded
    return "".join(
        str(digit) if (digit := unicodedata.decimal(ch, None)) is not None else ch for ch in folded
    )


def _fold_char(ch: str) -> str:
    """One character as :func:`ascii_digits` folds it, where that is one character."""
    digit = unicodedata.decimal(ch, None)
    if digit is not None:
        return str(digit)
    folded = unicodedata.normalize("NFKC", ch).translate(_DASHES)
    return folded if len(folded) == 1 else ch


def replace_cpr_shaped(text: str, replacement: str) -> str:
    """``text`` with everything shaped like a CPR number replaced by ``replacement``.

    The same shapes as :func:`looks_like_cpr` (any script's digits, any dash, a space),
    found on a character-by-character fold of the text so that the spans found are
    the original text's spans and everything else is kept as it was (for logs).
    """
    folded = text if text.isascii() else "".join(map(_fold_char, text))
    spans = [match.span() for match in _CPR_SHAPED.finditer(folded)]
    if not spans:
        return text
    parts, end = [], 0
    for start, stop in spans:
        parts += [text[end:start], replacement]
        end = stop
    parts.append(text[end:])
    return "".join(parts)


def looks_like_cpr(text: str) -> bool:
    """True if ``text`` holds anything shaped like a CPR number (in any script's digits)."""
    return _CPR_SHAPED.search(ascii_digits(text)) is not None


def _no_cpr(value: str | None) -> str | None:
    """Refuse free text holding a CPR number: it would be stored and shown in clear."""
    if value is not None and looks_like_cpr(value):
        raise ValueError("must not contain a CPR number (or anything shaped like one)")
    return value


def free_text_problem(value: str | None) -> str | None:
    """Why ``value`` is not acceptable free text, or None: for callers without pydantic
    (the web forms' handlers, services) that must apply the same rule as `FreeText`."""
    for check in (_no_nul, _no_cpr):
        try:
            check(value)
        except ValueError as exc:
            return str(exc)
    if value is not None and len(value) > bounds.NOTE_MAX:
        return f"must be at most {bounds.NOTE_MAX} characters"
    return None


NoNul = AfterValidator(_no_nul)
NoCpr = AfterValidator(_no_cpr)

# Non-empty strings without NUL (PostgreSQL refuses NUL in text).
ShortText = Annotated[
    str, Field(min_length=1, max_length=bounds.SHORT_TEXT_MAX), AfterValidator(_no_nul)
]
RefText = Annotated[str, Field(min_length=1, max_length=bounds.REF_MAX), AfterValidator(_no_nul)]
AddressText = Annotated[
    str, Field(min_length=1, max_length=bounds.ADDRESS_MAX), AfterValidator(_no_nul)
]
NameText = Annotated[
    str, Field(min_length=1, max_length=bounds.NAME_MAX), AfterValidator(_no_nul), NoCpr
]
# Free text typed by staff (notes, decline notes): no NUL, no CPR-shaped numbers.
FreeText = Annotated[str, Field(max_length=bounds.NOTE_MAX), AfterValidator(_no_nul), NoCpr]

Money = Annotated[float, Field(ge=0, le=bounds.DKK_MAX, allow_inf_nan=False)]
Latitude = Annotated[
    float,
    Field(ge=bounds.LAT_MIN, le=bounds.LAT_MAX, description="WGS84 degrees, in Denmark"),
]
Longitude = Annotated[
    float,
    Field(ge=bounds.LON_MIN, le=bounds.LON_MAX, description="WGS84 degrees, in Denmark"),
]

# A home's shape (the matcher refuses a problem document outside these).
Rooms = Annotated[int, Field(ge=bounds.ROOMS_MIN, le=bounds.ROOMS_MAX)]
SizeM2 = Annotated[float, Field(gt=0, le=bounds.SIZE_M2_MAX, allow_inf_nan=False)]
Floor = Annotated[
    int,
    Field(ge=bounds.FLOOR_MIN, le=bounds.FLOOR_MAX, description="0 = ground floor, -1 basement"),
]
Adults = Annotated[int, Field(ge=bounds.ADULTS_MIN, le=bounds.ADULTS_MAX)]
Children = Annotated[int, Field(ge=0, le=bounds.CHILDREN_MAX)]
Situation = Annotated[
    int,
    Field(
        ge=bounds.SITUATION_MIN,
        le=bounds.SITUATION_MAX,
        description="national homelessness situation 1-9",
    ),
]


def _as_utc(value: dt.datetime) -> dt.datetime:
    """SQLite hands back naive datetimes; every stored time is UTC (``kernel.db.utcnow``)."""
    return value if value.tzinfo is not None else value.replace(tzinfo=dt.UTC)


UtcDateTime = Annotated[dt.datetime, AfterValidator(_as_utc)]
RecordId = Annotated[int, Field(ge=1, le=MAX_ID)]

T = TypeVar("T")


class Page(BaseModel, Generic[T]):
    """One page of a list in a stable order; ``total`` counts all matches."""

    items: list[T]
    total: int
    limit: int
    offset: int
