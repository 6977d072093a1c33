"""API tokens as use cases (tokens.service): issued once and stored as a hash, recognised,
revoked for good, and every issue, revocation, read and use of a revoked token audit-logged."""

import json
from datetime import datetime

import pytest
from sqlalchemy import select

from quizapp.api.rules import token_digest
from quizapp.extensions import db
from quizapp.models import ApiToken, AuditLog, StaffUser
from quizapp.tokens import service as tokens

pytestmark = pytest.mark.usefixtures("ctx")

NOW = datetime(2026, 11, 24, 2, 0)


def admin() -> StaffUser:
    return db.session.scalar(select(StaffUser).where(StaffUser.username == "admin"))


def audit_rows(action: str) -> list[AuditLog]:
    return list(db.session.scalars(select(AuditLog).where(AuditLog.action == action).order_by(AuditLog.id)))


def test_a_token_is_issued_once_and_only_its_hash_and_first_characters_are_kept(town):
    row, secret = tokens.issue_token(admin(), "  town analysis system ", NOW)
    db.session.commit()
    assert len(secret) >= 43 and row.name == "town analysis system"
    stored = db.session.get(ApiToken, row.id)
    assert stored.token_hash == token_digest(secret) and secret not in stored.token_hash
    assert stored.hint == secret[:8] and stored.created_by == admin().id and stored.created_at == NOW
    assert stored.last_used_at is None and stored.revoked_at is None
    issued = audit_rows("api_token.issue")
    assert len(issued) == 1 and issued[0].actor_id == admin().id
    assert json.loads(issued[0].detail) == {"token_id": row.id, "name": "town analysis system", "hint": row.hint}
    assert secret not in issued[0].detail


def test_two_tokens_are_never_the_same(town):
    _, first = tokens.issue_token(admin(), "a", NOW)
    _, second = tokens.issue_token(admin(), "b", NOW)
    assert first != second
    assert [t.name for t in tokens.list_tokens(admin())] == ["b", "a"]  # newest first


def test_a_token_is_recognised_and_a_made_up_one_is_not(town):
    row, secret = tokens.issue_token(admin(), "analysis", NOW)
    assert tokens.authenticate(secret) == tokens.Authentication(row)
    assert tokens.authenticate(secret + "x").failure == "unknown"
    assert tokens.authenticate(None).failure == "missing" and tokens.authenticate("").failure == "missing"


def test_a_revoked_token_never_works_again_and_revoking_twice_changes_nothing(town):
    row, secret = tokens.issue_token(admin(), "analysis", NOW)
    assert tokens.revoke_token(admin(), row, NOW) is True
    assert (row.revoked_at, row.revoked_by) == (NOW, admin().id)
    check = tokens.authenticate(secret)
    assert check.failure == "revoked" and check.token == row
    later = datetime(2026, 12, 1)
    assert tokens.revoke_token(admin(), row, later) is False and row.revoked_at == NOW
    assert len(audit_rows("api_token.revoke")) == 1


def test_a_read_is_audit_logged_with_the_token_and_no_account(town):
    row, _ = tokens.issue_token(admin(), "analysis", NOW)
    later = datetime(2026, 11, 24, 3, 0)
    tokens.record_read(row, "/api/v1/grids/summary?from=2026-11-01&to=2026-11-23", later)
    db.session.commit()
    read = audit_rows("api.read")
    assert len(read) == 1 and read[0].token_id == row.id and read[0].actor_id is None
    assert read[0].detail == "/api/v1/grids/summary?from=2026-11-01&to=2026-11-23"
    assert db.session.get(ApiToken, row.id).last_used_at == later


def test_a_revoked_token_in_use_is_audit_logged_for_the_town_admin(town):
    row, _ = tokens.issue_token(admin(), "analysis", NOW)
    tokens.revoke_token(admin(), row, NOW)
    tokens.record_revoked_use(row, "/api/v1/grids")
    db.session.commit()
    used = audit_rows("api.revoked_token")
    assert len(used) == 1 and used[0].token_id == row.id and used[0].actor_id is None
    assert db.session.get(ApiToken, row.id).last_used_at is None  # a refused request is not a use
