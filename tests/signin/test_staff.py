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
from tests.pages import sign_in_staff

NOW = datetime(2026, 11, 24, 8, 3)


def rows(action):
    return [json.loads(r.detail) | {"actor": r.actor_id, "times": r.times}
            for r in db.session.scalars(select(AuditLog).where(AuditLog.action == action).order_by(AuditLog.id))]


def user(username="staff-a") -> StaffUser:
    return db.session.scalar(select(StaffUser).where(StaffUser.username == username))


@pytest.mark.usefixtures("ctx")
def test_five_wrong_lock_and_a_stranger_cannot_tell_locked_from_wrong(town):
    own = [user().id]  # the account's own browser (its staff device cookie)
    assert accounts.verify_staff("staff-a", PASSWORD, NOW, "10.0.0.1", own).account.username == "staff-a"
    assert accounts.verify_staff("nobody", PASSWORD, NOW).error == "wrong"
    for _ in range(5):
        assert accounts.verify_staff("staff-a", "nope", NOW, "10.0.0.9", own).error == "wrong"
    assert user().locked_until == NOW + timedelta(minutes=15)
    assert accounts.verify_staff("staff-a", PASSWORD, NOW + timedelta(minutes=1), trusted_ids=own).error == "wrong"
    assert accounts.verify_staff("staff-a", PASSWORD, NOW + timedelta(minutes=16), trusted_ids=own).account is not None
    assert [(r["account"], r["address"]) for r in rows("signin.staff.locked")] == [("staff-a", "10.0.0.9")]


@pytest.mark.usefixtures("ctx")
def test_a_stranger_s_wrong_passwords_never_lock_the_owner_s_browser(town):
    """Other browsers' wrong passwords count apart: two free, then other browsers wait 1, 2, 4 ...
    minutes (refused unchecked, the right password too), while the owner's browser gets in."""
    admin = user("admin")
    for _ in range(40):
        assert accounts.verify_staff("admin", "guess", NOW, "203.0.113.7").error == "wrong"
    assert (user("admin").failed_logins, user("admin").locked_until) == (0, None)
    assert user("admin").stranger_failures == 3 and user("admin").stranger_until == NOW + timedelta(minutes=1)
    assert accounts.verify_staff("admin", PASSWORD, NOW, "203.0.113.7").error == "wrong"  # waiting
    assert [r["until"] for r in rows("signin.staff.throttled")] == ["2026-11-24T08:04"]
    # The wait grows with each wrong try after one ends: 2, then 4 minutes.
    for minutes, until in ((2, "2026-11-24T08:07"), (5, "2026-11-24T08:12")):
        assert accounts.verify_staff("admin", "guess", NOW + timedelta(minutes=minutes), "203.0.113.7").error == "wrong"
        assert rows("signin.staff.throttled")[-1]["until"] == until
    assert accounts.verify_staff("admin", PASSWORD, NOW + timedelta(minutes=6), "10.0.0.1", [admin.id]).account
    assert (user("admin").stranger_failures, user("admin").stranger_until) == (0, None)  # a right password: anew
    failed = rows("signin.staff.failed")
    assert {(r["browser"], r["address"]) for r in failed} == {("other", "203.0.113.7")}
    assert sum(r["times"] for r in failed) == 43  # every try counted, checked or not
    assert not rows("signin.staff.locked")


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


def _in_parallel(app, username: str, own: bool, tries: int = 12) -> None:
    start = threading.Barrier(tries)
    with app.app_context():
        trusted = [user(username).id] if own else []

    def try_once():
        with app.app_context():
            start.wait()
            accounts.verify_staff(username, "nope", NOW, "10.0.0.1", trusted)
            db.session.commit()

    threads = [threading.Thread(target=try_once) for _ in range(tries)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def test_parallel_wrong_passwords_from_the_own_browser_lock_at_exactly_the_fifth(app, town):
    """Twelve tries at once: each is claimed by one conditional UPDATE before the password is
    checked, so the lock comes at exactly the fifth and the rest are refused unchecked."""
    _in_parallel(app, "officer-1", own=True)
    with app.app_context():
        officer = user("officer-1")
        assert officer.locked_until == NOW + timedelta(minutes=15) and officer.failed_logins == 5
        assert len(rows("signin.staff.locked")) == 1 and officer.stranger_failures == 0
        # every try is in the trail, counted the one way failed sign-ins are (audit_log.times)
        assert sum(r["times"] for r in rows("signin.staff.failed")) == 12


def test_parallel_wrong_passwords_from_a_stranger_never_lock_the_admin(app, town):
    _in_parallel(app, "admin", own=False)
    with app.app_context():
        admin = user("admin")
        assert (admin.failed_logins, admin.locked_until) == (0, None) and admin.stranger_failures == 3
        assert len(rows("signin.staff.throttled")) == 1 and not rows("signin.staff.locked")
        assert sum(r["times"] for r in rows("signin.staff.failed")) == 12


def test_through_the_pages_a_stranger_s_parallel_guesses_leave_the_admin_s_own_browser_signing_in(app, town):
    """The sign-in page as an attacker sends it: twelve wrong passwords for the admin at once, each
    from a fresh browser. Other browsers must then wait (even with the right password), the admin's
    own browser (its staff device cookie from an earlier sign-in) still signs in, and forging that
    cookie does not help."""
    own = app.test_client()
    assert sign_in_staff(own, "admin").location == "/admin/"
    own.post("/logout")
    assert own.get_cookie("staff_device") is not None
    barrier = threading.Barrier(12)
    statuses: list[int] = []

    def guess():
        stranger = app.test_client()
        barrier.wait()
        statuses.append(sign_in_staff(stranger, "admin", "guess-guess").status_code)

    threads = [threading.Thread(target=guess) for _ in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert statuses == [200] * 12
    stranger = app.test_client()
    assert sign_in_staff(stranger, "admin").status_code == 200  # other browsers wait
    stranger.set_cookie("staff_device", "[1,2,3,4]")  # unsigned: not the admin's browser
    assert sign_in_staff(stranger, "admin").status_code == 200
    assert sign_in_staff(own, "admin").location == "/admin/"
    with app.app_context():
        assert user("admin").locked_until is None
