"""The TownDay rollup (rollups.towns): a town's row of a past day is its companies' CompanyDay rows
added up, written in full by the nightly `quizapp rollup`, moved by a rebuilt company-day and
summed anew when a quiz of a day already over is closed; today is never written."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import select

from quizapp.extensions import db
from quizapp.models import Attempt, Company, CompanyDay, Employee, TownDay
from quizapp.quiz import service as quiz
from quizapp.rollups import towns
from quizapp.rollups.service import rebuild_company_day
from tests.factories import first_town, make_company, make_employee, make_grid, make_town_row, take_quiz

pytestmark = pytest.mark.usefixtures("ctx")

MONDAY = date(2026, 11, 23)
SUNDAY = date(2026, 11, 22)


def day_row(company: Company, day: date, headcount: int, completed: int, workday: bool = True, right: int = 0,
            answered: int = 0) -> None:
    db.session.add(CompanyDay(company_id=company.id, day=day, workday=workday, headcount=headcount,
                              completed=completed, score_sum=0, question_sum=0, common_correct=right,
                              common_answered=answered, behaviour_answered=0, behaviour_yes=0))
    db.session.flush()


def sums(town_id: int, day: date) -> tuple | None:
    db.session.expire_all()  # the writers update the table, not the objects loaded
    row = db.session.get(TownDay, (town_id, day))
    return None if row is None else tuple(getattr(row, name) for name in towns.SUMMED)


def test_a_town_s_day_adds_up_its_companies_capped_and_without_days_off(town):
    a, b = db.session.get(Company, town.company_a), db.session.get(Company, town.company_b)
    other = make_town_row("hm", "虎门镇")
    c = make_company(make_grid("h1", "虎门一", town=other), "hm-c", "丙厂")
    day_row(a, MONDAY, 10, 12, right=7, answered=10)  # more done than the headcount: capped at 10
    day_row(b, MONDAY, 5, 3, right=2, answered=6)
    day_row(c, MONDAY, 8, 4, workday=False, right=1, answered=2)  # a day off expects nothing
    towns.refresh_days([MONDAY])
    assert sums(first_town().id, MONDAY) == (2, 15, 15, 13, 9, 16)
    assert sums(other.id, MONDAY) == (1, 8, 0, 0, 1, 2)
    assert sums(other.id, SUNDAY) is None  # no company-day: no data, no row


def test_a_rebuilt_company_day_moves_its_town_s_row_by_the_difference(town):
    a, b = db.session.get(Company, town.company_a), db.session.get(Company, town.company_b)
    take_quiz(db.session.get(Employee, town.worker_a), MONDAY)  # adds itself to company A's Monday
    day_row(b, MONDAY, 1, 0)
    towns.refresh_days([MONDAY])
    before = sums(first_town().id, MONDAY)
    db.session.get(CompanyDay, (a.id, MONDAY)).completed = 0  # as if a finisher had been lost
    towns.refresh_days([MONDAY])
    assert sums(first_town().id, MONDAY) == (before[0], before[1], before[2], before[3] - 1, *before[4:])
    rebuild_company_day(a, MONDAY, today=MONDAY + timedelta(days=1))
    assert sums(first_town().id, MONDAY) == before
    towns.refresh_days([MONDAY])  # the full sum agrees with the moved row
    assert sums(first_town().id, MONDAY) == before


def test_a_rebuild_makes_no_row_and_never_writes_today(town):
    a = db.session.get(Company, town.company_a)
    take_quiz(db.session.get(Employee, town.worker_a), MONDAY)
    rebuild_company_day(a, MONDAY, today=MONDAY + timedelta(days=1))
    assert sums(first_town().id, MONDAY) is None  # the nightly refresh makes it
    db.session.add(TownDay(town_id=first_town().id, day=MONDAY, companies=0, headcount=0, expected=0, done=0,
                           common_correct=0, common_answered=0))
    rebuild_company_day(a, MONDAY, today=MONDAY)  # today: left alone
    assert sums(first_town().id, MONDAY) == (0,) * 6


def test_a_quiz_closed_after_its_day_is_over_reaches_its_town_s_row(town):
    worker = db.session.get(Employee, town.worker_a)
    attempt = take_quiz(worker, MONDAY, finish=False)  # started, one answer, never finished
    quiz.record_answer(worker, attempt.id, 1, [0], attempt.started_at + timedelta(seconds=20), MONDAY)
    day_row(db.session.get(Company, town.company_b), MONDAY, 1, 1)
    towns.refresh_days([MONDAY])
    before = sums(first_town().id, MONDAY)
    tuesday = datetime(2026, 11, 24, 1, 0)  # 09:00 local the next day: the worker comes back
    assert quiz.close_if_expired(db.session.get(Attempt, attempt.id), tuesday, tuesday.date())
    db.session.flush()
    after = sums(first_town().id, MONDAY)
    assert before[:4] == (1, 1, 1, 1) and after[:4] == (2, 3, 3, 2)  # company A's day (2 workers), 1 done
    towns.refresh_days([MONDAY])
    assert sums(first_town().id, MONDAY) == after


def test_the_nightly_rollup_writes_every_town_s_day(app, town, runner):
    other = make_town_row("hm", "虎门镇")
    c = make_company(make_grid("h1", "虎门一", town=other), "hm-c", "丙厂")
    make_employee(c, "C001", "陈一")
    db.session.commit()
    result = runner.invoke(args=["rollup", "--date", MONDAY.isoformat()])
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    rows = {r.town_id: (r.companies, r.headcount) for r in db.session.scalars(select(TownDay))}
    assert rows == {first_town().id: (2, 3), other.id: (1, 1)}
