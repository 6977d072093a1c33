"""The grid dashboard, the comparison and the town view as use cases (dashboard.service): figures
from the rollup, scoping to the account's grids, and the rollup staying right after a late answer
or a roster change."""

from datetime import date, datetime, time, timedelta

import pytest
from sqlalchemy import select

from quizapp.comparison.rules import DashboardQuery
from quizapp.dashboard import service as dashboard
from quizapp.extensions import db
from quizapp.models import Attempt, Company, CompanyDay, Employee, Grid, Incident, StaffUser, TownSetting
from quizapp.quiz import service as quiz
from quizapp.rollups.service import rebuild_company_day
from tests.factories import first_town, make_staff

pytestmark = pytest.mark.usefixtures("ctx")

TODAY = date(2026, 11, 24)  # a Tuesday; company A works Monday to Saturday
NOW = datetime.combine(TODAY, time(12))  # the moment read: 20:00 in the town


def staff(username: str) -> StaffUser:
    return db.session.scalar(select(StaffUser).where(StaffUser.username == username))


def officer_of_grid_2() -> StaffUser:
    grid2 = db.session.scalar(select(Grid).where(Grid.code == "g2"))
    officer = make_staff("officer-2", "grid_officer", grids=[grid2])
    db.session.commit()
    return officer


def day_row(company_id: int, day: date, headcount: int, done: int, common_right: int = 0, common_answered: int = 0,
            workday: bool = True) -> None:
    db.session.add(CompanyDay(company_id=company_id, day=day, workday=workday, headcount=headcount, completed=done,
                              score_sum=done * 4, question_sum=done * 5, common_correct=common_right,
                              common_answered=common_answered))


# Company A's second week: (day, done); 2 active workers each day, Sunday 22nd off, today not yet in.
WEEK = [(16, 2), (17, 1), (18, 2), (19, 2), (20, 1), (21, 1), (23, 2)]


def a_history(town) -> None:
    for day, done in WEEK:
        day_row(town.company_a, date(2026, 11, day), 2, done, common_right=done, common_answered=2 * done)
    day_row(town.company_a, date(2026, 11, 22), 2, 0, workday=False)
    day_row(town.company_a, date(2026, 10, 20), 2, 1, common_right=0, common_answered=2)  # the previous 30 days
    db.session.flush()


def line(rows, company_id):
    return next(r for r in rows if r.company_id == company_id)


def test_figures_come_from_the_rollup_and_today_is_read_live(town):
    a_history(town)
    a = line(dashboard.company_figures(staff("officer-1"), TODAY, NOW), town.company_a)
    assert a.headcount == 2 and a.workday_today
    # Today is read from the roster: 2 expected and 0 done; a big company could not hide its non-starters.
    assert a.today.participation == 0 and a.today.days == 1
    assert a.last7.participation == 8 / 12  # Wed-Mon rows (2 expected each) plus today's 2
    assert a.last30.participation == 11 / 16  # 7 workdays with rows, plus today
    assert a.last30.knowledge == 0.5
    assert a.previous30.participation == 0.5 and a.previous30.knowledge == 0
    assert a.participation_trend == 19 and a.knowledge_trend == 50  # 69% - 50%, 50% - 0%: points as printed


def test_coverage_counts_workers_with_a_done_official_quiz_in_30_days(town):
    a_history(town)
    start = datetime(2026, 11, 20, 0, 30)
    a002 = db.session.scalar(select(Employee.id).where(Employee.employee_no == "A002"))
    for worker, kind, official_date, started, finished, answered in (
            (town.worker_a, "official", date(2026, 11, 20), start, start, 5),
            (a002, "practice", None, start, start, 5),
            (a002, "official", TODAY, NOW - timedelta(minutes=2), None, 1)):  # today's, one answer, time running
        db.session.add(Attempt(employee_id=worker, company_id=town.company_a, local_date=official_date or start.date(),
                               kind=kind, official_date=official_date, started_at=started,
                               deadline_at=started + timedelta(minutes=5), finished_at=finished, total=5, slots=5,
                               answered=answered))
    db.session.flush()
    a = line(dashboard.company_figures(staff("officer-1"), TODAY, NOW), town.company_a)
    # Worker A finished one; worker A002 only practised, and their official quiz is still in progress.
    assert a.reached30 == 1 and a.coverage == 0.5
    # Once its time has run out it is done with the answer given, unfinished or not (docs/metrics.md,
    # "Done"), as participation counts it: A002 is covered too.
    later = line(dashboard.company_figures(staff("officer-1"), TODAY, NOW + timedelta(minutes=4)), town.company_a)
    assert later.reached30 == 2 and later.coverage == 1.0
    assert later.today.done == a.today.done + 1


