"""The audit log, written: every export and API read (and incident import, and every change the
town admin makes), for the town admin to review (audit.log reads it back).

Used by every part that hands data out or changes something: owns the one way a row is written,
record(): who, what, and the filter or scope as detail. Kept free of other services, so any of them
can import it.

Whose row: a town's (its admin reads it at /admin/audit) or the city's (no town; the city admin
reads it at /city/audit), never both. The city's: the city admin's acts, a city token's reads, and
events no town owns: a failed sign-in to a username that is no account (a security event for the
operators and the city), and what a job does to every town at once (`partitions.drop`). A real
account's sign-in events are its town's. docs/privacy.md, "Whose audit row".
"""

from __future__ import annotations

import json
from datetime import datetime

from sqlalchemy import update

from quizapp import scope
from quizapp.audit.rules import REPEAT_WINDOW_MINUTES, window_start
from quizapp.extensions import db
from quizapp.models import ApiToken, AuditLog, StaffUser


def _text(detail: str | dict) -> str:
    return detail if isinstance(detail, str) else json.dumps(detail, ensure_ascii=False, sort_keys=True, default=str)


def _town(actor: StaffUser | None, token: ApiToken | None, town_id: int | None) -> int | None:
    if town_id is not None:
        return town_id
    if actor is not None:
        return scope.town_of(actor)
    return token.town_id if token is not None else None


def record(actor: StaffUser | None, action: str, detail: str | dict = "", token: ApiToken | None = None,
           town_id: int | None = None) -> AuditLog:
    """Write one audit row (the caller's transaction commits it with the work it records).

    `detail` is text, or a dict written as JSON with sorted keys so rows compare and grep well.
    An API request acts by `token`, not by an account. The row belongs to `town_id` if given (what
    cron does for a town), else to the actor's or the token's town (none: the city's).
    """
    detail = _text(detail)
    row = AuditLog(actor_id=actor.id if actor is not None else None, token_id=token.id if token is not None else None,
                   action=action, detail=detail, town_id=_town(actor, token, town_id))
    db.session.add(row)
    db.session.flush()
    return row


def record_repeated(actor: StaffUser | None, action: str, detail: dict, now: datetime,
                    minutes: int = REPEAT_WINDOW_MINUTES, town_id: int | None = None) -> None:
    """Count one more of an event that repeats (a failed sign-in, a worker's or a staff member's: the
    one way both are aggregated): one row per action, detail and `minutes`-long window, its `times`
    raised in one UPDATE; the first one of a window writes the row, stamped `now` (UTC, like every
    row), with the window in its detail (window_start, window_minutes). Two first ones at the same
    instant may write two rows: the counts still add up."""
    since = window_start(now, minutes)
    text = _text({**detail, "window_start": since.isoformat(timespec="minutes"), "window_minutes": minutes})
    counted = db.session.execute(
        update(AuditLog).where(AuditLog.at >= since, AuditLog.action == action, AuditLog.detail == text)
        .values(times=AuditLog.times + 1).returning(AuditLog.id)
        .execution_options(synchronize_session=False)).first()
    if counted is None:
        db.session.add(AuditLog(actor_id=actor.id if actor is not None else None, action=action, detail=text, at=now,
                                town_id=_town(actor, None, town_id)))
        db.session.flush()
