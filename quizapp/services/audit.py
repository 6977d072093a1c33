"""The audit log: every export and API read (and incident import), for the town admin to review.

Used by services.incidents and services.supervision (exports, imports) and by any other part that
hands data out. Owns the one way a row is written: who, what, and the filter or scope as detail.
"""

from __future__ import annotations

import json

from quizapp.extensions import db
from quizapp.models import AuditLog, StaffUser


def record(actor: StaffUser | None, action: str, detail: str | dict = "") -> AuditLog:
    """Write one audit row (the caller's transaction commits it with the work it records).

    `detail` is text, or a dict written as JSON with sorted keys so rows compare and grep well.
    """
    if not isinstance(detail, str):
        detail = json.dumps(detail, ensure_ascii=False, sort_keys=True, default=str)
    row = AuditLog(actor_id=actor.id if actor is not None else None, action=action, detail=detail)
    db.session.add(row)
    db.session.flush()
    return row
