"""Structured JSON logs with CPR numbers redacted from every record.

A CPR number must never reach a log, whoever logs it (our code, SQLAlchemy,
uvicorn, a traceback). `RedactCPR` rewrites each record's message before any
handler formats it, and `JsonFormatter` redacts its final line again, which also
covers exception texts and extra fields.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from typing import Any

from kernel.types import replace_cpr_shaped

REDACTED = "[redacted-cpr]"

# Attributes every LogRecord has; anything else was passed as ``extra=`` and is logged.
_STANDARD = set(logging.makeLogRecord({}).__dict__) | {
    "message",
    "asctime",
    "taskName",
    "color_message",  # uvicorn's ANSI-coloured copy of the message
}


def redact(text: str) -> str:
    """``text`` with anything shaped like a CPR number (DDMMYY-NNNN) replaced.

    In any script's digits and with any dash (``１２０５８８－４３２１``, ``120588‑4321``):
    the shapes of :func:`kernel.types.looks_like_cpr`, which the API refuses in free text.
    """
    return replace_cpr_shaped(text, REDACTED)


class RedactCPR(logging.Filter):
    """Replace CPR-like numbers in the record's message (arguments merged in first)."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a bad format string must not lose the record
            message = str(record.msg)
        cleaned = redact(message)
        if cleaned != message or record.args:
            record.msg, record.args = cleaned, None
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message and any ``extra`` fields."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "ts": dt.datetime.fromtimestamp(record.created, dt.UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for name, value in record.__dict__.items():
            if name not in _STANDARD and not name.startswith("_"):
                entry[name] = value
        if record.exc_info:
            entry["exc"] = self.formatException(record.exc_info)
        return redact(json.dumps(entry, default=str, ensure_ascii=False))


def configure_logging(level: str | int = "INFO") -> None:
    """Send every logger's records through one redacting JSON handler on stderr.

    Idempotent: calling it again replaces the handler instead of adding another.
    """
    root = logging.getLogger()
    for handler in list(root.handlers):
        if getattr(handler, "_boligmatch", False):
            root.removeHandler(handler)
    handler = logging.StreamHandler()
    handler.setFormatter(JsonFormatter())
    handler.addFilter(RedactCPR())
    handler._boligmatch = True  # type: ignore[attr-defined]
    root.addHandler(handler)
    root.setLevel(level)
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        logger = logging.getLogger(name)
        logger.handlers.clear()
        logger.propagate = True
