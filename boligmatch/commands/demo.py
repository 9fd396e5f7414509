"""`boligmatch demo`: what `make demo` runs."""

from __future__ import annotations

import typer

from boligmatch.commands._common import migrated_sessions


def command() -> None:
    """Create the embedded database, load the demo municipality, match, print offers."""
    from boligmatch.demo import run_demo

    run_demo(migrated_sessions(), echo=typer.echo)
