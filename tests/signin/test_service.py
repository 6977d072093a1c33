"""Sign-in use cases of workers: the PIN and the one-time code, their two failure tracks and
audit trail; the user loader (staff: test_staff.py)."""

import json
from datetime import datetime, timedelta

import pytest

from quizapp.extensions import db
from quizapp.models import AuditLog, Company, Employee
from quizapp.signin import workers
from tests.factories import PIN

pytestmark = pytest.mark.usefixtures("ctx")

NOW = datetime(2026, 11, 24, 0, 0)


ADDRESS = "10.0.0.7"


def _worker(town) -> Employee:
    return db.session.get(Employee, town.worker_a)


def _company(town) -> Company:
    return db.session.get(Company, town.company_a)


def test_a_right_pin_signs_in_whatever_the_case_or_width_typed(town):
    worker = _worker(town)
    assert workers.sign_in(_company(town), " a001 ", "２４６８", [], ADDRESS, NOW).employee is worker
    assert workers.sign_in(_company(town), "Ａ００１", PIN, [], ADDRESS, NOW).employee is worker


def test_a_stranger_hears_the_same_for_an_unknown_number_a_wrong_pin_a_reset_and_a_leaver(town):
    company, worker = _company(town), _worker(town)
    unknown = workers.sign_in(company, "Z999", PIN, [], ADDRESS, NOW)
    wrong = workers.sign_in(company, "A001", "1357", [], ADDRESS, NOW)
    never = workers.sign_in(company, "A002", PIN, [], ADDRESS, NOW)  # no PIN yet
    worker.active = False
    leaver = workers.sign_in(company, "A001", PIN, [], ADDRESS, NOW)
    assert unknown == wrong == never == leaver == workers.Outcome(refusal="wrong", guessed=True)


def test_the_own_phone_locks_at_the_fifth_wrong_pin_for_fifteen_minutes(town):
    company, worker = _company(town), _worker(town)
    own = [worker.id]
    for _ in range(4):
        assert workers.sign_in(company, "A001", "1357", own, ADDRESS, NOW).refusal == "wrong"
    locked = workers.sign_in(company, "A001", "1357", own, ADDRESS, NOW)
    assert (locked.refusal, locked.until, locked.guessed) == ("locked", NOW + timedelta(minutes=15), False)
    # Even the right PIN waits until the lock ends; then it signs in and the count starts again.
    assert workers.sign_in(company, "A001", PIN, own, ADDRESS, NOW + timedelta(minutes=14)).refusal == "locked"
    assert workers.sign_in(company, "A001", PIN, own, ADDRESS, NOW + timedelta(minutes=16)).employee is worker
    assert (worker.pin_failures, worker.locked_until) == (0, None)


def test_guesses_from_other_phones_make_only_other_phones_wait(town):
    company, worker = _company(town), _worker(town)
    for _ in range(3):
        assert workers.sign_in(company, "A001", "1357", [], ADDRESS, NOW).refusal == "wrong"
    assert worker.stranger_until == NOW + timedelta(minutes=1)
    # Waiting: even the right PIN from another phone is refused, unchecked and with the same words.
    assert workers.sign_in(company, "A001", PIN, [], ADDRESS, NOW).refusal == "wrong"
    assert worker.stranger_failures == 3
    # The worker's own phone is not slowed down by them; signing in starts both counts again.
    assert workers.sign_in(company, "A001", PIN, [worker.id], ADDRESS, NOW).employee is worker
    assert (worker.stranger_failures, worker.stranger_until) == (0, None)
    # After each wait the next wrong try doubles it.
    for _ in range(2):
        workers.sign_in(company, "A001", "1357", [], ADDRESS, NOW)
    assert worker.stranger_until is None
    later = NOW
    for expected in (1, 2, 4, 8):
        workers.sign_in(company, "A001", "1357", [], ADDRESS, later)
        assert worker.stranger_until == later + timedelta(minutes=expected)
        later = worker.stranger_until


def test_an_address_out_of_guesses_is_refused_unchecked_but_the_own_phone_is_not(town):
    company, worker = _company(town), _worker(town)
    assert workers.sign_in(company, "A001", PIN, [], ADDRESS, NOW, strangers_stopped=True).refusal == "wrong"
    assert worker.stranger_failures == 0  # not even counted against the worker
    assert workers.sign_in(company, "A001", PIN, [worker.id], ADDRESS, NOW, strangers_stopped=True).employee is worker


