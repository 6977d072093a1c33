"""API tokens for an analysis system: issued and revoked by a town admin for their town (the token
reads that town only) or by the city admin for the city (it reads every town's aggregates), checked
on every API request, and the audit trail of both.

Used by quizapp/tokens/views.py (issue, revoke, list: /admin/tokens and /city/tokens) and
quizapp/api/views.py (authenticate, record each read). Owns the rules that a token is shown once
(only its SHA-256 and its first characters are stored), that a revoked token never works again,
and that every issue, revocation, API read and use of a revoked token is written to the audit log
(a town token's in its town's, a city token's in the city's).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from quizapp import scope
from quizapp.api.rules import TOKEN_BYTES, token_digest, token_hint
from quizapp.audit import service as audit
from quizapp.extensions import db
from quizapp.models import ApiToken, StaffUser


def _own(actor: StaffUser):
    """The tokens the account manages: its town's, or the city's (none) for the city admin."""
    return scope.own_rows(actor, ApiToken.town_id)


def list_tokens(actor: StaffUser) -> list[ApiToken]:
    """Every token the account's town (or the city) was ever issued, newest first (revoked ones
    too: the record stays)."""
    return list(db.session.scalars(select(ApiToken).where(_own(actor))
                                   .order_by(ApiToken.created_at.desc(), ApiToken.id.desc())))


def get_token(actor: StaffUser, token_id: int) -> ApiToken | None:
    """One of the account's tokens, or None (another town's does not exist for them)."""
    return db.session.scalar(select(ApiToken).where(ApiToken.id == token_id, _own(actor)))


def issue_token(actor: StaffUser, name: str, now: datetime) -> tuple[ApiToken, str]:
    """A new token named for what it is for, reading the admin's town (the city admin's: the city).
    Returns the row and the token itself, which the caller shows once: only its hash is kept, so it
    cannot be shown again."""
    token = secrets.token_urlsafe(TOKEN_BYTES)
    town_id = None if scope.sees_city(actor) else scope.own_town_id(actor)
    row = ApiToken(name=name.strip(), token_hash=token_digest(token), hint=token_hint(token), created_by=actor.id,
                   created_at=now, town_id=town_id)
    db.session.add(row)
    db.session.flush()
    audit.record(actor, "api_token.issue", {"token_id": row.id, "name": row.name, "hint": row.hint})
    return row, token


def revoke_token(actor: StaffUser, token: ApiToken, now: datetime) -> bool:
    """Revoke a token for good (False if it was revoked already: nothing changes)."""
    if token.revoked_at is not None:
        return False
    token.revoked_at, token.revoked_by = now, actor.id
    audit.record(actor, "api_token.revoke", {"token_id": token.id, "name": token.name, "hint": token.hint})
    return True


@dataclass(frozen=True)
class Authentication:
    """Who an API request is: a token in use, or why not ("missing", "unknown", "revoked")."""

    token: ApiToken | None
    failure: str | None = None


def authenticate(presented: str | None) -> Authentication:
    """The token a request presents, if it is one that was issued and not revoked."""
    if not presented:
        return Authentication(None, "missing")
    row = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == token_digest(presented)))
    if row is None:
        return Authentication(None, "unknown")
    if row.revoked_at is not None:
        return Authentication(row, "revoked")
    return Authentication(row)


DETAIL_MAX = 2000  # a path with its query; longer ones are cut, not refused


def _token_row(token: ApiToken, action: str, detail: str) -> None:
    audit.record(None, action, detail[:DETAIL_MAX], token=token)


def record_read(token: ApiToken, detail: str, now: datetime) -> None:
    """An API read: one audit row with the token (no account) and the path with its query; the
    token's last use is now."""
    token.last_used_at = now
    _token_row(token, "api.read", detail)


def record_revoked_use(token: ApiToken, detail: str) -> None:
    """Someone still uses a revoked token: the town admin should know (the system that holds it
    was not told, or the token leaked). Unknown tokens are only logged by the app: anyone can
    make those up, and they would fill the audit log."""
    _token_row(token, "api.revoked_token", detail)
