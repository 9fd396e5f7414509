"""Errors raised by the allocation services (match runs and the offer workflow).

The services know nothing of HTTP, but every failure a caller can cause falls in one
of three kinds that the API maps one-to-one onto problem+json responses: the thing
is not there (or not yours: 404, so that another municipality's ids reveal nothing),
the request clashes with the current state (409), or the request itself is unusable
(422). Each error carries a short stable ``code`` that clients can branch on, a title
for people and a detail with the numbers.
"""

from __future__ import annotations

from typing import Any, ClassVar


class AllocationError(Exception):
    """Base of the allocation services' errors.

    Parameters
    ----------
    code : str
        Stable machine-readable kind, e.g. ``offer-expired``; becomes the problem type.
    title : str
        Short human summary, the same for every occurrence of ``code``.
    detail : str
        This occurrence, with its ids and dates.
    errors : list of dict, optional
        Field-level issues (``{"field": ..., "message": ...}``) for invalid input.
    persist : bool
        The service changed state that must be kept although the request fails: an
        overdue offer found while accepting it is expired *and* the accept refused.
        The API commits before answering when this is set.
    """

    status: ClassVar[int] = 400

    def __init__(
        self,
        code: str,
        title: str,
        detail: str,
        *,
        errors: list[dict[str, Any]] | None = None,
        persist: bool = False,
    ) -> None:
        super().__init__(f"{title}: {detail}")
        self.code = code
        self.title = title
        self.detail = detail
        self.errors = errors
        self.persist = persist


class NotFound(AllocationError):
    """No such entity in the caller's municipality."""

    status = 404


class Conflict(AllocationError):
    """The request does not fit the entity's current state (or lost a race)."""

    status = 409


class Invalid(AllocationError):
    """The request is unusable as given (bad weights, an infeasible pair, ...)."""

    status = 422


class PreconditionFailed(AllocationError):
    """The client's expected version (HTTP ``If-Match``) is no longer the current one."""

    status = 412
