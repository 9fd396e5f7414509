"""The one error vocabulary of the domain: what cannot be done, and why, without HTTP.

Services in ``inventory``, ``allocation`` and ``planning`` raise these; the API maps
each kind onto one HTTP status (``api.errors``) and the web pages onto a Danish message,
so no service knows about status codes or headers. Every error carries a short stable
``code`` that clients may branch on (it becomes the problem ``type``), a ``title`` for
people, and a ``detail`` with the ids and numbers, never personal data.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence

from pydantic import BaseModel, ConfigDict, Field

from kernel import messages


class ProblemItem(BaseModel):
    """One problem in a request: a body/query ``field``, or a ``row``/``column`` of a file."""

    model_config = ConfigDict(extra="forbid")

    field: str | None = Field(None, description="where in the request, e.g. 'body.rent_dkk'")
    row: int | None = Field(None, description="row of an uploaded file (header is row 1)")
    column: str | None = Field(None, description="column of an uploaded file")
    problem: str = Field(description="what is wrong, in plain words")


class DomainError(Exception):
    """Base of every error a caller can cause.

    Parameters
    ----------
    code : str
        Stable machine-readable kind, e.g. ``offer-expired``; never reused for another meaning.
    title : str
        Short human summary, the same for every occurrence of ``code``.
    detail : str
        This occurrence, with its ids and dates; never personal data.
    errors : sequence of ProblemItem, optional
        Field- or row-level issues for invalid input.
    persist : bool
        The service changed state that must be kept although the request fails: an
        overdue offer found while accepting it is expired *and* the accept refused.
        Callers commit before answering when this is set.
    key, values : optional
        A detail sentence of :mod:`kernel.messages` and the values it names: the
        detail can then be shown in Danish or English (``detail`` is the English one).
    """

    def __init__(
        self,
        code: str,
        title: str,
        detail: str | None = None,
        *,
        errors: Sequence[ProblemItem] | None = None,
        persist: bool = False,
        key: str | None = None,
        values: Mapping[str, object] | None = None,
    ) -> None:
        self.key = key
        self.values = dict(values or {})
        if key is not None and detail is None:
            detail = messages.detail(key, "en", self.values)
        super().__init__(f"{title}: {detail or code}")
        self.code = code
        self.title = title
        self.detail = detail
        self.errors = list(errors) if errors is not None else None
        self.persist = persist

    def in_language(self, lang: messages.Lang) -> tuple[str, str | None]:
        """(title, detail) in ``lang``; a detail without a catalogued sentence stays as given."""
        return messages.localize(self.code, self.title, self.detail, self.key, self.values, lang)


class NotFound(DomainError):
    """No such entity in the caller's scope (the same answer for missing and not yours)."""


class Conflict(DomainError):
    """The request does not fit the entity's current state (or lost a race)."""


class Invalid(DomainError):
    """The request is unusable as given; ``errors`` names the fields or rows."""


class Forbidden(DomainError):
    """The caller is known but may not do this."""


class PreconditionFailed(DomainError):
    """The caller's expected version (HTTP ``If-Match``) is no longer the current one."""

    def __init__(
        self,
        code: str,
        title: str,
        detail: str | None = None,
        *,
        current_version: int,
        key: str | None = None,
        values: Mapping[str, object] | None = None,
    ) -> None:
        super().__init__(code, title, detail, key=key, values=values)
        self.current_version = current_version


def not_found(what: str) -> NotFound:
    """The one error for missing *and* out-of-scope entities, so existence does not leak."""
    return NotFound("not-found", "Not Found", key="no_such", values={"what": what})


def conflict(
    code: str,
    detail: str | None = None,
    *,
    key: str | None = None,
    values: Mapping[str, object] | None = None,
) -> Conflict:
    """The request is well-formed but clashes with the current state."""
    return Conflict(code, "Conflict", detail, key=key, values=values)


def invalid(
    *,
    key: str,
    field: str,
    problem: str,
    values: Mapping[str, object] | None = None,
) -> Invalid:
    """One bad request ``field`` that only the service can judge (it needs the data).

    Same code and title as the API's schema validation errors, so clients handle both
    alike; the detail is the catalogue's sentence ``key`` (:mod:`kernel.messages`).
    """
    return Invalid(
        "validation-error",
        "Invalid request",
        key=key,
        values=values,
        errors=[ProblemItem(field=field, problem=problem)],
    )


def day_values(name: str, day: dt.date) -> dict[str, object]:
    """A date for a detail sentence: ``name`` in ISO form (English), ``name_da`` as 23.10.2026."""
    return {name: day.isoformat(), f"{name}_da": f"{day.day:02d}.{day.month:02d}.{day.year}"}


def either(items: Sequence[str], *, en: str = ", ") -> tuple[str, str]:
    """``items`` as a Danish choice ("a, b eller c") and as English joins them (``en``)."""
    items = list(items)
    danish = items[0] if len(items) == 1 else f"{', '.join(items[:-1])} eller {items[-1]}"
    return danish, en.join(items)


def check_version(what: str, *, current: int, expected: int | None) -> None:
    """Refuse unless ``expected`` (None: the caller sent none) is the ``current`` version."""
    if expected is not None and current != expected:
        raise PreconditionFailed(
            "precondition-failed",
            "Precondition Failed",
            current_version=current,
            key="changed_since_read",
            values={"what": what},
        )
