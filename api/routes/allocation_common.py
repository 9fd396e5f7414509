"""What the match-run and offer routes share: today's date, the error mapping, offer bodies.

The allocation services raise :class:`kernel.errors.DomainError`
without knowing HTTP; :func:`allocation_problems` turns one into the API's
problem+json, keeping the service's stable ``code`` as the problem type. When the
service marked the error ``persist`` (an overdue offer was expired on the way to
refusing an answer) the transaction is committed first, so the expiry is not lost
with the failed request.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Annotated, Any

from fastapi import Query
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from allocation.models import MatchRun, Offer, OfferStatus
from api.errors import ProblemError
from kernel.calendar import today as today
from kernel.errors import DomainError
from kernel.types import UtcDateTime

#: Paging parameters of every list endpoint (the same bounds as the case and vacancy lists).
Limit = Annotated[int, Query(ge=1, le=200, description="at most this many items")]
Offset = Annotated[int, Query(ge=0, le=1_000_000, description="skip this many items")]


@contextmanager
def allocation_problems(session: Session) -> Iterator[None]:
    """Answer an allocation service error as a problem, committing kept changes first."""
    try:
        yield
    except DomainError as error:
        if error.persist:
            session.commit()
        else:
            session.rollback()
        raise ProblemError.from_domain(error) from None


class OfferOut(BaseModel):
    """An offer as allocation staff see it (their own municipality only).

    The citizen is named by the pseudonymous ``case_ref``, never by name or CPR.
    """

    model_config = ConfigDict(from_attributes=True)

    id: int
    match_run_id: int | None
    vacancy_id: int
    case_id: int
    case_ref: str
    rank: int = Field(description="1 = offer first; then the alternates in order")
    score: int | None
    status: OfferStatus
    answer_deadline: dt.date | None = Field(description="last day to answer (inclusive)")
    decline_reason: str | None
    decline_note: str | None
    created_at: UtcDateTime
    sent_at: UtcDateTime | None
    answered_at: UtcDateTime | None
    version: int = Field(description="send it back as If-Match to guard an answer")
    why: str | None = Field(None, description="the matcher's reason for this proposal")


def candidate_reasons(run: MatchRun | None) -> dict[tuple[str, str], str]:
    """(vacancy id, case_ref) → the matcher's ``why`` text, from a run's result."""
    return {} if run is None else result_reasons(run.result)


def runs_reasons(session: Session, run_ids: Iterable[int]) -> dict[int, dict[tuple[str, str], str]]:
    """:func:`candidate_reasons` of several runs, in one query of their results only.

    A page of offers may come from many runs; loading each run (problem snapshot
    included) one by one would cost a query and a large JSON document per run.
    """
    wanted = set(run_ids)
    if not wanted:
        return {}
    rows = session.execute(select(MatchRun.id, MatchRun.result).where(MatchRun.id.in_(wanted)))
    return {run_id: result_reasons(result) for run_id, result in rows}


def result_reasons(result: dict[str, Any]) -> dict[tuple[str, str], str]:
    """(vacancy id, case_ref) → ``why`` of every ranked candidate in a result document."""
    reasons: dict[tuple[str, str], str] = {}
    for entry in result.get("offers", []):
        for candidate in entry.get("candidates", []):
            reasons[(str(entry["vacancy"]), str(candidate["citizen"]))] = str(
                candidate.get("why", "")
            )
    return reasons


def offer_out(
    offer: Offer, refs: dict[int, str], reasons: dict[tuple[str, str], str] | None = None
) -> OfferOut:
    """An :class:`OfferOut` for ``offer``; ``refs`` maps case ids to case refs."""
    ref = refs[offer.case_id]
    data: dict[str, Any] = {
        name: getattr(offer, name)
        for name in OfferOut.model_fields
        if name not in ("case_ref", "why")
    }
    return OfferOut(**data, case_ref=ref, why=(reasons or {}).get((str(offer.vacancy_id), ref)))
