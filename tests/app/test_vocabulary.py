"""The database holds the vocabularies itself (migration 0007): a role, kind or status outside its
enum is refused by a CHECK constraint, a company never has two open supervision cases under one
rule (a partial unique index), and the columns read back as enum members. Runs on SQLite and, in
the test command's second pass, on PostgreSQL.
"""

from __future__ import annotations

import importlib.util
from datetime import date, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask_migrate import downgrade, upgrade
from sqlalchemy import select, text
from sqlalchemy.exc import IntegrityError

from quizapp.alerts import service as alerts
from quizapp.extensions import db
from quizapp.models import (
    Attempt,
    CaseEvent,
    Delivery,
    Employee,
    FollowUp,
    OutreachActivity,
    Question,
    RosterImport,
    StaffUser,
    SupervisionCase,
    Topic,
    TownImport,
)
from quizapp.rules import vocab
from quizapp.rules.vocab import (
    AttemptKind,
    CaseEventKind,
    CaseRule,
    CaseStatus,
    Channel,
    DeliveryKind,
    DeliveryStatus,
    FollowUpKind,
    ImportKind,
    ImportStatus,
    OutreachKind,
    QuestionKind,
    Role,
)
from tests.alerts import drafts
from tests.factories import make_lead, take_quiz

VERSIONS = Path(__file__).resolve().parents[2] / "quizapp/migrations/versions"
MIGRATION = VERSIONS / "0007_vocabulary_checks.py"
DAY = date(2026, 11, 24)


