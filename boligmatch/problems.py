"""`ProblemError`: how service code says "this request cannot be done, and why".

It lives in the kernel so that ``inventory`` and ``allocation`` services can raise
it without importing the web layer; ``api.errors`` re-exports it and renders it
as an RFC 9457 ``application/problem+json`` response.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from pydantic import BaseModel, ConfigDict, Field


class ProblemItem(BaseModel):
    """One problem in a request: a body/query ``field``, or a ``row``/``column`` of a file."""

    model_config = ConfigDict(extra="forbid")

    field: str | None = Field(None, description="where in the request, e.g. 'body.rent_dkk'")
    row: int | None = Field(None, description="row of an uploaded file (header is row 1)")
    column: str | None = Field(None, description="column of an uploaded file")
    problem: str = Field(description="what is wrong, in plain words")


class ProblemError(Exception):
    """Raise from service or route code to answer with a problem document.

    ``type_slug`` is appended to https://boligmatch.dk/problems/ and is part of the
    API contract: clients may branch on it, so never reuse a slug for another meaning.
    ``detail`` is shown to the caller and must never contain personal data.
    """

    def __init__(
        self,
        status: int,
        type_slug: str,
        title: str,
        detail: str | None = None,
        *,
        errors: Sequence[ProblemItem] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(f"{status} {type_slug}: {detail or title}")
        self.status = status
        self.type_slug = type_slug
        self.title = title
        self.detail = detail
        self.errors = list(errors) if errors is not None else None
        self.headers = dict(headers or {})


def not_found(what: str) -> ProblemError:
    """The one 404 for missing *and* out-of-scope resources, so existence does not leak."""
    return ProblemError(404, "not-found", "Not Found", f"No such {what}.")


def conflict(type_slug: str, detail: str) -> ProblemError:
    """409: the request is well-formed but clashes with the current state."""
    return ProblemError(409, type_slug, "Conflict", detail)


def invalid(detail: str, *, field: str, problem: str) -> ProblemError:
    """422 for one bad request ``field`` that only the service can judge (it needs the data).

    Same type and title as the API's schema validation errors, so clients handle both alike.
    """
    return ProblemError(
        422,
        "validation-error",
        "Invalid request",
        detail,
        errors=[ProblemItem(field=field, problem=problem)],
    )


def check_version(what: str, *, current: int, expected: int | None) -> None:
    """412 unless ``expected`` (the client's ``If-Match``; None: not sent) is ``current``.

    The problem carries the current ``ETag`` so the client can see how far behind it is.
    """
    if expected is not None and current != expected:
        raise ProblemError(
            412,
            "precondition-failed",
            "Precondition Failed",
            f"The {what} was changed since you read it; read it again and retry.",
            headers={"ETag": f'"{current}"'},
        )
