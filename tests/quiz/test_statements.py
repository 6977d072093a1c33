"""How many SQL statements each step of the worker's quiz runs: a guard against the hot path
growing again (statement counts, never timings). The answer request runs at every shift start for
every worker, several times a quiz; the counts below are what the code needs, not a target to tune.

Every statement the database driver executes is counted (the user loader's included); a
transaction's BEGIN and COMMIT are not statements here.
"""

from __future__ import annotations

import re
from contextlib import contextmanager

from sqlalchemy import event

from quizapp.extensions import db
from quizapp.models import Attempt, CompanyDay
from tests.pages import sign_in_worker

# An answer: who is signed in (with the company), the slot, claiming it, counting it on the
# attempt; then its feedback: the attempt's slots with their texts (the worker and company read
# before the commit are not read again).
ANSWER = 5
# The answer that finishes a quiz also closes the attempt, counts its first tries at the common set
# and adds it to the company's day (an UPDATE; the day's first finisher inserts the row instead:
# reading the company's workdays and an upsert).
LAST_ANSWER = ANSWER + 3
FIRST_OF_THE_DAY = LAST_ANSWER + 2


@contextmanager
def counted(app):
    """Yield a list that collects the SQL of every statement run meanwhile."""
    statements: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", record)


def started(client, town) -> tuple[str, int]:
    """Sign worker A in and start today's quiz: the attempt's path and its number of slots."""
    sign_in_worker(client, town.code_a, town.worker_a_no)
    attempt_path = client.post("/today/start", data={"kind": "official"}).location.split("/q/")[0]
    with client.application.app_context():
        slots = db.session.get(Attempt, int(attempt_path.rsplit("/", 1)[1])).slots
    return attempt_path, slots


def test_each_answer_runs_five_statements_and_the_last_one_three_more(app, client, town):
    attempt_path, slots = started(client, town)
    for position in range(1, slots + 1):
        with counted(app) as statements:
            response = client.post(f"{attempt_path}/q/{position}", data={"choice": "0"})
        assert response.status_code == 200
        expected = ANSWER if position < slots else FIRST_OF_THE_DAY
        assert len(statements) == expected, (position, statements)


def test_a_later_finisher_of_the_day_adds_to_its_row_in_one_statement(app, client, town):
    attempt_path, slots = started(client, town)
    with app.app_context():  # another worker of the company finished earlier today
        day = db.session.get(Attempt, int(attempt_path.rsplit("/", 1)[1])).local_date
        db.session.add(CompanyDay(company_id=town.company_a, day=day, workday=True, headcount=2,
                                  completed=1, score_sum=3, question_sum=5))
        db.session.commit()
    for position in range(1, slots):
        client.post(f"{attempt_path}/q/{position}", data={"choice": "0"})
    with counted(app) as statements:
        client.post(f"{attempt_path}/q/{slots}", data={"choice": "0"})
    assert len(statements) == LAST_ANSWER, statements
    with app.app_context():
        assert db.session.get(CompanyDay, (town.company_a, day)).completed == 2


def test_a_resent_answer_reads_and_changes_nothing(app, client, town):
    attempt_path, _ = started(client, town)
    client.post(f"{attempt_path}/q/1", data={"choice": "0"})
    with counted(app) as statements:
        client.post(f"{attempt_path}/q/1", data={"choice": "0"})
    assert len(statements) == 3, statements  # who is signed in, the slot, the feedback's attempt
    assert not any(re.match(r"\s*(UPDATE|INSERT|DELETE)", s) for s in statements)


def test_starting_inserts_the_slots_in_one_statement(app, client, town):
    sign_in_worker(client, town.code_a, town.worker_a_no)
    with counted(app) as statements:
        client.post("/today/start", data={"kind": "official"})
    inserts = [s for s in statements if s.lstrip().startswith("INSERT")]
    assert [re.match(r"INSERT INTO (\w+)", s).group(1) for s in inserts] == ["attempt", "answer"]
    # who is signed in with the company, today's attempt (none), the bank, the worker's history, a
    # 本周警情 alert for the grid, the chosen versions; the attempt in a savepoint; the slots; the
    # slots read back for the first question's address.
    assert len(statements) == 11, statements


def test_the_result_page_reads_without_writing_or_reading_twice(app, client, town):
    attempt_path, slots = started(client, town)
    for position in range(1, slots + 1):
        client.post(f"{attempt_path}/q/{position}", data={"choice": "0"})
    with counted(app) as statements:
        response = client.get(f"{attempt_path}/result")
    assert response.status_code == 200
    assert not any(re.match(r"\s*(UPDATE|INSERT|DELETE|SAVEPOINT)", s) for s in statements), statements
    # who is signed in with the company; the attempt with its answers and their versions; the
    # streak; the questions' topics for the lesson card
    assert len(statements) == 4, statements


def test_a_question_page_reads_the_attempt_in_one_statement(app, client, town):
    attempt_path, _ = started(client, town)
    with counted(app) as statements:
        response = client.get(f"{attempt_path}/q/1")
    assert response.status_code == 200
    # who is signed in with the company; the attempt with its answers and their texts
    assert len(statements) == 2, statements


def test_a_right_pin_reads_the_worker_once(app, client, town):
    with counted(app) as statements:
        response = sign_in_worker(client, town.code_a, town.worker_a_no)
    assert response.status_code == 302 and response.location.endswith("/today")
    # the company by its code, the worker by number, claiming a try, clearing the counters; the
    # commit keeps both loaded, so the session cookie is written without reading them again.
    assert len(statements) == 4, statements


def test_the_health_check_and_static_files_load_nobody(app, client, town):
    sign_in_worker(client, town.code_a, town.worker_a_no)
    with counted(app) as statements:
        client.get("/healthz").close()
        client.get("/static/css/app.css").close()
    assert statements == ["SELECT 1"]


def test_the_rate_limiter_resolves_no_limits_for_the_quiz(app, client, town, monkeypatch):
    """The quiz blueprint is exempt from every limit: Flask-Limiter's before-request work is skipped
    there (and for static files and the health check), not done to find nothing."""
    import flask_limiter

    resolved = []
    original = flask_limiter.Limiter._check_request_limit

    def spy(self, callable_name=None, in_middleware=True):
        from flask import request
        resolved.append(request.endpoint)
        return original(self, callable_name, in_middleware)

    monkeypatch.setattr(flask_limiter.Limiter, "_check_request_limit", spy)
    attempt_path, _ = started(client, town)
    resolved.clear()
    client.post(f"{attempt_path}/q/1", data={"choice": "0"})
    client.get(f"{attempt_path}/q/1")
    client.get("/healthz")
    client.get("/static/css/app.css").close()
    assert resolved == []
    client.get(f"/c/{town.code_a}")  # signing in is limited: still checked
    assert resolved and set(resolved) == {"auth.company"}
