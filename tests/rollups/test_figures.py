"""Reading the figures (rollups.figures): the rollup's SQL sums follow metrics.day_tally, a past day
without a row has no data, and today is read live, exactly as the console's board counts it."""

import ast
import itertools
import random
from datetime import date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select, update

import quizapp
from quizapp.board import service as board
from quizapp.extensions import db
from quizapp.models import Attempt, Company, CompanyDay, Employee, StaffUser
from quizapp.quiz import service as quiz
from quizapp.rollups import figures
from quizapp.rules import metrics
from quizapp.rules.metrics import Span, Tally
from tests.factories import make_employee, right_choice, take_quiz

pytestmark = pytest.mark.usefixtures("ctx")

TODAY = date(2026, 11, 24)  # a Tuesday
NOW = datetime.combine(TODAY, time(12))  # the moment read: 20:00 in the town


def scope_of(company: Company) -> figures.Scope:
    return figures.Scope([figures.CompanyInfo(company.id, company.name, company.grid_id, "", company.workdays)],
                         [company.id])


def test_the_rollups_sql_sums_are_metrics_day_tally_added_up(town):
    company = db.session.get(Company, town.company_a)
    rng = random.Random(10)
    expected = Tally()
    for back in range(1, 41):
        if rng.random() < 0.2:
            continue  # a night without a row: no data
        workday, heads = rng.random() < 0.85, rng.randint(0, 12)
        done, answered = rng.randint(0, 15), rng.randint(0, 20)
        right = rng.randint(0, answered)
        db.session.add(CompanyDay(company_id=company.id, day=TODAY - timedelta(days=back), workday=workday,
                                  headcount=heads, completed=done, common_correct=right, common_answered=answered))
        expected = expected + metrics.day_tally(workday, heads, done, right, answered)
    db.session.flush()
    span = Span(TODAY - timedelta(days=40), TODAY - timedelta(days=1))
    assert figures.period_tallies(scope_of(company), span, TODAY, NOW)[company.id] == expected
    by_day = figures.days_of(scope_of(company), span, TODAY, NOW)
    assert metrics.total(d.tally for d in by_day) == expected and len(by_day) == expected.days


def test_a_past_day_without_a_row_is_left_out_and_today_always_counts(town):
    company = db.session.get(Company, town.company_a)  # two active workers
    db.session.add(CompanyDay(company_id=company.id, day=TODAY - timedelta(days=2), workday=True, headcount=2,
                              completed=2))
    db.session.flush()
    tally = figures.period_tallies(scope_of(company), metrics.trailing(TODAY, 7), TODAY, NOW)[company.id]
    # The 2nd day back (2 of 2) and today (2 expected, none done yet); the 5 other days have no data.
    assert tally == Tally(4, 2, 0, 0, 2) and tally.participation == 0.5


def test_today_is_the_boards_count_to_the_digit(town):
    company = db.session.get(Company, town.company_a)
    late = make_employee(company, "A030", "孙迟到", team="二车间")
    take_quiz(db.session.get(Employee, town.worker_a), TODAY)
    slow = take_quiz(late, TODAY, finish=False)  # started at 00:30, one answer, never came back
    first = slow.answers[0]
    quiz.record_answer(late, slow.id, first.position, right_choice(first), datetime.combine(TODAY, time(0, 31)),
                       TODAY)
    away = make_employee(company, "A032", "吴走开")
    take_quiz(away, TODAY, finish=False)  # started at 00:30, no answer, never came back: not done
    gone = make_employee(company, "A031", "周离职")
    take_quiz(gone, TODAY)
    gone.active = False  # left after doing today's quiz: counted neither as expected nor done
    db.session.commit()
    staff = db.session.scalar(select(StaffUser).where(StaffUser.username == "staff-a"))
    for now in (datetime.combine(TODAY, time(0, 31)), datetime.combine(TODAY, time(9))):
        on_board = board.today_board(staff, TODAY, now, ZoneInfo("Asia/Shanghai")).board.total
        live = figures.live_today(scope_of(company), TODAY, now)[company.id]
        assert (live.headcount, live.done, live.in_progress) == (on_board.expected, on_board.done,
                                                                 on_board.in_progress)
        today = figures.today_tallies(scope_of(company), TODAY, now)[company.id]
        assert (today.expected, today.done) == (on_board.expected, on_board.done)
    # The late one's time ran out with an answer given: done; the one who walked away is not.
    assert (live.headcount, live.done, live.in_progress) == (4, 2, 1)


def test_every_moment_read_is_given_never_defaulted():
    """One definition of done (docs/metrics.md, "Done"): rollups.figures.done(now), finished or
    timed out by `now`. A `now` that defaulted (to None: finished ones only) would be a second
    definition behind the default, so no function of quizapp takes a moment it may be left without."""
    optional = []
    root = Path(quizapp.__file__).parent
    for path in sorted(root.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                continue
            args = node.args
            positional = args.posonlyargs + args.args
            defaults = [None] * (len(positional) - len(args.defaults)) + list(args.defaults)
            for arg, default in [*zip(positional, defaults, strict=True),
                                  *zip(args.kwonlyargs, args.kw_defaults, strict=True)]:
                annotation = ast.unparse(arg.annotation) if arg.annotation else ""
                if arg.arg == "now" and "datetime" in annotation and (default is not None or annotation != "datetime"):
                    optional.append(f"{path.relative_to(root)}:{node.lineno} {node.name}")
    assert optional == []


def test_done_in_sql_is_metrics_quiz_done(town):
    """rollups.figures.done is metrics.quiz_done: finished, or its time ran out, with an answer given."""
    attempt = take_quiz(db.session.get(Employee, town.worker_a), TODAY, finish=False)
    for finished, ran_out, answered in itertools.product((False, True), (False, True), (0, 1, 5)):
        deadline = NOW + timedelta(minutes=-10 if ran_out else 3)
        db.session.execute(update(Attempt).where(Attempt.id == attempt.id).values(
            answered=answered, deadline_at=deadline, finished_at=deadline if finished else None))
        found = db.session.scalar(select(figures.done(NOW)).where(Attempt.id == attempt.id))
        assert bool(found) == metrics.quiz_done(finished, ran_out, answered) == (
            answered > 0 and (finished or ran_out)), (finished, ran_out, answered)
