"""Helpers shared by the benchmarks: a throw-away PostgreSQL database, another revision's tree.

The scripts run as ``python bench/<name>.py``, so this folder is first on the path and
they import this module as ``benchkit``.
"""

from __future__ import annotations

import subprocess
import tarfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
"""The checkout the benchmarks measure."""


@contextmanager
def postgres_database(server_url: str, prefix: str) -> Iterator[str]:
    """A fresh database ``<prefix>_<random>`` on ``server_url``'s server, dropped afterwards."""
    from sqlalchemy import text
    from sqlalchemy.engine import make_url

    from kernel.db import make_engine

    name = f"{prefix}_{uuid.uuid4().hex[:8]}"
    admin = make_engine(server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(server_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def tree_of(ref: str, into: Path) -> Path:
    """The files of git revision ``ref`` unpacked under ``into`` (for ``--compare-ref``)."""
    archive = into / "tree.tar"
    with archive.open("wb") as out:
        subprocess.run(["git", "-C", str(ROOT), "archive", ref], stdout=out, check=True)
    with tarfile.open(archive) as tar:
        tar.extractall(into / "tree", filter="data")
    return into / "tree"
