"""Migration 0036 (a company's deactivation day and days away): the column and the table come and
go with it, an absence never ends before it starts and goes with its company, and a company already
inactive keeps no day (it counts on no day, as every period read it before). Runs on SQLite and, in
the test command's second pass, on PostgreSQL."""

from __future__ import annotations

from datetime import date

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import delete, inspect, select, text, update
from sqlalchemy.exc import IntegrityError

from quizapp.extensions import db
from quizapp.models import Company, CompanyAbsence, Employee, StaffUser

INSERT = text("INSERT INTO company_absence (company_id, first_day, last_day) VALUES (:company, :first, :last)")


def test_the_deactivation_day_and_the_absences_come_and_go_with_the_migration(app, town):
    with app.app_context():
        db.session.execute(update(Company).where(Company.id == town.company_b).values(active=False))
        db.session.commit()
        db.session.remove()  # no transaction of the test may hold the tables the migration changes
        downgrade(revision="0035")
        try:
            assert "company_absence" not in inspect(db.engine).get_table_names()
            assert "active_until" not in {c["name"] for c in inspect(db.engine).get_columns("company")}
        finally:
            db.session.remove()
            upgrade()
        db.engine.dispose()  # fresh connections, as in tests/roster/test_migration.py
        assert {ix["name"] for ix in inspect(db.engine).get_indexes("company_absence")} == {
            "ix_company_absence_company_day"}
        # The company already inactive: no day kept.
        assert db.session.scalar(select(Company.active_until).where(Company.id == town.company_b)) is None
        db.session.execute(INSERT, {"company": town.company_a, "first": date(2026, 11, 9), "last": date(2026, 11, 22)})
        db.session.commit()
        with pytest.raises(IntegrityError):  # a last day before the first
            db.session.execute(INSERT, {"company": town.company_a, "first": date(2026, 11, 9),
                                        "last": date(2026, 11, 8)})
        db.session.rollback()
        assert db.session.scalars(select(CompanyAbsence.last_day)).all() == [date(2026, 11, 22)]
        # A company deleted (the tests' and the bench's clean-ups do): its absences go with it.
        db.session.execute(delete(StaffUser).where(StaffUser.company_id == town.company_a))
        db.session.execute(delete(Employee).where(Employee.company_id == town.company_a))
        db.session.execute(delete(Company).where(Company.id == town.company_a))
        db.session.commit()
        assert db.session.scalars(select(CompanyAbsence.id)).all() == []
