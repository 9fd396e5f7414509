"""Request-scoped dependencies: the database session and optimistic-concurrency headers.

``SessionDep`` gives each request one session. Its transaction commits when the
route function returns and rolls back when it raises, *before* the response is
sent (``scope="function"``), so a client never sees 200 for work that failed to
commit, and a concurrent writer's lost race becomes a 412 instead of a late error.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Header, Request
from sqlalchemy.orm import Session

from api.errors import ProblemError


def get_session(request: Request) -> Iterator[Session]:
    """One session per request: commit on success, roll back on any error."""
    with request.app.state.sessions() as session:
        try:
            yield session
        except BaseException:
            session.rollback()
            raise
        else:
            session.commit()


SessionDep = Annotated[Session, Depends(get_session, scope="function")]

IfMatchHeader = Annotated[
    str | None,
    Header(
        alias="If-Match",
        description='The `ETag` of your last read, e.g. `"3"`; required to change the resource',
        max_length=64,
    ),
]

# ``[0-9]``, not ``\d``: ``\d`` also matches other scripts' digits, which int() would read.
_ETAG = re.compile(r'^\s*"?([0-9]{1,9})"?\s*$')
_WEAK = re.compile(r"^\s*W/", re.IGNORECASE)


def etag(version: int) -> str:
    """The strong ETag of a resource version."""
    return f'"{version}"'


def expected_version(if_match: str | None) -> int:
    """The version the client last saw: 428 without ``If-Match``, 412 if it is unusable."""
    if if_match is None or not if_match.strip():
        raise ProblemError(
            428,
            "precondition-required",
            "Precondition Required",
            key="if_match_missing",
        )
    if _WEAK.match(if_match):
        # RFC 9110 13.1.1: If-Match compares strongly, and a weak tag never matches.
        raise ProblemError(
            412,
            "precondition-failed",
            "Precondition Failed",
            key="if_match_weak",
        )
    match = _ETAG.match(if_match)
    if match is None:
        raise ProblemError(
            412,
            "precondition-failed",
            "Precondition Failed",
            key="if_match_unknown",
        )
    return int(match.group(1))


def optional_version(if_match: str | None) -> int | None:
    """The version in an optional ``If-Match``: None when not sent, 412 if it is no version.

    For actions that are safe on any version (withdraw, close, answer an offer): the
    service's state checks decide, and a client that did send ``If-Match`` gets it checked.
    An empty ``If-Match`` names no tag (RFC 9110 5.6.1: empty list elements are ignored),
    so it is taken as not sent rather than answered 428 as a required one would be.
    """
    return None if if_match is None or not if_match.strip() else expected_version(if_match)