def test_the_own_phone_is_told_when_the_pin_was_reset(town):
    company, worker = _company(town), _worker(town)
    worker.pin_hash = None
    assert workers.sign_in(company, "A001", PIN, [worker.id], ADDRESS, NOW).refusal == "no_pin"


def test_set_up_needs_the_one_time_code_not_the_name(town):
    company = _company(town)
    newcomer = db.session.scalar(db.select(Employee).where(Employee.employee_no == "A002"))
    assert workers.set_up(company, "A002", "12345678", "1357", [], ADDRESS, NOW).refusal == "wrong"  # no code yet
    code = workers.issue_code(newcomer, NOW)
    assert newcomer.setup_code_hash.startswith("pbkdf2:sha256:") and code not in newcomer.setup_code_hash
    wrong = "0" * 8 if code != "0" * 8 else "1" * 8
    assert workers.set_up(company, "A002", wrong, "1357", [], ADDRESS, NOW).refusal == "wrong"
    # A new code replaces the old one; a code works only until it expires.
    old, code = code, workers.issue_code(newcomer, NOW)
    if old != code:
        assert workers.set_up(company, "A002", old, "1357", [], ADDRESS, NOW).refusal == "wrong"
    assert workers.set_up(company, "A002", code, "1357", [], ADDRESS, NOW + timedelta(days=15)).refusal == "wrong"
    assert workers.set_up(company, "a002", code, "1357", [], ADDRESS, NOW).employee is newcomer
    assert newcomer.setup_code_hash is None and newcomer.setup_code_expires is None
    assert workers.sign_in(company, "A002", "1357", [], ADDRESS, NOW).employee is newcomer
    # Used once: it cannot set a PIN again.
    assert workers.set_up(company, "A002", code, "8642", [], ADDRESS, NOW).refusal == "wrong"


def test_wrong_codes_count_like_wrong_pins(town):
    company = _company(town)
    newcomer = db.session.scalar(db.select(Employee).where(Employee.employee_no == "A002"))
    code = workers.issue_code(newcomer, NOW)
    wrong = "0" * 8 if code != "0" * 8 else "1" * 8
    for _ in range(3):
        workers.set_up(company, "A002", wrong, "1357", [], ADDRESS, NOW)
    assert workers.set_up(company, "A002", code, "1357", [], ADDRESS, NOW).refusal == "wrong"  # waiting
    assert workers.set_up(company, "A002", code, "1357", [], ADDRESS, NOW + timedelta(minutes=1)).employee is newcomer


def test_set_up_refuses_a_weak_or_malformed_pin_outright(town):
    newcomer = db.session.scalar(db.select(Employee).where(Employee.employee_no == "A002"))
    code = workers.issue_code(newcomer, NOW)
    for pin in ("1234", "0000", "12a4"):
        with pytest.raises(ValueError):
            workers.set_up(_company(town), "A002", code, pin, [], ADDRESS, NOW)


def test_failed_tries_are_counted_in_one_audit_row_per_number_address_and_ten_minutes(town):
    company = _company(town)
    for minute in (0, 3, 9):
        workers.sign_in(company, "A001", "1357", [], ADDRESS, NOW + timedelta(minutes=minute, seconds=30))
    workers.sign_in(company, "A001", "1357", [], "10.0.0.8", NOW + timedelta(minutes=70))
    workers.sign_in(company, "Z999", "1357", [], ADDRESS, NOW)
    rows = db.session.execute(db.select(AuditLog.action, AuditLog.detail, AuditLog.times, AuditLog.actor_id)
                              .order_by(AuditLog.id)).all()
    failed = [(json.loads(d)["worker"], json.loads(d)["address"], t) for a, d, t, _ in rows
              if a == "signin.failed"]
    assert failed == [(town.worker_a, ADDRESS, 3), (town.worker_a, "10.0.0.8", 1), (None, ADDRESS, 1)]
    throttled = [json.loads(d) for a, d, _t, _ in rows if a == "signin.throttled"]
    worker = town.worker_a
    assert throttled == [{"company": "acme", "worker": worker, "address": ADDRESS, "until": "2026-11-24T00:10"},
                         {"company": "acme", "worker": worker, "address": "10.0.0.8", "until": "2026-11-24T01:12"}]
    assert all(json.loads(d)["company"] == "acme" for _a, d, _t, _ in rows)
    assert not any("1357" in d or PIN in d or "Z999" in d or "A001" in d for _a, d, _t, _ in rows)


def test_pins_are_stored_hashed(town):
    worker = _worker(town)
    assert PIN not in worker.pin_hash and worker.pin_hash.startswith("pbkdf2:sha256:")


