"""Migration 0035 (employee absence): the days a worker was away and came back from, one row per
absence, deleted with the worker, never ending before it starts; it downgrades and upgrades again.
Runs on SQLite and, in the test command's second pass, on PostgreSQL."""

from __future__ import annotations

from datetime import date

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import delete, inspect, select, text
from sqlalchemy.exc import IntegrityError

from quizapp.extensions import db
from quizapp.models import Employee, EmployeeAbsence

INSERT = text("INSERT INTO employee_absence (employee_id, first_day, last_day) VALUES (:worker, :first, :last)")


def test_the_absence_table_comes_and_goes_with_the_migration_and_goes_with_its_worker(app, town):
    with app.app_context():
        db.session.remove()  # no transaction of the test may hold the tables the migration changes
        downgrade(revision="0034")
        try:
            assert "employee_absence" not in inspect(db.engine).get_table_names()
        finally:
            db.session.remove()
            upgrade()
        # Fresh connections: after the threaded tests (tests/app/test_inputs.py) in the same run, a
        # pooled SQLite connection reported no index here although the upgrade had made it.
        db.engine.dispose()
        assert {ix["name"] for ix in inspect(db.engine).get_indexes("employee_absence")} == {
            "ix_employee_absence_employee_day"}
        db.session.execute(INSERT, {"worker": town.worker_a, "first": date(2026, 11, 9), "last": date(2026, 11, 22)})
        db.session.commit()
        with pytest.raises(IntegrityError):  # a last day before the first
            db.session.execute(INSERT, {"worker": town.worker_a, "first": date(2026, 11, 9),
                                        "last": date(2026, 11, 8)})
        db.session.rollback()
        assert db.session.scalars(select(EmployeeAbsence.last_day)).all() == [date(2026, 11, 22)]
        # Retention deletes a long-gone leaver: their absences go with them.
        db.session.execute(delete(Employee).where(Employee.id == town.worker_a))
        db.session.commit()
        assert db.session.scalars(select(EmployeeAbsence.id)).all() == []
