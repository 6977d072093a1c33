"""Local time in the town's zone, as pure conversions: the zone itself is configuration, read by
views and commands (quizapp.clock.town_zone) and passed to the services that need it."""

from __future__ import annotations

import os
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

DEFAULT_ZONE = "Asia/Shanghai"


def configured_zone_name() -> str:
    """The town's zone as configured (QUIZAPP_TIMEZONE, default Asia/Shanghai): config.py reads it
    from here, and so do the use cases that need the local day of a stored instant without a
    request (scope.active_on: the day a worker was put on the roster)."""
    return os.environ.get("QUIZAPP_TIMEZONE", DEFAULT_ZONE)


def configured_zone() -> ZoneInfo:
    return ZoneInfo(configured_zone_name())


def to_local(moment: datetime, zone: ZoneInfo) -> datetime:
    """A naive UTC instant (as the database stores it) in the town's local time."""
    return moment.replace(tzinfo=UTC).astimezone(zone)


def local_midnight(day: date, zone: ZoneInfo) -> datetime:
    """The start of a local day as a naive UTC instant (as the database stores it): 00:00 in
    Dongguan is 16:00 UTC the day before."""
    return datetime.combine(day, time(), zone).astimezone(UTC).replace(tzinfo=None)
