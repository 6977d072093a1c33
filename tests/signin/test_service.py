"""Sign-in rules: PIN throttling per worker, first sign-in by roster name (staff: test_staff.py)."""

from datetime import datetime, timedelta

import pytest

from quizapp.extensions import db
from quizapp.models import Employee
from quizapp.signin import service as accounts
from tests.factories import PIN

pytestmark = pytest.mark.usefixtures("ctx")

NOW = datetime(2026, 11, 24, 0, 0)


def test_right_pin_signs_in_and_five_wrong_lock_for_fifteen_minutes(town):
    worker = db.session.get(Employee, town.worker_a)
    assert accounts.verify_pin(worker, PIN, NOW).account is worker
    for _ in range(4):
        assert accounts.verify_pin(worker, "0000", NOW).error == "wrong"
    locked = accounts.verify_pin(worker, "0000", NOW)
    assert locked.error == "locked" and locked.locked_until == NOW + timedelta(minutes=15)
    # Even the right PIN waits until the lock ends.
    assert accounts.verify_pin(worker, PIN, NOW + timedelta(minutes=14)).error == "locked"
    assert accounts.verify_pin(worker, PIN, NOW + timedelta(minutes=16)).account is worker


def test_first_sign_in_needs_the_roster_name_then_sets_the_pin(town):
    newcomer = db.session.scalar(db.select(Employee).where(Employee.employee_no == "A002"))
    assert accounts.verify_pin(newcomer, "1234", NOW).error == "no_pin"
    assert accounts.register_pin(newcomer, "张三", "1234", NOW).error == "name_mismatch"
    assert accounts.register_pin(newcomer, " 张 新来 ", "1234", NOW).account is newcomer
    assert accounts.verify_pin(newcomer, "1234", NOW).account is newcomer
    assert accounts.register_pin(newcomer, "张新来", "9999", NOW).error == "has_pin"


def test_a_pin_must_be_four_to_six_digits(town):
    newcomer = db.session.scalar(db.select(Employee).where(Employee.employee_no == "A002"))
    with pytest.raises(ValueError):
        accounts.register_pin(newcomer, "张新来", "12a4", NOW)


def test_an_inactive_worker_cannot_sign_in(town):
    worker = db.session.get(Employee, town.worker_a)
    worker.active = False
    assert accounts.verify_pin(worker, PIN, NOW).error == "inactive"


def test_pins_are_stored_hashed(town):
    worker = db.session.get(Employee, town.worker_a)
    assert PIN not in worker.pin_hash and worker.pin_hash.startswith("pbkdf2:sha256:")


