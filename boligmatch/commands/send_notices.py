"""`boligmatch send-notices`: deliver the outbox (e-mail, print batch) and queue digests.

Meant for cron, e.g. every 10 minutes for delivery (``*/10 * * * *``) and once a day
with ``--digest`` for the staff's morning list (``30 6 * * *``, Danish time). Each
message is committed as sent right after its channel took it; what fails is retried
after an exponential backoff (``BOLIGMATCH_NOTICES__BACKOFF_SECONDS``, doubling) and
kept as ``failed`` after ``BOLIGMATCH_NOTICES__MAX_ATTEMPTS``. Print messages go to
``<print_folder>/<day>/`` and are merged into ``batch-<day>.pdf``. It does not
migrate the database: a cron job never changes the schema.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from boligmatch.commands._common import day_or_today, fail_failed, print_json
from kernel.cli_messages import cli_language, say
from kernel.formats import day_text, number


def command(
    digest: Annotated[
        bool, typer.Option("--digest", help="first queue each municipality's daily digest")
    ] = False,
    today: Annotated[
        str | None, typer.Option(help="the day, YYYY-MM-DD (default: today in Denmark)")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="print a JSON summary")] = False,
) -> None:
    """Send due notices from the outbox (e-mail over SMTP, the day's print batch)."""
    from sqlalchemy import select
    from sqlalchemy.exc import SQLAlchemyError

    from allocation import notices, outbox
    from allocation.models import CitizenCase
    from kernel.db import make_engine, session_factory, transaction
    from kernel.settings import get_settings

    day = day_or_today(today)
    settings = get_settings()
    engine = make_engine(settings.database_url)
    sessions = session_factory(engine)
    printer = outbox.PrintChannel(Path(settings.notices.print_folder), day=day)
    channels: dict[str, outbox.Channel] = {
        outbox.EMAIL: outbox.SmtpChannel(settings.notices),
        outbox.PRINT: printer,
    }
    digests = 0
    try:
        if digest:
            with transaction(sessions) as session:
                codes = session.scalars(select(CitizenCase.municipality_code).distinct()).all()
                for code in sorted(codes):
                    if notices.queue_daily_digest(session, municipality_code=code, today=day):
                        digests += 1
        report = outbox.deliver_due(sessions, channels, settings.notices)
        batch = printer.build_batch() if printer.day_folder.exists() else None
        with sessions() as session:
            totals = outbox.counts(session)
    except SQLAlchemyError as error:
        fail_failed("send-notices", error)
    finally:
        engine.dispose()
    document = {
        "today": day.isoformat(),
        "digests_queued": digests,
        "sent": report.sent,
        "retrying": report.retrying,
        "failed": report.failed,
        "print_batch": str(batch) if batch else None,
        "outbox": totals,
    }
    if as_json:
        print_json(document)
        return
    lang = cli_language()
    typer.echo(
        say(
            "notices_sent",
            day=day_text(day, lang),
            sent=number(len(report.sent), lang),
            retrying=number(len(report.retrying), lang),
            failed=number(len(report.failed), lang),
        )
        + (say("print_batch", path=batch) if batch else "")
    )
