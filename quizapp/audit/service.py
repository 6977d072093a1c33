"""The audit log, written: every export and API read (and incident import, and every change the
town admin makes), for the town admin to review (audit.log reads it back).

Used by every part that hands data out or changes something: owns the one way a row is written,
record(): who, what, and the filter or scope as detail. Kept free of other services, so any of them
can import it.
"""

from __future__ import annotations

import json

from quizapp.extensions import db
from quizapp.models import ApiToken, AuditLog, StaffUser


def record(actor: StaffUser | None, action: str, detail: str | dict = "", token: ApiToken | None = None) -> AuditLog:
    """Write one audit row (the caller's transaction commits it with the work it records).

    `detail` is text, or a dict written as JSON with sorted keys so rows compare and grep well.
    An API request acts by `token`, not by an account.
    """
    if not isinstance(detail, str):
        detail = json.dumps(detail, ensure_ascii=False, sort_keys=True, default=str)
    row = AuditLog(actor_id=actor.id if actor is not None else None, token_id=token.id if token is not None else None,
                   action=action, detail=detail)
    db.session.add(row)
    db.session.flush()
    return row
