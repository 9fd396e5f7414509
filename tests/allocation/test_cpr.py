"""CPR numbers: validation, and the keyed hash that is the only form ever stored."""

from __future__ import annotations

import datetime as dt

import pytest

from allocation.cpr import InvalidCPR, birth_date, cpr_hash


@pytest.mark.parametrize(
    ("cpr", "born"),
    [
        ("0101901234", dt.date(1990, 1, 1)),  # 7th digit 1: 1900s
        ("311299-4123", dt.date(1999, 12, 31)),  # 7th digit 4, year > 36: 1900s
        ("010105-4123", dt.date(2005, 1, 1)),  # 7th digit 4, year <= 36: 2000s
        ("150310-9999", dt.date(2010, 3, 15)),  # 7th digit 9, year <= 36: 2000s
        ("010160-5123", dt.date(1860, 1, 1)),  # 7th digit 5, year > 57: 1800s
    ],
)
def test_birth_date_follows_the_century_table(cpr: str, born: dt.date) -> None:
    assert birth_date(cpr) == born


@pytest.mark.parametrize(
    "bad", ["", "12345", "abcdefghij", "3102901234", "0113901234", "01019-01234"]
)
def test_malformed_numbers_are_refused_without_echoing_them(bad: str) -> None:
    with pytest.raises(InvalidCPR) as info:
        birth_date(bad)
    assert bad not in str(info.value) or bad == ""


def test_hash_is_keyed_and_ignores_the_dash() -> None:
    a = cpr_hash("0101901234", "secret-one")
    assert a == cpr_hash("010190-1234", "secret-one")
    assert a != cpr_hash("0101901234", "secret-two")
    assert "0101901234" not in a and len(a) == 64
