"""A worker who comes back (roster.service.set_active, a roster import): the days they were away are
kept (EmployeeAbsence) and stay not counted, so no past day's figure moves. A day in the gap rebuilt
after the return has the headcount and participation it had before it; the days outside count the
worker as always; the trends page's teams and shifts and the exports add up to the company's rows."""

from datetime import date, datetime, time, timedelta

import pytest
from sqlalchemy import select

from quizapp.exports import service as exports
from quizapp.extensions import db
from quizapp.models import Company, CompanyDay, Employee, EmployeeAbsence, StaffUser
from quizapp.rollups.service import rebuild_company_day
from quizapp.roster import service as roster
from quizapp.roster.sheets import preview_rows
from quizapp.rules.metrics import Span
from quizapp.trends import service as trends
from tests.factories import take_quiz

pytestmark = pytest.mark.usefixtures("ctx")

TODAY = date(2026, 11, 28)  # a Saturday; the companies work Monday to Saturday
NOW = datetime.combine(TODAY, time(12, 0))  # 20:00 in the town: after every quiz of a test
LEFT = date(2026, 11, 9)  # a Monday: 钱二 (二车间) is deactivated
BACK = date(2026, 11, 23)  # a Monday: 钱二 is reactivated; away 11-09 to 11-22
GAP_DAY = date(2026, 11, 12)
BEFORE, AFTER = date(2026, 11, 5), date(2026, 11, 25)


def staff() -> StaffUser:
    return db.session.scalar(select(StaffUser).where(StaffUser.username == "staff-a"))


def nightly(company: Company, first: date, last: date) -> None:
    """The nightly rollup of each day from first to last, run the night after it."""
    day = first
    while day <= last:
        rebuild_company_day(company, day, day + timedelta(days=1))
        day += timedelta(days=1)
    db.session.commit()


def rows(company: Company, first: date, last: date) -> dict[date, tuple[int, int]]:
    return {r.day: (r.headcount, r.completed) for r in db.session.scalars(select(CompanyDay).where(
        CompanyDay.company_id == company.id, CompanyDay.day >= first, CompanyDay.day <= last))}


@pytest.fixture
def story(floor):
    """钱二 (A011, alone in 二车间) took a quiz on 11-05, was deactivated on 11-09 and brought back on
    11-23, and took one on 11-25; 王小明 took one in the gap. The rollup ran every night of it."""
    company = floor["a"].company
    take_quiz(floor["a3"], BEFORE)
    take_quiz(floor["a"], GAP_DAY)
    take_quiz(floor["a2"], BEFORE)
    nightly(company, TODAY - timedelta(days=29), LEFT - timedelta(days=1))
    roster.set_active(staff(), floor["a3"], False, LEFT)
    db.session.commit()
    nightly(company, LEFT, BACK - timedelta(days=1))
    written = rows(company, TODAY - timedelta(days=29), BACK - timedelta(days=1))
    away = roster.set_active(staff(), floor["a3"], True, BACK)
    db.session.commit()
    take_quiz(floor["a3"], AFTER)
    nightly(company, BACK, TODAY - timedelta(days=1))
    return company, written, away


def test_coming_back_records_the_days_away_and_a_rebuild_of_them_keeps_their_figures(floor, story):
    company, written, away = story
    assert away == Span(LEFT, BACK - timedelta(days=1))
    assert roster.absences(floor["a3"]) == [away]
    # The days before the return, as the nightly rollup wrote them: 4 workers before 11-09, 3 in the gap.
    assert written[BEFORE] == (4, 2) and written[GAP_DAY] == (3, 1)
    # `quizapp rollup --date D` after the return (a day in the gap, a day before it): the same figures.
    for day in (GAP_DAY, BEFORE, LEFT, BACK - timedelta(days=1)):
        row = rebuild_company_day(company, day, TODAY)
        assert (row.headcount, row.completed) == written[day], day
    db.session.commit()
    assert rows(company, TODAY - timedelta(days=29), BACK - timedelta(days=1)) == written
    # From the return on, they count again.
    assert rows(company, BACK, TODAY)[AFTER] == (4, 1)
    assert rows(company, BACK, TODAY)[BACK] == (4, 0)