def test_officers_see_the_companies_of_their_grids_and_the_admin_sees_all(town):
    a_history(town)
    assert [r.name for r in dashboard.company_figures(staff("officer-1"), TODAY, NOW)] == ["甲厂"]
    assert [r.name for r in dashboard.company_figures(officer_of_grid_2(), TODAY, NOW)] == ["乙厂"]
    assert sorted(r.name for r in dashboard.company_figures(staff("admin"), TODAY, NOW)) == ["乙厂", "甲厂"]
    grid2 = db.session.scalar(select(Grid.id).where(Grid.code == "g2"))
    assert [r.name for r in dashboard.company_figures(staff("admin"), TODAY, NOW, grid2)] == ["乙厂"]


def test_months_without_a_case_come_from_the_companys_incidents(town):
    a_history(town)
    grid1 = db.session.get(Company, town.company_a).grid_id
    db.session.add_all([
        Incident(grid_id=grid1, company_id=town.company_a, month=date(2026, 8, 1), fraud_type="shuadan", cases=2),
        Incident(grid_id=grid1, company_id=town.company_a, month=date(2026, 10, 1), fraud_type="other", cases=0),
        Incident(grid_id=grid1, company_id=None, month=date(2026, 11, 1), fraud_type="other", cases=5)])
    db.session.flush()
    rows = dashboard.company_figures(staff("admin"), TODAY, NOW)
    assert line(rows, town.company_a).months_without_case == 3  # the October record had no case
    assert line(rows, town.company_b).last_case_month is None  # whole-grid records are not the company's


def test_the_target_comes_from_the_town_setting_and_marks_companies_below_it(town):
    a_history(town)
    query = DashboardQuery()
    assert dashboard.grid_dashboard(staff("officer-1"), TODAY, query, NOW).target == 0.8
    db.session.add(TownSetting(town_id=first_town().id, key="participation_target", value={"value": 0.6}))
    db.session.flush()
    view = dashboard.grid_dashboard(staff("officer-1"), TODAY, query, NOW)
    assert view.target == 0.6 and view.below == 0  # 11/16 is above 60%
    assert dashboard.grid_dashboard(staff("officer-1"), TODAY, DashboardQuery(below=True), NOW).page.rows == []
    db.session.get(TownSetting, (first_town().id, "participation_target")).value = {"value": 70}
    db.session.flush()
    view = dashboard.grid_dashboard(staff("officer-1"), TODAY, DashboardQuery(below=True), NOW)
    assert view.below == 1 and [r.name for r in view.page.rows] == ["甲厂"]


def test_a_grid_outside_the_officers_grids_is_refused(town):
    grid2 = db.session.scalar(select(Grid.id).where(Grid.code == "g2"))
    assert dashboard.grid_dashboard(staff("officer-1"), TODAY, DashboardQuery(grid=grid2), NOW) is None
    assert dashboard.grid_dashboard(staff("admin"), TODAY, DashboardQuery(grid=grid2), NOW).companies == 1


def right_choice(slot) -> list[int]:
    return [pos for pos, idx in enumerate(slot.choice_order) if idx in slot.version.content["answer"]]


