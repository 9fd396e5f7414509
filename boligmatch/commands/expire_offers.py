"""`boligmatch expire-offers`: expire unanswered offers and propose the next citizens.

Meant for cron (e.g. ``5 0 * * *`` just after midnight, Danish time): every sent offer
whose last day to answer has passed becomes ``expired``, counts as a refusal under
the municipality's policy, its home opens again and the next citizen is proposed.
Reads of offers through the API do the same for what they touch, so the command is
a sweep, not the only guard. It does not migrate the database: a cron job should
never change the schema.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Annotated, Any

import typer

from boligmatch.commands._common import day_or_today, fail_failed, print_json
from kernel.cli_messages import cli_language, count, say
from kernel.formats import day_text

if TYPE_CHECKING:
    from allocation.workflow import ExpiryReport


def report_document(report: ExpiryReport, today: dt.date) -> dict[str, Any]:
    """The JSON summary: which offers expired and which were proposed next (ids only)."""
    return {
        "today": today.isoformat(),
        "expired": [
            {
                "offer_id": o.offer.id,
                "vacancy_id": o.offer.vacancy_id,
                "answer_deadline": (
                    o.offer.answer_deadline.isoformat() if o.offer.answer_deadline else None
                ),
                "refusal_action": o.refusal.action if o.refusal else None,
                "next_offer_id": o.next_offer.id if o.next_offer else None,
            }
            for o in report.expired
        ],
    }


def command(
    today: Annotated[
        str | None,
        typer.Option(help="the day to expire for, YYYY-MM-DD (default: today in Denmark)"),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="print a JSON summary")] = False,
) -> None:
    """Expire sent offers whose answer deadline has passed and propose the next citizens."""
    from sqlalchemy.exc import SQLAlchemyError

    from allocation.workflow import SYSTEM_ACTOR, expire_overdue
    from kernel.db import make_engine, session_factory, transaction
    from kernel.settings import get_settings

    day = day_or_today(today)
    engine = make_engine(get_settings().database_url)
    try:
        with transaction(session_factory(engine)) as session:
            report = expire_overdue(session=session, today=day, actor=SYSTEM_ACTOR)
            document = report_document(report, day)
    except SQLAlchemyError as error:
        fail_failed("expire-offers", error)
    finally:
        engine.dispose()
    if as_json:
        print_json(document)
        return
    expired = document["expired"]
    proposed = sum(1 for e in expired if e["next_offer_id"] is not None)
    lang = cli_language()
    typer.echo(
        say(
            "offers_expired",
            day=day_text(day, lang),
            expired=count(len(expired), "offer", lang),
            proposed=count(proposed, "next_proposal", lang),
        )
    )