def _migration(path: Path = MIGRATION):
    spec = importlib.util.spec_from_file_location(path.stem, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def migration_checks() -> dict:
    """(table, column) -> values, from every migration that checks a vocabulary: 0007 for the
    columns it found, later ones (0015, the outreach ledger; 0018, a case's history) for the tables they create."""
    checks: dict = {}
    for path in sorted(VERSIONS.glob("0*.py")):
        migration = _migration(path)
        checks.update(getattr(migration, "CHECKS", {}))
        # A table a later migration drops (0033: register_import, now town_import) checks nothing.
        for table in getattr(migration, "DROPS", ()):
            checks = {key: values for key, values in checks.items() if key[0] != table}
    return checks


def typed_columns() -> dict[tuple[str, str], type]:
    """(table, column) -> enum, for every model column typed with a vocabulary."""
    return {(table.name, column.name): column.type.enum_class
            for table in db.metadata.sorted_tables for column in table.columns
            if isinstance(column.type, sa.Enum)}


def test_the_migration_checks_every_typed_column_with_its_enum_s_values():
    checks, columns = migration_checks(), typed_columns()
    assert set(checks) == set(columns)
    assert {key: tuple(m.value for m in enum) for key, enum in columns.items()} == checks
    # Every vocabulary is a column's but the question type, which lives in the question's content.
    assert set(vocab.ALL) - set(columns.values()) == {vocab.QuestionType}
    for table, column in columns:
        found = [c for c in db.metadata.tables[table].constraints
                 if isinstance(c, sa.CheckConstraint) and c.name == f"ck_{table}_{column}"]
        assert len(found) == 1, (table, column)


@pytest.fixture
def rows(app, town):
    """One row in every table with a vocabulary column: table -> the row's id."""
    with app.app_context():
        employee = db.session.get(Employee, town.worker_a)
        attempt = take_quiz(employee, DAY)
        staff = db.session.scalar(select(StaffUser).where(StaffUser.username == "staff-a"))
        officer = db.session.scalar(select(StaffUser).where(StaffUser.username == "officer-1"))
        imported = RosterImport(company_id=town.company_a, created_by=staff.id, filename="roster.csv", rows=[],
                                errors=[], status=ImportStatus.PREVIEW)
        delivery = Delivery(company_id=town.company_a, kind=DeliveryKind.REMINDER, channel=Channel.WEBHOOK,
                            target="https://example.invalid/robot", payload={})
        case = SupervisionCase(company_id=town.company_a, rule=CaseRule.MANUAL, reason="by hand", opened_on=DAY)
        register = TownImport(kind=ImportKind.OUTREACH, town_id=staff.town_id, created_by=staff.id,
                              filename="outreach.csv", rows=[], errors=[])
        db.session.add_all([imported, delivery, case, register])
        db.session.flush()
        follow_up = FollowUp(case_id=case.id, kind=FollowUpKind.VISIT, happened_on=DAY, who="厂长",
                             created_by=officer.id)
        activity = OutreachActivity(grid_id=staff.company.grid_id, company_id=town.company_a, day=DAY,
                                    kind=OutreachKind.PRESHIFT, place="一车间", speaker="张主任", people=40,
                                    created_by=staff.id)
        event = CaseEvent(case_id=case.id, kind=CaseEventKind.OPENED)
        alert = alerts.save_draft(officer, drafts.draft(), alerts.Target(
            db.session.scalar(select(Topic.id)), [staff.company.grid_id], DAY), DAY, datetime(2026, 11, 24))
        db.session.add_all([follow_up, activity, event])
        lead = make_lead(employee, day=DAY)
        db.session.commit()
        question = db.session.scalar(select(Question.id).order_by(Question.id).limit(1))
        return {"staff_user": staff.id, "question": question, "attempt": attempt.id, "roster_import": imported.id,
                "delivery": delivery.id, "supervision_case": case.id, "follow_up": follow_up.id,
                "outreach_activity": activity.id, "case_event": event.id, "alert": alert.id, "lead": lead.id,
                "town_import": register.id}


def _set(table: str, column: str, value: str, row_id: int) -> int:
    """Write `value` straight into the column, past the models: only the database checks it."""
    return db.session.execute(text(f"UPDATE {table} SET {column} = :value WHERE id = :id"),
                              {"value": value, "id": row_id}).rowcount


def test_the_database_refuses_a_value_outside_the_vocabulary_and_takes_every_value_in_it(app, rows):
    with app.app_context():
        taken, refused = [], []
        for (table, column), enum in typed_columns().items():
            for bad in ("bogus", "", list(enum)[-1].value.upper()):  # upper case: TOWN_ADMIN, MANUAL
                try:
                    with db.session.begin_nested():
                        _set(table, column, bad, rows[table])
                    taken.append((table, column, bad))
                except IntegrityError:
                    refused.append((table, column))
            for member in enum:
                with db.session.begin_nested() as savepoint:
                    assert _set(table, column, member.value, rows[table]) == 1
                    savepoint.rollback()
        assert taken == []
        assert len(refused) == 3 * len(typed_columns())


def test_columns_read_back_as_members(app, rows):
    with app.app_context():
        assert db.session.get(StaffUser, rows["staff_user"]).role is Role.COMPANY_STAFF
        assert db.session.get(Question, rows["question"]).kind is QuestionKind.KNOWLEDGE
        assert db.session.get(Attempt, rows["attempt"]).kind is AttemptKind.OFFICIAL
        assert db.session.get(RosterImport, rows["roster_import"]).status is ImportStatus.PREVIEW
        delivery = db.session.get(Delivery, rows["delivery"])
        assert (delivery.kind, delivery.channel, delivery.status) == (
            DeliveryKind.REMINDER, Channel.WEBHOOK, DeliveryStatus.PENDING)
        assert type(delivery.status) is DeliveryStatus  # the default, as stored and read back
        case = db.session.get(SupervisionCase, rows["supervision_case"])
        assert case.rule is CaseRule.MANUAL and case.status is CaseStatus.OPEN
        assert db.session.get(FollowUp, rows["follow_up"]).kind is FollowUpKind.VISIT
        assert db.session.get(CaseEvent, rows["case_event"]).kind is CaseEventKind.OPENED
        assert db.session.get(OutreachActivity, rows["outreach_activity"]).kind is OutreachKind.PRESHIFT


def test_the_database_refuses_people_reached_out_of_bounds(app, rows):
    with app.app_context():
        for bad in (-1, 100_001):
            with pytest.raises(IntegrityError):
                with db.session.begin_nested():
                    db.session.execute(text("UPDATE outreach_activity SET people = :n WHERE id = :id"),
                                       {"n": bad, "id": rows["outreach_activity"]})
        db.session.rollback()


def _case(company_id: int, rule: CaseRule, status: CaseStatus = CaseStatus.OPEN) -> SupervisionCase:
    return SupervisionCase(company_id=company_id, rule=rule, reason="figures", opened_on=DAY, status=status)


def test_the_database_refuses_a_second_open_case_for_a_company_and_rule(app, town):
    with app.app_context():
        db.session.add_all([_case(town.company_a, CaseRule.PARTICIPATION),
                            _case(town.company_a, CaseRule.PARTICIPATION, CaseStatus.CLOSED),
                            _case(town.company_a, CaseRule.PARTICIPATION, CaseStatus.CLOSED),
                            _case(town.company_a, CaseRule.KNOWLEDGE), _case(town.company_b, CaseRule.PARTICIPATION)])
        db.session.commit()  # closed cases under the rule, and open ones under other rules and companies
        with pytest.raises(IntegrityError):
            with db.session.begin_nested():
                db.session.add(_case(town.company_a, CaseRule.PARTICIPATION))
        # Reopening a closed case while another is open is refused the same way.
        closed = db.session.scalar(select(SupervisionCase).where(SupervisionCase.status == CaseStatus.CLOSED).limit(1))
        with pytest.raises(IntegrityError):
            with db.session.begin_nested():
                closed.status = CaseStatus.OPEN
                db.session.flush()
        db.session.rollback()
        open_cases = db.session.scalar(select(sa.func.count()).where(
            SupervisionCase.company_id == town.company_a, SupervisionCase.rule == CaseRule.PARTICIPATION,
            SupervisionCase.status == CaseStatus.OPEN))
        assert open_cases == 1


def test_the_migration_downgrades_and_upgrades_again_with_the_rows_in_place(app, rows):
    with app.app_context():
        company_id = db.session.get(SupervisionCase, rows["supervision_case"]).company_id
        db.session.remove()  # no transaction of the test may hold a table the migration copies
        downgrade(revision="0006")
        try:
            # Without the constraints the old schema takes any text, and a second open case.
            assert _set("staff_user", "role", "root", rows["staff_user"]) == 1
            # Written past the model, which has the columns of later revisions (0018: a case's owner).
            db.session.execute(text("INSERT INTO supervision_case (company_id, rule, reason, opened_on, status) "
                                    "VALUES (:company, 'manual', 'figures', :day, 'open')"),
                               {"company": company_id, "day": DAY})
        finally:
            db.session.rollback()
            db.session.remove()
            upgrade()
        with pytest.raises(IntegrityError):
            with db.session.begin_nested():
                _set("staff_user", "role", "root", rows["staff_user"])
        # Tables made after 0007 (the outreach ledger, 0015; the alerts, 0024; leads, 0026; the town's
        # kept imports, 0033) went with the downgrade and came back empty.
        counts = {table: db.session.scalar(text(f"SELECT count(*) FROM {table}")) for table in rows
                  if table not in ("outreach_activity", "alert", "lead", "town_import")}
        assert all(counts.values()), counts
        assert db.session.scalar(text("SELECT role FROM staff_user WHERE id = :id"),
                                 {"id": rows["staff_user"]}) == "company_staff"
