"""The allocation calendar: answer deadlines and match runs count Danish calendar days.

One definition for the API, the web pages and the cron command, so a deadline never
differs by a day between them in the hours after Danish midnight.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

DANISH_TIME = ZoneInfo("Europe/Copenhagen")


def today() -> dt.date:
    """Today in Denmark."""
    return dt.datetime.now(DANISH_TIME).date()
