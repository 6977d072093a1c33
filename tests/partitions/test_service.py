"""Answers by month on PostgreSQL (`quizapp partitions`): converting a table with answers loses
nothing, new answers land in their month's partition (or the DEFAULT one until `ensure` makes
their month, which moves them), ensure is idempotent, and the quiz, the rollups, the item analysis
and retention work on the partitioned table. On SQLite the commands refuse and change nothing.

The PostgreSQL test converts a database of its own (created beside the suite's, dropped after),
so the rest of the suite keeps the plain table the migrations make.
"""

from __future__ import annotations

import json
import os
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from flask_migrate import upgrade
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url

from quizapp import create_app
from quizapp.bank.items import analyse_items
from quizapp.extensions import db
from quizapp.models import Answer, Attempt, AuditLog, Company, Employee
from quizapp.partitions import service
from quizapp.retention.service import purge
from quizapp.rollups.service import rebuild_company_day
from tests import factories

URL = os.environ.get("QUIZAPP_TEST_DATABASE_URL") or ""
OLD, MID = date(2025, 1, 15), date(2025, 2, 10)  # before converting
CONVERTED_ON = date(2025, 2, 20)  # month partitions from 2025-03
MARCH, APRIL, SEPTEMBER = date(2025, 3, 10), date(2025, 4, 5), date(2025, 9, 1)


def answers_as_rows() -> list[tuple]:
    return [tuple(r) for r in db.session.execute(
        select(Answer.id, Answer.attempt_id, Answer.local_date, Answer.position, Answer.question_id,
               Answer.question_version_id, Answer.common, Answer.behaviour, Answer.correct, Answer.answered_at)
        .order_by(Answer.id))]


def partition_of(attempt: Attempt) -> set[str]:
    return set(db.session.scalars(text("SELECT DISTINCT tableoid::regclass::text FROM answer WHERE attempt_id = :a"),
                                  {"a": attempt.id}))


