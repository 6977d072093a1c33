"""How long a worker's personal record is kept: the retention cutoff, and the moment from which
an uploaded file kept for its preview (a roster or register import) is kept.

Used by retention.service (`quizapp retention`) and rollups.service (which refuses to rebuild a
day whose raw record was already deleted). Pure date arithmetic, no Flask or SQLAlchemy.
"""

from __future__ import annotations

import calendar
from datetime import date, datetime
from zoneinfo import ZoneInfo

from quizapp.rules import zones

MIN_MONTHS = 1  # below this the workers' own history and spaced review would break
MAX_MONTHS = 120


def months_back(day: date, months: int) -> date:
    """The same day `months` calendar months earlier, clamped to the month's last day
    (31 March minus one month is 28 or 29 February)."""
    index = day.year * 12 + (day.month - 1) - months
    year, month = divmod(index, 12)
    month += 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def cutoff(today: date, months: int) -> date:
    """The first local date whose record is kept: everything dated before it may be deleted."""
    if not MIN_MONTHS <= months <= MAX_MONTHS:
        raise ValueError(f"retention must be {MIN_MONTHS} to {MAX_MONTHS} months, not {months}")
    return months_back(today, months)


def uploads_kept_from(first_kept: date, zone: ZoneInfo) -> datetime:
    """The first moment whose kept upload (an import's preview, applied, cancelled or still
    waiting: roster and register imports alike) is kept: the start of the cutoff day in the town's
    zone, as a naive UTC instant like the uploads' times. Anything uploaded before it goes with the
    records dated before the cutoff."""
    return zones.local_midnight(first_kept, zone)
