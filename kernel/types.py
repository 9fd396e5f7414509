"""Field types shared by every package's schemas: ids, money, short texts, pages, times.

One definition each, so the API, the web forms and the importer accept the same values.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Generic, TypeVar

from pydantic import AfterValidator, BaseModel, Field

MAX_ID = 2**31 - 1  # PostgreSQL INTEGER
MAX_DKK = 1_000_000.0


def _no_nul(value: str | None) -> str | None:
    """Refuse NUL characters, which PostgreSQL cannot store in text."""
    if value is not None and "\x00" in value:
        raise ValueError("must not contain NUL characters")
    return value


# Non-empty strings without NUL (PostgreSQL refuses NUL in text).
ShortText = Annotated[str, Field(min_length=1, max_length=80), AfterValidator(_no_nul)]
RefText = Annotated[str, Field(min_length=1, max_length=64), AfterValidator(_no_nul)]
AddressText = Annotated[str, Field(min_length=1, max_length=200), AfterValidator(_no_nul)]
NoNul = AfterValidator(_no_nul)
Money = Annotated[float, Field(ge=0, le=MAX_DKK, allow_inf_nan=False)]
Latitude = Annotated[float, Field(ge=54.0, le=58.0, description="WGS84 degrees, in Denmark")]
Longitude = Annotated[float, Field(ge=7.5, le=15.5, description="WGS84 degrees, in Denmark")]


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