@pytest.fixture
def own_database():
    """An app on a PostgreSQL database of its own, with the migrations, a small bank and a town."""
    url = make_url(URL).set(database=f"quizapp_partitions_{os.getpid()}")
    admin = create_engine(make_url(URL), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{url.database}"'))
        connection.execute(text(f'CREATE DATABASE "{url.database}"'))
    app = create_app({"TESTING": True, "SECRET_KEY": "test-secret", "WTF_CSRF_ENABLED": False,
                      "SQLALCHEMY_DATABASE_URI": url.render_as_string(hide_password=False),
                      "RATELIMIT_STORAGE_URI": "memory://", "QUIZAPP_TOWN_SEED": "test-town"})
    try:
        with app.app_context():
            upgrade()
            factories.load_small_bank()
            town = factories.make_town()
            yield app, town
            db.session.rollback()
    finally:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{url.database}"'))
        admin.dispose()


@pytest.mark.postgresql
def test_converting_loses_nothing_and_answers_land_in_their_month(own_database, monkeypatch):
    app, town = own_database
    worker, other = db.session.get(Employee, town.worker_a), db.session.get(Employee, town.worker_b)
    company = db.session.get(Company, town.company_a)
    for day in (OLD, MID):
        factories.take_quiz(worker, day, wrong=1)
        factories.take_quiz(other, day)
    factories.take_quiz(worker, MID, kind="practice", finish=False)  # an unfinished slot (chosen NULL)
    before = answers_as_rows()
    assert len(before) > 20 and not service.partitioned()

    monkeypatch.setattr("quizapp.clock.local_today", lambda: CONVERTED_ON)
    result = app.test_cli_runner().invoke(args=["partitions", "convert", "--ahead", "2"])
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    assert service.partitioned()
    assert answers_as_rows() == before
    assert [(p.name, p.start, p.end) for p in service.partitions()] == [
        ("answer_before_y2025m03", None, date(2025, 3, 1)),
        ("answer_y2025m03", date(2025, 3, 1), date(2025, 4, 1)),
        ("answer_y2025m04", date(2025, 4, 1), date(2025, 5, 1)),
        ("answer_default", None, None)]
    keys = set(db.session.scalars(text(
        "SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = 'answer'::regclass")))
    assert {"PRIMARY KEY (id, local_date)", 'UNIQUE (attempt_id, "position", local_date)'} <= keys
    assert sum(1 for k in keys if k.startswith("FOREIGN KEY")) == 4  # attempt, question, version, alert
    assert app.test_cli_runner().invoke(args=["partitions", "convert"]).exit_code == 2  # only once

    # New quizzes through the real services: each month's answers in its partition, the slot's
    # uniqueness and the ids as before.
    march, april = factories.take_quiz(worker, MARCH, wrong=2), factories.take_quiz(worker, APRIL)
    assert partition_of(march) == {"answer_y2025m03"} and partition_of(april) == {"answer_y2025m04"}
    assert min(a.id for a in march.answers) > max(row[0] for row in before)
    late = factories.take_quiz(other, SEPTEMBER)
    assert partition_of(late) == {"answer_default"}  # no month partition for it yet: the quiz still works
    assert march.score == march.total - 2 and late.finished_at is not None

    # ensure makes the missing months, moves September's answers out of DEFAULT, and is idempotent.
    assert service.ensure(SEPTEMBER, ahead=1) == [f"answer_y2025m{m:02d}" for m in range(5, 11)]
    db.session.commit()
    assert partition_of(late) == {"answer_y2025m09"}
    assert service.ensure(SEPTEMBER, ahead=1) == []
    result = app.test_cli_runner().invoke(args=["partitions", "ensure", "--ahead", "1"])  # today: 2025-02-20
    assert (result.exit_code, result.output.strip()) == (0, "made 0 partition(s)")
    assert "answer_y2025m09" in app.test_cli_runner().invoke(args=["partitions", "list"]).output

    # Reads: the rollup rebuild, the item analysis, the next quiz's review history.
    assert rebuild_company_day(company, MARCH, SEPTEMBER).completed == 1
    assert rebuild_company_day(company, OLD, SEPTEMBER).common_answered > 0
    assert sum(row.stats.workers for row in analyse_items(APRIL, 365) if row.stats) > 0
    assert factories.take_quiz(worker, date(2025, 9, 2)).finished_at is not None

    # Retention a year after April 20th 2025: the converted table and March go whole, April's
    # answers before the 20th row by row; nothing newer is touched.
    kept_before = db.session.scalar(select(func.count(Answer.id)).where(Answer.local_date >= date(2025, 4, 20)))
    gone = db.session.scalar(select(func.count(Answer.id)).where(Answer.local_date < date(2025, 4, 20)))
    whole = db.session.scalar(select(func.count(Answer.id)).where(Answer.local_date < date(2025, 4, 1)))
    purged = purge(date(2026, 4, 20), 12, ZoneInfo("Asia/Shanghai"), datetime(2026, 4, 20, 2),
                   commit_batches=False)
    db.session.commit()
    assert purged.answers == gone
    names = [p.name for p in service.partitions()]
    assert "answer_before_y2025m03" not in names and "answer_y2025m03" not in names and "answer_y2025m04" in names
    assert db.session.scalar(select(func.count(Answer.id))) == kept_before
    assert db.session.scalar(select(func.count(Attempt.id)).where(Attempt.local_date < date(2025, 4, 20))) == 0
    # The drop is the city's audit row (every town's answers went), not any town's.
    [dropped] = db.session.scalars(select(AuditLog).where(AuditLog.action == "partitions.drop")).all()
    assert dropped.town_id is None and dropped.actor_id is None
    detail = json.loads(dropped.detail)
    assert sorted(detail["partitions"]) == ["answer_before_y2025m03", "answer_y2025m03"]
    assert (detail["answers"], detail["before"]) == (whole, "2025-04-20") and whole > 0


@pytest.mark.sqlite
def test_on_sqlite_the_commands_refuse_and_change_nothing(runner, ctx):
    for args in (["convert"], ["ensure", "--ahead", "3"], ["list"]):
        result = runner.invoke(args=["partitions", *args])
        assert result.exit_code == 2 and "need PostgreSQL" in result.output, (args, result.output)
    assert not service.partitioned() and service.partitions() == []
    assert service.drop_before(date(2030, 1, 1)) == ([], 0)