def test_a_late_answer_and_a_roster_change_leave_the_rebuilt_rollup_and_the_dashboard_right(town):
    company = db.session.get(Company, town.company_a)
    monday = date(2026, 11, 23)  # a workday
    rebuild_company_day(company, monday, TODAY)  # the nightly job ran: nobody had finished
    for day, done in WEEK[:-1]:
        day_row(town.company_a, date(2026, 11, day), 2, done)
    db.session.flush()
    before = line(dashboard.company_figures(staff("officer-1"), TODAY, NOW), town.company_a)
    assert before.last7.done == 6 and before.last7.expected == 12

    # Worker A's quiz of the 23rd is finished late (its last answer arrives after the nightly job).
    worker = db.session.get(Employee, town.worker_a)
    started = datetime(2026, 11, 23, 0, 30)
    attempt = quiz.start_attempt(worker, "official", monday, started, "test-town")
    for slot in list(attempt.answers):
        quiz.record_answer(worker, attempt.id, slot.position, right_choice(slot), started + timedelta(seconds=30),
                           TODAY)
    db.session.expire_all()
    live = db.session.get(CompanyDay, (town.company_a, monday))
    row = rebuild_company_day(company, monday, TODAY)
    common = sum(1 for s in attempt.answers if s.common)
    assert (row.headcount, row.completed, row.common_answered, row.common_correct) == (2, 1, common, common)
    assert (live.completed, live.common_answered) == (row.completed, row.common_answered)  # rebuild agrees

    after = line(dashboard.company_figures(staff("officer-1"), TODAY, NOW), town.company_a)
    assert after.last7.done == 7 and after.last7.expected == 12

    # The worker who never took the quiz leaves: the day is rebuilt with one active worker.
    db.session.scalar(select(Employee).where(Employee.employee_no == "A002")).active = False
    db.session.flush()
    row = rebuild_company_day(company, monday, TODAY)
    assert (row.headcount, row.completed) == (1, 1)
    changed = line(dashboard.company_figures(staff("officer-1"), TODAY, NOW), town.company_a)
    # Four untouched days of 2, the rebuilt 23rd and today's estimate now of 1 each.
    assert changed.headcount == 1 and changed.last7.expected == 4 * 2 + 1 + 1
    assert changed.today.expected == 1 and changed.coverage == 1.0


def weekly_history(company_id: int, shares: list[float], headcount: int = 10) -> None:
    """One row per workday for the 12 weeks ending yesterday, at a share done per week."""
    for n, share in enumerate(shares):
        for back in range(7):
            day = TODAY - timedelta(days=7 * (11 - n) + back)
            if day < TODAY and day.isoweekday() != 7:
                done = round(share * headcount)
                day_row(company_id, day, headcount, done, common_right=done, common_answered=2 * done)


def test_compare_gives_weekly_points_and_ranks_by_improvement_and_by_level(town):
    weekly_history(town.company_a, [0.9] * 12, headcount=2)
    weekly_history(town.company_b, [0.3] * 8 + [0.8] * 4, headcount=1)
    view = dashboard.compare(staff("admin"), TODAY, [town.company_a, town.company_b], NOW)
    a, b = view.chosen
    assert len(a.weekly) == 12 and a.weekly[0].participation == 1.0  # 0.9 of 2 workers rounds to 2
    assert b.weekly[0].participation == 0.0 and b.weekly[10].participation == 1.0
    assert [s.name for s in view.by_improvement] == ["乙厂", "甲厂"]
    assert view.by_level[0].name in ("甲厂", "乙厂") and len(view.by_level) == 2
    assert view.candidate_total == 2 and {s.name for s in view.candidates} == {"甲厂", "乙厂"}


def test_compare_refuses_a_company_outside_the_officers_grids(town):
    assert dashboard.compare(staff("officer-1"), TODAY, [town.company_a], NOW) is not None
    assert dashboard.compare(staff("officer-1"), TODAY, [town.company_b], NOW) is None
    assert dashboard.compare(officer_of_grid_2(), TODAY, [town.company_a], NOW) is None
    assert dashboard.compare(staff("officer-1"), TODAY, [], NOW, grid_id=-1) is None
    view = dashboard.compare(staff("officer-1"), TODAY, [], NOW, q="乙")
    assert view.chosen == [] and view.candidates == []


def test_the_town_view_sums_grids_and_the_town_and_ranks_them(town):
    weekly_history(town.company_a, [0.5] * 12, headcount=2)
    weekly_history(town.company_b, [1.0] * 12, headcount=1)
    view = dashboard.town_view(staff("admin"), TODAY, NOW)
    assert view.companies == 2 and view.headcount == 3
    assert [g.name for g in view.grids] == ["网格一", "网格二"] and len(view.grids[0].weeks) == 12
    assert view.grids[0].weeks[0].participation == 0.5 and view.grids[1].weeks[0].participation == 1.0
    # Today is read from the roster: all 3 workers expected, none done.
    assert view.totals["today"].expected == 3 and view.totals["today"].participation == 0
    # Two grids and two companies: one ranked list each, never the same one as both top and bottom.
    assert [g.name for g in view.top_grids] == ["网格二", "网格一"] and view.bottom_grids == []
    assert [c.name for c in view.top_companies] == ["乙厂", "甲厂"] and view.bottom_companies == []
    last30 = view.totals["last30"]
    assert last30.participation == last30.done / last30.expected and last30.knowledge == 0.5
