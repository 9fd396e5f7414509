"""Use cases that change more than one aggregate, called alike by every entry point.

A home that is withdrawn, or a case that is closed, takes its open offers with it:
a proposal of a home that is gone, or a sent offer to a citizen who no longer needs
one, would otherwise linger and block the next plan. The rule belongs to the domain,
not to whichever door the request came through, so the API routes, the web pages
and any command call these functions rather than the single-aggregate service
(:func:`inventory.service.withdraw_vacancy`); a case is closed here only.

Each runs in the caller's transaction (keyword-only arguments, nothing committed
here) and every change it makes is audited by the services it calls.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from allocation import cases, workflow
from allocation.models import CaseStatus, CitizenCase
from allocation.schemas import CloseReason
from inventory import service as inventory
from inventory.models import Vacancy
from kernel import audit
from kernel.errors import check_version, conflict


def withdraw_vacancy(
    *,
    session: Session,
    scope: inventory.VacancyScope,
    actor: str,
    vacancy_id: int,
    expected_version: int | None = None,
) -> Vacancy:
    """Take an open home off the market and withdraw its proposed offers.

    Only an open home can be withdrawn (an offered one has a citizen answering), so
    the offers withdrawn here are proposals of match runs.
    """
    vacancy = inventory.withdraw_vacancy(
        session,
        scope=scope,
        actor=actor,
        vacancy_id=vacancy_id,
        expected_version=expected_version,
    )
    workflow.withdraw_open_offers(
        session=session, actor=actor, why="vacancy withdrawn", vacancy_id=vacancy.id
    )
    return vacancy


def close_case(
    *,
    session: Session,
    municipality_code: str,
    actor: str,
    case_id: int,
    reason: CloseReason,
    expected_version: int | None = None,
) -> CitizenCase:
    """Close an active case and withdraw its open offers (a sent one gives its home back).

    The reason comes from a fixed list and is kept in the audit trail. There is no
    close without the withdrawal: the case's offers must not outlive it.
    """
    case = cases.get_case(session, municipality_code=municipality_code, case_id=case_id)
    check_version("case", current=case.version, expected=expected_version)
    if case.status is not CaseStatus.active:
        raise conflict("case-not-active", key="case_already", values={"status": case.status.value})
    case.status = CaseStatus.closed
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="case.close",
        entity="case",
        entity_id=case.id,
        before={"status": CaseStatus.active},
        after={"status": case.status, "reason": reason, "version": case.version},
    )
    workflow.withdraw_open_offers(session=session, actor=actor, why="case closed", case_id=case.id)
    return case
