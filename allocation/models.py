"""Allocation tables: citizens' cases, match runs and offers.

A case is pseudonymous: it is known by ``case_ref``; the CPR number (the Danish
personal identity number) is kept only as a keyed HMAC (``allocation.cpr``), so the
database never holds it in clear.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from enum import StrEnum
from typing import Any, Protocol

from sqlalchemy import (
    CheckConstraint,
    ForeignKey,
    Index,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    false,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from kernel.db import Base, enum_column, utcnow


class SupportMethod(StrEnum):
    """Housing First support (servicelov § 85 a: CTI, ICM, ACT) or ordinary § 85 (SEL85)."""

    CTI = "CTI"
    ICM = "ICM"
    ACT = "ACT"
    SEL85 = "SEL85"
    none = "none"


class IncomeKind(StrEnum):
    kontanthjaelp = "kontanthjaelp"
    uddannelseshjaelp = "uddannelseshjaelp"
    foertidspension = "foertidspension"
    folkepension = "folkepension"
    dagpenge = "dagpenge"
    salary = "salary"
    other = "other"
    # tax-free (issue 12): count toward what is left to live on, not toward taxed income
    boerne_og_ungeydelse = "boerne_og_ungeydelse"
    boernetilskud = "boernetilskud"


class CaseStatus(StrEnum):
    active = "active"
    housed = "housed"
    closed = "closed"
    removed = "removed"


class OfferStatus(StrEnum):
    proposed = "proposed"
    sent = "sent"
    accepted = "accepted"
    declined = "declined"
    expired = "expired"
    withdrawn = "withdrawn"


class CitizenCase(Base):
    """A homeless citizen's case in the acting municipality (handlekommune)."""

    __tablename__ = "citizen_cases"
    __table_args__ = (
        CheckConstraint("situation BETWEEN 1 AND 9", name="situation_1_9"),
        CheckConstraint("adults >= 1 AND children >= 0", name="household_size"),
        CheckConstraint("refused_offers >= 0", name="refusals_not_negative"),
        CheckConstraint("birth_year BETWEEN 1900 AND 2100", name="birth_year_range"),
        # One open case per person: a second active case for the same CPR is refused.
        Index(
            "uq_citizen_cases_active_cpr",
            "cpr_hash",
            unique=True,
            sqlite_where=text("status = 'active'"),
            postgresql_where=text("status = 'active'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_ref: Mapped[str] = mapped_column(String(32), unique=True)
    cpr_hash: Mapped[str] = mapped_column(String(64), index=True)
    name: Mapped[str | None] = mapped_column(String(120))
    municipality_code: Mapped[str] = mapped_column(ForeignKey("municipalities.code"), index=True)
    birth_year: Mapped[int]
    adults: Mapped[int] = mapped_column(default=1)
    children: Mapped[int] = mapped_column(default=0)
    wealth_dkk: Mapped[float] = mapped_column(default=0.0)
    situation: Mapped[int]
    homeless_since: Mapped[dt.date]
    registered_on: Mapped[dt.date]
    deadline: Mapped[dt.date | None]
    support: Mapped[SupportMethod] = mapped_column(enum_column(SupportMethod, "support_method"))
    needs_wheelchair: Mapped[bool] = mapped_column(default=False)
    needs_ground_floor: Mapped[bool] = mapped_column(default=False)
    has_pets: Mapped[bool] = mapped_column(default=False)
    kontanthjaelp_since: Mapped[dt.date | None] = mapped_column(
        doc="start of the current unbroken period on kontanthjælp (§ 59 stk. 6 nr. 5: 6 months)"
    )
    # eligibility facts (issue 12): exact age, unit kinds, almenboligloven § 59 stk. 6 and 7
    birth_date: Mapped[dt.date | None] = mapped_column(default=None)
    disability: Mapped[bool] = mapped_column(default=False)
    skaev_target_group: Mapped[bool] = mapped_column(default=False)
    released_from_prison_on: Mapped[dt.date | None] = mapped_column(default=None)
    secure_institution_released_on: Mapped[dt.date | None] = mapped_column(default=None)
    lease_terminated_on: Mapped[dt.date | None] = mapped_column(default=None)
    non_eu_citizen: Mapped[bool] = mapped_column(default=False)
    foertidspension: Mapped[bool] = mapped_column(default=False)
    hjemrejseydelse_since: Mapped[dt.date | None] = mapped_column(default=None)
    dagpenge_since: Mapped[dt.date | None] = mapped_column(default=None)
    # the money facts of issue 12 (matcher problem document: citizens[].church_member, ...)
    church_member: Mapped[bool] = mapped_column(default=False, server_default=false())
    mobility_impaired: Mapped[bool] = mapped_column(default=False, server_default=false())
    doegnhjaelp: Mapped[bool] = mapped_column(default=False, server_default=false())
    seniorpension: Mapped[bool] = mapped_column(default=False, server_default=false())
    foertidspension_before_2003: Mapped[bool] = mapped_column(default=False, server_default=false())
    preferred_lat: Mapped[float | None]
    preferred_lon: Mapped[float | None]
    refused_offers: Mapped[int] = mapped_column(default=0)
    # The person who reaches the citizen (caseworker, shelter or support worker):
    # offers go to them, since homeless citizens are often exempt from Digital Post.
    contact_name: Mapped[str | None] = mapped_column(String(120))
    contact_email: Mapped[str | None] = mapped_column(String(200))
    contact_organisation: Mapped[str | None] = mapped_column(String(120))
    letter_language: Mapped[str] = mapped_column(String(2), default="da", server_default="da")
    reopened_from_id: Mapped[int | None] = mapped_column(
        ForeignKey("citizen_cases.id"),
        doc="the earlier case of a citizen who became homeless again",
    )
    anonymised_at: Mapped[dt.datetime | None] = mapped_column(
        doc="personal data removed after the retention period (statistics kept)"
    )
    status: Mapped[CaseStatus] = mapped_column(
        enum_column(CaseStatus, "case_status"), default=CaseStatus.active, index=True
    )
    version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    income_items: Mapped[list[CaseIncome]] = relationship(
        back_populates="case", cascade="all, delete-orphan", order_by="CaseIncome.id"
    )
    area_preferences: Mapped[list[AreaPreference]] = relationship(
        back_populates="case", cascade="all, delete-orphan", order_by="AreaPreference.id"
    )

    __mapper_args__ = {"version_id_col": version}

    @property
    def preferred_areas(self) -> list[str]:
        """Preferred districts, best first."""
        return preferred_areas(self.area_preferences)

    @property
    def avoided_areas(self) -> list[str]:
        return avoided_areas(self.area_preferences)


class AreaChoice(Protocol):
    """An area preference as stored: an ORM row, or a plain row of the same columns."""

    @property
    def area(self) -> str: ...
    @property
    def rank(self) -> int | None: ...
    @property
    def avoid(self) -> bool: ...


def preferred_areas(preferences: Iterable[AreaChoice]) -> list[str]:
    """Preferred districts, best first (stable for equal ranks: the stored order)."""
    ranked = [p for p in preferences if not p.avoid]
    return [p.area for p in sorted(ranked, key=lambda p: p.rank or 0)]


def avoided_areas(preferences: Iterable[AreaChoice]) -> list[str]:
    """Districts to avoid, alphabetically."""
    return sorted(p.area for p in preferences if p.avoid)


class CaseIncome(Base):
    """One income item of the household (monthly, before tax)."""

    __tablename__ = "case_income_items"
    __table_args__ = (CheckConstraint("monthly_dkk >= 0", name="amount_not_negative"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("citizen_cases.id", ondelete="CASCADE"))
    kind: Mapped[IncomeKind] = mapped_column(enum_column(IncomeKind, "income_kind"))
    monthly_dkk: Mapped[float]
    person: Mapped[int] = mapped_column(default=0, server_default="0")
    """Which adult receives it (0 = the citizen): income tax is personal."""

    case: Mapped[CitizenCase] = relationship(back_populates="income_items")


class AreaPreference(Base):
    """A district the citizen prefers (``rank`` 1 = best) or wants to avoid."""

    __tablename__ = "case_area_preferences"
    __table_args__ = (
        UniqueConstraint("case_id", "area"),
        CheckConstraint("avoid OR rank >= 1", name="ranked_unless_avoided"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("citizen_cases.id", ondelete="CASCADE"))
    area: Mapped[str] = mapped_column(String(80))
    rank: Mapped[int | None]
    avoid: Mapped[bool] = mapped_column(default=False)

    case: Mapped[CitizenCase] = relationship(back_populates="area_preferences")


class MatchRun(Base):
    """One run of the matcher: the inputs' snapshot, the weights, the solver's result."""

    __tablename__ = "match_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    municipality_code: Mapped[str] = mapped_column(ForeignKey("municipalities.code"), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    created_by: Mapped[str] = mapped_column(String(120))
    method: Mapped[str] = mapped_column(String(32), doc="which matcher produced the result")
    status: Mapped[str] = mapped_column(String(16))
    problem: Mapped[dict[str, Any]]
    result: Mapped[dict[str, Any]]
    stats: Mapped[dict[str, Any]] = mapped_column(default=dict)


class Offer(Base):
    """An offer of a vacancy to a citizen and its answer.

    The database itself guarantees the invariants the workflow relies on: at most one
    accepted offer per vacancy and per citizen, and at most one sent (unanswered) offer
    per vacancy and per citizen.
    """

    __tablename__ = "offers"
    __table_args__ = (
        Index(
            "uq_offers_accepted_vacancy",
            "vacancy_id",
            unique=True,
            sqlite_where=text("status = 'accepted'"),
            postgresql_where=text("status = 'accepted'"),
        ),
        Index(
            "uq_offers_accepted_case",
            "case_id",
            unique=True,
            sqlite_where=text("status = 'accepted'"),
            postgresql_where=text("status = 'accepted'"),
        ),
        Index(
            "uq_offers_sent_vacancy",
            "vacancy_id",
            unique=True,
            sqlite_where=text("status = 'sent'"),
            postgresql_where=text("status = 'sent'"),
        ),
        Index(
            "uq_offers_sent_case",
            "case_id",
            unique=True,
            sqlite_where=text("status = 'sent'"),
            postgresql_where=text("status = 'sent'"),
        ),
        CheckConstraint("rank >= 1", name="rank_positive"),
        CheckConstraint(
            "status != 'declined' OR decline_reason IS NOT NULL", name="declined_has_reason"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    match_run_id: Mapped[int | None] = mapped_column(ForeignKey("match_runs.id"), index=True)
    vacancy_id: Mapped[int] = mapped_column(ForeignKey("vacancies.id"), index=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("citizen_cases.id"), index=True)
    rank: Mapped[int] = mapped_column(default=1)
    score: Mapped[int | None]
    status: Mapped[OfferStatus] = mapped_column(
        enum_column(OfferStatus, "offer_status"), default=OfferStatus.proposed, index=True
    )
    answer_deadline: Mapped[dt.date | None]
    decline_reason: Mapped[str | None] = mapped_column(String(40))
    decline_note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[dt.datetime | None]
    answered_at: Mapped[dt.datetime | None]
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}


class OfferLetter(Base):
    """The letter of a sent offer, as HTML and PDF, kept with the offer (issue 15).

    ``facts`` holds the numbers the letter states (rent, benefit, deadline ...), so the
    API can show them without parsing the letter.
    """

    __tablename__ = "offer_letters"

    id: Mapped[int] = mapped_column(primary_key=True)
    offer_id: Mapped[int] = mapped_column(ForeignKey("offers.id"), unique=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("citizen_cases.id"), index=True)
    language: Mapped[str] = mapped_column(String(2))
    html: Mapped[str] = mapped_column(Text)
    pdf: Mapped[bytes] = mapped_column(LargeBinary)
    facts: Mapped[dict[str, Any]]
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class OutboxStatus(StrEnum):
    pending = "pending"
    sent = "sent"
    failed = "failed"


class OutboxMessage(Base):
    """A message waiting to be delivered, written in the transaction of its event.

    The worker (``boligmatch send-notices``) delivers due messages and records each
    attempt; a message is never dropped: after ``max_attempts`` it stays ``failed``
    for staff to see and retry.
    """

    __tablename__ = "outbox_messages"
    __table_args__ = (
        CheckConstraint("attempts >= 0", name="attempts_not_negative"),
        Index("ix_outbox_messages_due", "status", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(40), doc="offer_letter, accepted, withdrawn, ...")
    channel: Mapped[str] = mapped_column(String(16), doc="email or print")
    recipient: Mapped[str] = mapped_column(String(200))
    subject: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    attachment: Mapped[bytes | None] = mapped_column(LargeBinary)
    attachment_name: Mapped[str | None] = mapped_column(String(120))
    municipality_code: Mapped[str | None] = mapped_column(String(4), index=True)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("citizen_cases.id"), index=True)
    offer_id: Mapped[int | None] = mapped_column(ForeignKey("offers.id"), index=True)
    status: Mapped[OutboxStatus] = mapped_column(
        enum_column(OutboxStatus, "outbox_status"), default=OutboxStatus.pending
    )
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    last_error: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[dt.datetime | None]


class AssociationContact(Base):
    """Where a housing association receives notices of its homes (accepted, withdrawn)."""

    __tablename__ = "association_contacts"

    association_id: Mapped[int] = mapped_column(
        ForeignKey("housing_associations.id"), primary_key=True
    )
    name: Mapped[str] = mapped_column(String(120))
    email: Mapped[str] = mapped_column(String(200))


class MoveInStep(Base):
    """One step between "yes" and moving in, with its due date and owner."""

    __tablename__ = "move_in_steps"
    __table_args__ = (UniqueConstraint("offer_id", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("citizen_cases.id"), index=True)
    offer_id: Mapped[int] = mapped_column(ForeignKey("offers.id"), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    owner: Mapped[str] = mapped_column(String(80))
    due_on: Mapped[dt.date] = mapped_column(index=True)
    done_on: Mapped[dt.date | None]
    detail: Mapped[str | None] = mapped_column(
        String(120), doc="e.g. the support team's name, or 'loan granted'"
    )
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}


class FollowUpOutcome(StrEnum):
    still_housed = "still_housed"
    moved_on = "moved_on"
    evicted = "evicted"
    returned_homeless = "returned_homeless"


class FollowUp(Base):
    """A follow-up 3, 6 or 12 months after moving in: does the person still live there?"""

    __tablename__ = "follow_ups"
    __table_args__ = (
        UniqueConstraint("offer_id", "months"),
        CheckConstraint("months IN (3, 6, 12)", name="months_3_6_12"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("citizen_cases.id"), index=True)
    offer_id: Mapped[int] = mapped_column(ForeignKey("offers.id"), index=True)
    months: Mapped[int]
    due_on: Mapped[dt.date] = mapped_column(index=True)
    outcome: Mapped[FollowUpOutcome | None] = mapped_column(
        enum_column(FollowUpOutcome, "follow_up_outcome")
    )
    outcome_on: Mapped[dt.date | None] = mapped_column(doc="when it happened (or was checked)")
    recorded_at: Mapped[dt.datetime | None]
    recorded_by: Mapped[str | None] = mapped_column(String(120))
