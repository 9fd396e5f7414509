"""`boligmatch purge-personal-data`: anonymise closed cases past their retention period.

For cron, daily (``15 1 * * *``). Each municipality sets its period
(``aftercare.retention_days`` in its policy; default 5 years). The anonymous
statistics (planners' outcome report) stay intact. Does not migrate the database.
"""

from __future__ import annotations

import json
from typing import Annotated

import typer

from boligmatch.commands._common import fail_failed
from kernel.cli_messages import cli_language, count, say


def command(
    as_json: Annotated[bool, typer.Option("--json", help="print a JSON summary")] = False,
) -> None:
    """Anonymise the personal data of cases closed longer than the retention period."""
    from sqlalchemy.exc import SQLAlchemyError

    from allocation.retention import anonymise_expired
    from kernel.db import make_engine, session_factory, transaction
    from kernel.settings import get_settings

    engine = make_engine(get_settings().database_url)
    try:
        with transaction(session_factory(engine)) as session:
            done = anonymise_expired(session)
    except SQLAlchemyError as error:
        fail_failed("purge-personal-data", error)
    finally:
        engine.dispose()
    if as_json:
        typer.echo(json.dumps({"anonymised_case_ids": done}))
    else:
        typer.echo(say("cases_anonymised", cases=count(len(done), "case", cli_language())))
