"""The town admin's home: today's done, in progress and headcount per company, and the query plan of
the statement that counts today's attempts (an index reads today's rows only, on SQLite and on
PostgreSQL)."""

import json
import re
from datetime import date, datetime, time, timedelta

import pytest
from sqlalchemy import event, func, select

from quizapp.extensions import db
from quizapp.models import Attempt, Employee, StaffUser
from quizapp.quiz import service as quiz
from quizapp.town import service
from tests.factories import take_quiz

pytestmark = pytest.mark.usefixtures("ctx")

TODAY = date(2026, 11, 24)  # a Tuesday
NOW = datetime.combine(TODAY, time(12))  # the moment read: 20:00 in the town
INDEX = "ix_attempt_company_day"


def staff(username: str) -> StaffUser:
    return db.session.scalar(select(StaffUser).where(StaffUser.username == username))


def test_today_counts_finished_and_open_official_quizzes_of_today_only(town):
    worker_a, worker_b = db.session.get(Employee, town.worker_a), db.session.get(Employee, town.worker_b)
    take_quiz(worker_a, TODAY - timedelta(days=1))  # yesterday's: not today's
    take_quiz(worker_a, TODAY)
    take_quiz(worker_a, TODAY, kind="practice")  # practice never counts
    slow = take_quiz(worker_b, TODAY, finish=False)  # started at 00:30 (UTC), not finished
    quiz.record_answer(worker_b, slow.id, 1, [0], datetime.combine(TODAY, time(0, 31)), TODAY)  # one answer
    in_time = datetime.combine(TODAY, time(0, 32))
    rows = {r.company.id: r for r in service.today_by_company(staff("admin"), TODAY, in_time)}
    a, b = rows[town.company_a], rows[town.company_b]
    assert (a.headcount, a.done, a.in_progress) == (2, 1, 0)
    assert (b.headcount, b.done, b.in_progress) == (1, 0, 1)  # still within its time
    assert a.participation == 0.5
    # Once its time has run out it is done (an answer was given), before the worker comes back or the
    # nightly job closes it.
    b = next(r for r in service.today_by_company(staff("admin"), TODAY, NOW) if r.company.id == town.company_b)
    assert (b.headcount, b.done, b.in_progress) == (1, 1, 0)


def test_an_officer_s_home_figures_cover_their_grids_only(town):
    assert [r.company.id for r in service.today_by_company(staff("officer-1"), TODAY, NOW)] == [town.company_a]


# --- the query plan -------------------------------------------------------------------------------

def statements_run(call) -> list[tuple[str, object]]:
    """Every (SQL, parameters) the call sends to the database, as the driver receives them."""
    seen = []

    def record(conn, cursor, statement, parameters, context, executemany):
        seen.append((statement, parameters))

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        call()
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
    return seen


def plan(statement: str, parameters) -> tuple[str, list]:
    """The database's plan for one statement with its parameters: SQLite's EXPLAIN QUERY PLAN rows,
    or PostgreSQL's plan tree as JSON with sequential scans switched off for this transaction (on
    tables this small the planner would rightly prefer one: the question is whether the index can
    serve the query)."""
    connection = db.session.connection()
    dialect = connection.dialect.name
    if dialect == "sqlite":
        rows = connection.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters).all()
        return dialect, [row[3] for row in rows]
    connection.exec_driver_sql("SET LOCAL enable_seqscan = off")
    raw = connection.exec_driver_sql("EXPLAIN (FORMAT JSON) " + statement, parameters).scalar()
    tree = raw if isinstance(raw, list) else json.loads(raw)
    nodes, stack = [], [tree[0]["Plan"]]
    while stack:
        node = stack.pop()
        nodes.append(node)
        stack.extend(node.get("Plans", []))
    return dialect, nodes


def reads_today_through_the_index(dialect: str, steps: list) -> bool:
    """True when attempt is read through (company_id, local_date) with both columns bound, and never
    scanned whole or through company_id alone (a company's whole history)."""
    if dialect == "sqlite":
        pattern = re.compile(rf"SEARCH attempt USING (COVERING )?INDEX {INDEX} \(company_id=\? AND local_date=\?\)")
        return (any(pattern.fullmatch(step) for step in steps)
                and not any(step.startswith("SCAN attempt") for step in steps))
    scans = [n for n in steps if n.get("Relation Name") == "attempt" or n.get("Index Name") == INDEX]
    return (not any(n["Node Type"] == "Seq Scan" for n in scans)
            and any(n.get("Index Name") == INDEX and "local_date" in n.get("Index Cond", "") for n in scans))


def test_the_admin_home_reads_today_s_attempts_through_an_index(town):
    take_quiz(db.session.get(Employee, town.worker_a), TODAY)
    run = statements_run(lambda: service.today_by_company(staff("admin"), TODAY, NOW))
    on_attempt = [(sql, params) for sql, params in run if re.search(r"\bFROM attempt\b", sql)]
    assert len(on_attempt) == 1  # done and in progress in one pass
    dialect, steps = plan(*on_attempt[0])
    assert reads_today_through_the_index(dialect, steps), steps


def test_the_plan_check_tells_a_whole_history_read_apart(town):
    """The check above can fail: official_date, which the old query filtered on, is in no index
    with company_id, so that query read each company's whole history."""
    ids = [town.company_a, town.company_b]
    old = (select(Attempt.company_id, func.count()).where(
        Attempt.company_id.in_(ids), Attempt.official_date == TODAY, Attempt.finished_at.is_not(None))
        .group_by(Attempt.company_id))
    run = statements_run(lambda: db.session.execute(old).all())
    dialect, steps = plan(*run[-1])
    assert not reads_today_through_the_index(dialect, steps), steps
