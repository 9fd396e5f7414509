"""Errors raised by the matcher for bad input.

Every error names the field (and, for arrays, the first bad index) so that the command
line, the API and the planners can show the user exactly what to fix.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import NDArray


class InputError(ValueError):
    """A value given to the matcher is unusable.

    Parameters
    ----------
    field : str
        The name of the field as the caller knows it (``rent_dkk``, ``adults[17]``).
    problem : str
        What is wrong, in plain words, ideally with the offending value.
    """

    def __init__(self, field: str, problem: str) -> None:
        self.field = field
        self.problem = problem
        super().__init__(f"{field}: {problem}")


# --- Validation helpers shared by the scalar and the vectorised paths --------------------
#
# The bounds below are not rules of law: they are technical limits that keep the exact
# integer arithmetic of the housing-benefit calculation inside int64, far above any real
# household or home.

MAX_MONTHLY_DKK = 10_000_000
"""Technical upper bound for a monthly amount (rent, income, utilities) [DKK/month]."""
MAX_WEALTH_DKK = 1_000_000_000
"""Technical upper bound for wealth [DKK]."""
MAX_AREA_M2 = 100_000
"""Technical upper bound for a home's area [m²]."""
MAX_PERSONS = 100
"""Technical upper bound for adults or children in one household."""


def _describe_minimum(minimum: float, positive: bool) -> str:
    if positive:
        return "must be positive"
    if minimum == 0:
        return "must not be negative"
    return f"must be at least {minimum:g}"


def _number_problem(number: float, *, maximum: float, positive: bool) -> str | None:
    """Say what is wrong with a number, or None when it is fine."""
    if not math.isfinite(number):
        return "must be a finite number"
    if number < 0 or (positive and number <= 0):
        return _describe_minimum(0, positive)
    if number > maximum:
        return f"must be at most {maximum:,.0f}"
    return None


def check_number(field: str, value: object, *, maximum: float, positive: bool = False) -> float:
    """Return ``value`` as a float, or raise :class:`InputError` naming ``field``.

    A number must be finite, not negative (positive when ``positive``) and at most
    ``maximum``.
    """
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise InputError(field, f"must be a number (got {value!r})")
    number = float(value)
    problem = _number_problem(number, maximum=maximum, positive=positive)
    if problem is not None:
        raise InputError(field, f"{problem} (got {value!r})")
    return number


def check_count(field: str, value: object, *, minimum: int, maximum: int = MAX_PERSONS) -> int:
    """Return ``value`` as an int (a whole count), or raise :class:`InputError` naming ``field``."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise InputError(field, f"must be a whole number (got {value!r})")
    if value < minimum:
        raise InputError(field, f"{_describe_minimum(minimum, False)} (got {value!r})")
    if value > maximum:
        raise InputError(field, f"must be at most {maximum} (got {value!r})")
    return value


def _array(field: str, value: object) -> NDArray[np.generic]:
    array = np.asarray(value)
    if array.ndim > 1:
        raise InputError(field, f"must be a scalar or a 1-D array (got {array.ndim} dimensions)")
    return array


def _label(field: str, array: NDArray[np.generic], index: int) -> str:
    return f"{field}[{index}]" if array.ndim == 1 else field


def check_number_array(
    field: str, value: object, *, maximum: float, positive: bool = False
) -> NDArray[np.float64]:
    """Vectorised :func:`check_number`: one check over the array, naming the first bad index."""
    array = _array(field, value)
    if array.dtype == np.bool_ or not (
        np.issubdtype(array.dtype, np.integer) or np.issubdtype(array.dtype, np.floating)
    ):
        raise InputError(field, f"must be numbers (got dtype {array.dtype})")
    numbers = array.astype(np.float64)
    with np.errstate(invalid="ignore"):
        ok = np.isfinite(numbers) & (numbers >= 0) & (numbers <= maximum)
        if positive:
            ok &= numbers > 0
    if not bool(ok.all()):
        index = int(np.flatnonzero(~ok.ravel())[0])
        bad = float(numbers.ravel()[index])
        problem = _number_problem(bad, maximum=maximum, positive=positive)
        raise InputError(_label(field, array, index), f"{problem} (got {bad!r})")
    return numbers


def check_count_array(
    field: str, value: object, *, minimum: int, maximum: int = MAX_PERSONS
) -> NDArray[np.int64]:
    """Vectorised :func:`check_count` over whole numbers, naming the first bad index."""
    array = _array(field, value)
    if array.dtype == np.bool_ or not np.issubdtype(array.dtype, np.integer):
        raise InputError(field, f"must be whole numbers (got dtype {array.dtype})")
    counts = array.astype(np.int64)
    ok = (counts >= minimum) & (counts <= maximum)
    if not bool(ok.all()):
        index = int(np.flatnonzero(~ok.ravel())[0])
        bad = int(counts.ravel()[index])
        too_small = _describe_minimum(minimum, False)
        problem = too_small if bad < minimum else f"must be at most {maximum}"
        raise InputError(_label(field, array, index), f"{problem} (got {bad})")
    return counts


def check_bool_array(field: str, value: object) -> NDArray[np.bool_]:
    """Return ``value`` as a boolean array; anything but booleans is an error naming ``field``."""
    array = _array(field, value)
    if array.dtype != np.bool_:
        raise InputError(field, f"must be true/false values (got dtype {array.dtype})")
    return array.astype(np.bool_)
