"""Staff sign-in rules: five wrong passwords lock the account, counted atomically (parallel tries
lock at exactly the fifth); unknown usernames, wrong passwords and a locked account all read
"wrong"; every sign-in, each lock, and failed sign-ins per account, address and window (counted in
audit_log.times, as the workers' are) are in the audit log."""

import json
import threading
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from quizapp.extensions import db
from quizapp.models import AuditLog, StaffUser
from quizapp.signin import staff as accounts
from tests.factories import PASSWORD

NOW = datetime(2026, 11, 24, 8, 3)


def rows(action):
    return [json.loads(r.detail) | {"actor": r.actor_id, "times": r.times}
            for r in db.session.scalars(select(AuditLog).where(AuditLog.action == action).order_by(AuditLog.id))]


def user(username="staff-a") -> StaffUser:
    return db.session.scalar(select(StaffUser).where(StaffUser.username == username))


@pytest.mark.usefixtures("ctx")
def test_five_wrong_lock_and_a_stranger_cannot_tell_locked_from_wrong(town):
    assert accounts.verify_staff("staff-a", PASSWORD, NOW, "10.0.0.1").account.username == "staff-a"
    assert accounts.verify_staff("nobody", PASSWORD, NOW).error == "wrong"
    for _ in range(5):
        assert accounts.verify_staff("staff-a", "nope", NOW, "10.0.0.9").error == "wrong"
    assert user().locked_until == NOW + timedelta(minutes=15)
    assert accounts.verify_staff("staff-a", PASSWORD, NOW + timedelta(minutes=1)).error == "wrong"  # locked
    assert accounts.verify_staff("staff-a", PASSWORD, NOW + timedelta(minutes=16)).account is not None
    assert [(r["account"], r["address"]) for r in rows("signin.staff.locked")] == [("staff-a", "10.0.0.9")]


@pytest.mark.usefixtures("ctx")
def test_every_sign_in_is_in_the_audit_log(town):
    accounts.verify_staff("officer-1", PASSWORD, NOW, "10.0.0.1")
    accounts.verify_staff("staff-a", PASSWORD, NOW, "10.0.0.2")
    signed = rows("signin.staff")
    assert [(r["account"], r["address"], r["actor"]) for r in signed] == [
        ("officer-1", "10.0.0.1", user("officer-1").id), ("staff-a", "10.0.0.2", user("staff-a").id)]
    assert user("staff-a").last_signed_in_at == NOW
    assert PASSWORD not in "".join(json.dumps(r) for r in signed)


@pytest.mark.usefixtures("ctx")
def test_failed_sign_ins_are_one_audit_row_per_account_address_and_window(town):
    for _ in range(3):
        accounts.verify_staff("officer-1", "nope", NOW, "10.0.0.1")
    accounts.verify_staff("officer-1", "nope", NOW + timedelta(minutes=5), "10.0.0.2")
    accounts.verify_staff("no-such-user", "typed secret", NOW, "10.0.0.1")
    accounts.verify_staff("officer-1", "nope", NOW + timedelta(minutes=10), "10.0.0.1")  # the next window
    failed = rows("signin.staff.failed")
    assert [(r["account"], r["address"], r["times"], r["window_start"]) for r in failed] == [
        ("officer-1", "10.0.0.1", 3, "2026-11-24T08:00"), ("officer-1", "10.0.0.2", 1, "2026-11-24T08:00"),
        (None, "10.0.0.1", 1, "2026-11-24T08:00"), ("officer-1", "10.0.0.1", 1, "2026-11-24T08:10")]
    assert all(r["actor"] is None and r["window_minutes"] == 10 for r in failed)
    assert "no-such-user" not in json.dumps(failed) and "typed secret" not in json.dumps(failed)


def test_parallel_wrong_passwords_lock_at_exactly_the_fifth(app, town):
    """Twelve tries at once: the count is raised in the database, never read and written back, so
    exactly one of them locks the account and the rest count no further."""
    start = threading.Barrier(12)

    def try_once():
        with app.app_context():
            start.wait()
            accounts.verify_staff("officer-1", "nope", NOW, "10.0.0.1")
            db.session.commit()

    threads = [threading.Thread(target=try_once) for _ in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    with app.app_context():
        officer = user("officer-1")
        assert officer.locked_until == NOW + timedelta(minutes=15)
        assert len(rows("signin.staff.locked")) == 1
        assert officer.failed_logins == 0  # the five that locked it were reset; tries while locked do not count
        # but every try is in the trail, counted the one way failed sign-ins are (audit_log.times)
        assert sum(r["times"] for r in rows("signin.staff.failed")) == 12