def test_the_trends_teams_shifts_and_exports_leave_the_worker_out_on_the_days_away(floor, story):
    company, written, away = story
    result = trends.company_trends(staff(), TODAY, 30, NOW)
    days = {d.day: d for d in result.company.days}
    assert (days[GAP_DAY].headcount, days[GAP_DAY].participation) == (3, 1 / 3)  # as before the return
    # The teams and the shifts add up to the company, every day.
    for groups in (result.teams, result.shifts):
        assert sum(s.expected for s in groups) == result.company.expected
        for index, day in enumerate(result.company.days):
            assert sum(s.days[index].headcount for s in groups) == day.headcount or not day.has_data, day.day
    [second] = [s for s in result.teams if s.name == "二车间"]
    heads = {d.day: d.headcount for d in second.days}
    assert heads[LEFT - timedelta(days=1)] == 1 and heads[GAP_DAY] == 0 and heads[BACK] == 1
    # The exports: the by-team rows are the trends page's; each worker's expected adds up to the company's.
    by_team = exports.build(staff(), "by-team", TODAY, 30, NOW).rows
    assert {s.name: s.expected for s in by_team} == {s.name: s.expected for s in result.teams}
    by_worker = {r.employee_no: r for r in exports.build(staff(), "by-worker", TODAY, 30, NOW).rows}
    assert sum(r.expected for r in by_worker.values()) == result.company.expected
    workdays = [d.day for d in result.company.days if d.has_data and d.workday]
    assert by_worker["A011"].expected == sum(1 for d in workdays if not away.contains(d))
    assert by_worker["A011"].expected < by_worker["A010"].expected == len(workdays)
    assert (by_worker["A011"].done, by_worker["A011"].active) == (2, True)


def test_deactivated_and_back_the_same_day_records_nothing(floor):
    assert roster.set_active(staff(), floor["a3"], False, TODAY) is None
    assert roster.set_active(staff(), floor["a3"], True, TODAY) is None
    assert roster.absences(floor["a3"]) == [] and floor["a3"].active and floor["a3"].active_until is None


def test_a_worker_already_in_that_state_is_left_as_they_are(floor):
    worker = floor["a3"]
    roster.set_active(staff(), worker, False, LEFT)
    generation = worker.session_generation
    assert roster.set_active(staff(), worker, False, BACK) is None  # deactivated again: the day stays
    assert (worker.active, worker.active_until, worker.session_generation) == (False, LEFT, generation)
    roster.set_active(staff(), worker, True, BACK)
    assert roster.set_active(staff(), worker, True, TODAY) is None  # on the roster: nothing to come back from
    assert len(roster.absences(worker)) == 1


def test_a_passed_leaving_date_cleared_records_the_days_after_it_and_deactivating_keeps_it(floor):
    worker, other = floor["a3"], floor["a2"]
    worker.active_until = other.active_until = date(2026, 11, 10)  # left on 11-10: counted through it
    db.session.flush()
    assert roster.comes_back(worker, TODAY) and roster.away_if_back(worker, TODAY) == Span(
        date(2026, 11, 11), TODAY - timedelta(days=1))
    assert roster.set_active(staff(), worker, True, TODAY) == Span(date(2026, 11, 11), TODAY - timedelta(days=1))
    assert (worker.active, worker.active_until) == (True, None)
    # Deactivating a worker whose leaving date passed: still counted through it, no day more.
    roster.set_active(staff(), other, False, TODAY)
    assert (other.active, other.active_until) == (False, date(2026, 11, 11))


def csv(*lines: str) -> bytes:
    return ("工号,姓名,班组,班次\n" + "\n".join(lines) + "\n").encode("utf-8-sig")


def test_an_import_that_brings_a_worker_back_records_the_days_away_and_the_preview_names_them(app, floor,
                                                                                               monkeypatch):
    actor = staff()
    roster.set_active(actor, floor["a3"], False, LEFT)
    floor["a2"].active_until = date(2026, 11, 20)  # 赵一 (A010) left on 11-20 and is not in the file
    db.session.commit()
    record = roster.start_import(actor, "r.csv", csv("A001,王小明,,", "A002,张新来,,", "A011,钱二,,"), NOW)
    plan = roster.plan_for(record)
    [change] = plan.changed
    assert change.reactivates and change.away(BACK) == Span(LEFT, BACK - timedelta(days=1))
    monkeypatch.setitem(app.config, "BABEL_DEFAULT_LOCALE", "en")
    with app.test_request_context("/"):
        notes = [r[-1] for r in preview_rows(plan, [], BACK) if r[2] == "A011"]
    assert "Away from 2026-11-09 to 2026-11-22: those days stay not counted." in notes
    roster.apply_import(actor, record.id, plan.fingerprint(), True, BACK, NOW)
    db.session.commit()
    assert roster.absences(floor["a3"]) == [Span(LEFT, BACK - timedelta(days=1))]
    worker = db.session.get(Employee, floor["a3"].id)
    assert (worker.active, worker.active_until) == (True, None)
    # 赵一, not in the file, is deactivated still counted through their leaving date, no day more;
    # and the import wrote no other absence.
    assert db.session.get(Employee, floor["a2"].id).active_until == date(2026, 11, 21)
    assert len(db.session.scalars(select(EmployeeAbsence.id)).all()) == 1
