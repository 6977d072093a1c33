"""The one place that reads the wall clock: UTC instants and the town's local date.

Views and CLI commands call these and pass the results into services, so that services and tests
can name any day they like.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from flask import current_app

from quizapp.rules import zones


def utcnow() -> datetime:
    """Naive UTC, as the database stores it."""
    return datetime.now(UTC).replace(tzinfo=None)


def town_zone() -> ZoneInfo:
    return ZoneInfo(current_app.config["QUIZAPP_TIMEZONE"])


def local_today() -> date:
    """The town's calendar date: one official quiz per worker per local day (Asia/Shanghai)."""
    return datetime.now(town_zone()).date()


def to_local(moment: datetime) -> datetime:
    return zones.to_local(moment, town_zone())
