"""Migration 0022 mends what was stored before the input rules: control characters in typed text,
impossible dates, and two open practice rounds of one worker; then the database keeps it so."""

from datetime import date, datetime, timedelta

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import select, text
from sqlalchemy.exc import IntegrityError

from quizapp.extensions import db
from quizapp.models import Attempt, Employee, FollowUp, Incident, SupervisionCase

OPENED = date(2026, 3, 2)
STARTED = datetime(2026, 3, 2, 1, 0)


def _practice(employee: Employee, minutes: int) -> Attempt:
    at = STARTED + timedelta(minutes=minutes)
    return Attempt(employee_id=employee.id, company_id=employee.company_id, local_date=OPENED, kind="practice",
                   started_at=at, deadline_at=at + timedelta(minutes=5), total=5, slots=5)


def test_the_migration_cleans_stored_values_and_keeps_one_open_practice(app, town):
    with app.app_context():
        db.session.remove()  # no transaction of the test may hold a table the migration changes
        downgrade(revision="0021")
        try:
            worker = db.session.get(Employee, town.worker_a)
            # Read past the model, which has the columns of later revisions (0031: an account's town).
            officer_id = db.session.execute(text("SELECT id FROM staff_user WHERE username = 'officer-1'")).scalar_one()
            worker.name = "王小明\x01"
            twin = Employee(company_id=worker.company_id, employee_no="A001\x1f", name="同号", pin_hash=None)
            case = SupervisionCase(company_id=town.company_a, rule="manual", reason="低\x7f", opened_on=OPENED)
            db.session.add_all([twin, case])
            db.session.flush()
            follow_up = FollowUp(case_id=case.id, kind="visit", happened_on=date(1, 1, 1), who="张\x02三",
                                 notes="tab\tand\nnewline kept", created_by=officer_id)
            grid_id = db.session.execute(text("SELECT grid_id FROM company WHERE id = :id"),  # 0036: active_until
                                         {"id": town.company_a}).scalar_one()
            far = Incident(grid_id=grid_id, company_id=town.company_a, month=date(9999, 12, 1),
                           fraud_type="shuadan", cases=1, loss_yuan=1)
            first, second = _practice(worker, 0), _practice(worker, 10)
            db.session.add_all([follow_up, far, first, second])
            db.session.commit()
            ids = {"twin": twin.id, "follow_up": follow_up.id, "far": far.id, "first": first.id,
                   "second": second.id}
        finally:
            db.session.rollback()
            db.session.remove()
            upgrade()
        assert db.session.get(Employee, town.worker_a).name == "王小明"
        twin = db.session.get(Employee, ids["twin"])
        assert twin.employee_no == f"A001-{ids['twin']}"  # A001 is taken: nothing is merged or lost
        follow_up = db.session.get(FollowUp, ids["follow_up"])
        assert (follow_up.happened_on, follow_up.who, follow_up.notes) == (OPENED, "张三", "tab\tand\nnewline kept")
        assert db.session.scalar(select(SupervisionCase.reason)) == "低"
        assert db.session.get(Incident, ids["far"]) is None
        first, second = db.session.get(Attempt, ids["first"]), db.session.get(Attempt, ids["second"])
        assert first.finished_at == first.deadline_at and first.expired and second.finished_at is None
        with pytest.raises(IntegrityError):
            with db.session.begin_nested():
                db.session.add(_practice(db.session.get(Employee, town.worker_a), 20))
        db.session.rollback()
        assert db.session.scalar(text("SELECT count(*) FROM attempt WHERE finished_at IS NULL")) == 1
