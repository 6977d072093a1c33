"""What the API answers, as use cases (api.service): grids and companies, figures day by day and
over a range from the rollup (the dashboard's figures to the digit), today before anyone finished,
paging, and incidents by month with losses added as decimals."""

from datetime import date, datetime, time, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from quizapp.api import service as api
from quizapp.api.rules import DateRange, Paging
from quizapp.dashboard import service as dashboard
from quizapp.extensions import db
from quizapp.models import Company, CompanyDay, Employee, Grid, Incident, StaffUser
from quizapp.rules.metrics import Tally, trailing
from tests.factories import first_town, make_company, make_employee, take_quiz

pytestmark = pytest.mark.usefixtures("ctx")

TODAY = date(2026, 11, 24)  # a Tuesday; both companies work Monday to Saturday
SUNDAY = date(2026, 11, 22)
NOW = datetime.combine(TODAY, time(12))  # the moment read: 20:00 in the town


def reader() -> api.TokenReader:
    """An API token of the `town` fixture's town, as the API reads with it."""
    return api.TokenReader(town_id=first_town().id)


def grid(code: str) -> Grid:
    return db.session.scalar(select(Grid).where(Grid.code == code))


def day_row(company_id: int, day: date, headcount: int, done: int, right: int = 0, answered: int = 0,
            workday: bool = True) -> None:
    db.session.add(CompanyDay(company_id=company_id, day=day, workday=workday, headcount=headcount, completed=done,
                              score_sum=done * 4, question_sum=done * 5, common_correct=right,
                              common_answered=answered))


def history(town, days: int = 40) -> None:
    """Company A: 2 workers, 1 done a workday; company B: 1 worker, always done; every day off on Sunday."""
    for back in range(1, days + 1):
        day = TODAY - timedelta(days=back)
        workday = day.isoweekday() != 7
        day_row(town.company_a, day, 2, 1 if workday else 0, 1, 2, workday)
        day_row(town.company_b, day, 1, 1 if workday else 0, 1, 1, workday)
    db.session.flush()


def test_grids_come_by_code_and_companies_a_page_at_a_time_with_filters(town):
    assert [g.code for g in api.list_grids(reader())] == ["g1", "g2"]
    extra = make_company(grid("g1"), "cog", "丙厂")
    extra.active = False
    db.session.flush()
    rows, total = api.list_companies(reader(), None, None, Paging(2, 0))
    assert total == 3 and [c.id for c in rows] == sorted([town.company_a, town.company_b])
    rows, total = api.list_companies(reader(), None, None, Paging(2, 2))
    assert total == 3 and [c.code for c in rows] == ["cog"]
    assert [c.code for c in api.list_companies(reader(), grid("g1").id, True, Paging())[0]] == ["acme"]
    assert [c.code for c in api.list_companies(reader(), None, False, Paging())[0]] == ["cog"]


def test_a_company_day_by_day_caps_done_and_leaves_days_off_out_of_participation(town):
    company = db.session.get(Company, town.company_a)
    day_row(town.company_a, date(2026, 11, 20), 2, 3, 2, 4)  # a worker added after the first finisher
    day_row(town.company_a, SUNDAY, 2, 1, 1, 1, workday=False)
    day_row(town.company_a, date(2026, 11, 23), 2, 1)
    db.session.flush()
    lines = api.company_days(company, DateRange(date(2026, 11, 20), date(2026, 11, 23)), TODAY, NOW)
    assert [line.day for line in lines] == [date(2026, 11, 20), SUNDAY, date(2026, 11, 23)]  # 21st: no row
    capped, sunday, monday = lines
    assert capped.tally == Tally(2, 2, 2, 4, 1) and capped.tally.participation == 1.0
    assert sunday.workday is False and sunday.headcount == 2 and sunday.tally == Tally(0, 0, 1, 1, 1)
    assert sunday.tally.participation is None and sunday.tally.knowledge == 1.0
    assert monday.tally.participation == 0.5 and not any(line.provisional for line in lines)


def test_today_before_anyone_finished_counts_the_roster_as_expected(town):
    company = db.session.get(Company, town.company_a)  # two active workers
    (line,) = api.company_days(company, DateRange(TODAY, TODAY), TODAY, NOW)
    assert line.provisional and line.workday and line.headcount == 2 and line.tally == Tally(2, 0, 0, 0, 1)
    assert line.tally.participation == 0.0


def test_a_grid_day_by_day_adds_up_its_companies(town):
    second = make_company(grid("g1"), "cog", "丙厂", workdays="12345")  # Saturday off
    make_employee(second, "C001", "赵大力")
    saturday = date(2026, 11, 21)
    day_row(town.company_a, saturday, 2, 1, 1, 2)
    day_row(second.id, saturday, 1, 0, 0, 0, workday=False)
    day_row(town.company_b, saturday, 5, 5, 5, 5)  # another grid
    db.session.flush()
    take_quiz(db.session.get(Employee, town.worker_a), TODAY)  # company A: one done today; the new company none
    lines = api.grid_days(reader(), grid("g1"), DateRange(saturday, TODAY), TODAY, NOW)
    assert [line.day for line in lines] == [saturday, TODAY]  # Sunday and Monday: no data, left out
    sat, today = lines
    assert (sat.companies, sat.workday_companies, sat.headcount) == (2, 1, 3)
    assert sat.tally == Tally(2, 1, 1, 2, 2) and not sat.provisional
    # Today is read live from the rosters: 3 expected, 1 done; the common set from today's rollup row.
    assert (today.companies, today.workday_companies, today.headcount) == (2, 2, 3)
    row = db.session.get(CompanyDay, (town.company_a, TODAY))
    assert today.tally == Tally(3, 1, row.common_correct, row.common_answered, 2) and today.provisional


def test_a_period_gives_the_dashboards_figures_to_the_digit(town):
    history(town)
    day_row(town.company_a, TODAY, 2, 1, 1, 1)
    db.session.flush()
    admin = db.session.scalar(select(StaffUser).where(StaffUser.username == "admin"))
    last30 = trailing(TODAY, 30)
    span = DateRange(last30.first, last30.last)
    on_dashboard = {row.company_id: row.last30
                    for row in dashboard.company_figures(admin, TODAY, NOW, coverage=False)}
    lines, total = api.company_summary(reader(), span, TODAY, None, Paging(), NOW)
    assert total == 2 and {line.id: line.tally for line in lines} == on_dashboard
    grids, town_total, companies = api.grid_summary(reader(), span, TODAY, NOW)
    view = dashboard.town_view(admin, TODAY, NOW)
    assert {g.grid.id: g.tally for g in grids} == {line.id: line.last30 for line in view.grids}
    assert town_total == view.totals["last30"] and companies == 2


def test_a_past_period_reads_only_its_days(town):
    history(town)
    span = DateRange(date(2026, 11, 16), date(2026, 11, 21))  # Monday to Saturday
    lines = api.company_summary(reader(), span, TODAY, None, Paging(), NOW)[0]
    (line,) = [line for line in lines if line.id == town.company_a]
    assert line.tally == Tally(12, 6, 6, 12, 6) and line.tally.participation == 0.5
    assert line.code == "acme" and line.name == "甲厂"


def test_summaries_cover_active_companies_a_page_at_a_time(town):
    history(town)
    gone = make_company(grid("g1"), "cog", "丙厂")
    gone.active = False
    db.session.flush()
    span = DateRange(date(2026, 11, 1), date(2026, 11, 21))
    lines, total = api.company_summary(reader(), span, TODAY, None, Paging(1, 0), NOW)
    assert total == 2 and [line.id for line in lines] == [min(town.company_a, town.company_b)]
    lines, total = api.company_summary(reader(), span, TODAY, grid("g2").id, Paging(), NOW)
    assert total == 1 and [line.id for line in lines] == [town.company_b]
    grids, _, companies = api.grid_summary(reader(), span, TODAY, NOW)
    assert companies == 2 and [g.companies for g in grids] == [1, 1]


def test_a_grid_without_active_companies_has_no_days_and_empty_figures(town):
    empty = Grid(code="g3", name="网格三", town_id=first_town().id)
    db.session.add(empty)
    db.session.flush()
    assert api.grid_days(reader(), empty, DateRange(date(2026, 11, 1), TODAY), TODAY, NOW) == []
    grids, _, _ = api.grid_summary(reader(), DateRange(date(2026, 11, 1), TODAY), TODAY, NOW)
    (line,) = [g for g in grids if g.grid.code == "g3"]
    assert line.companies == 0 and line.tally == Tally() and line.tally.participation is None


def test_incidents_come_by_month_grid_company_and_type_with_losses_as_decimals(town):
    g1, g2 = grid("g1"), grid("g2")
    db.session.add_all([
        Incident(grid_id=g1.id, company_id=town.company_a, month=date(2026, 1, 1), fraud_type="shuadan", cases=2,
                 loss_yuan=Decimal("1000.10")),
        Incident(grid_id=g1.id, company_id=None, month=date(2026, 1, 1), fraud_type="other", cases=1,
                 loss_yuan=Decimal("0.20")),
        Incident(grid_id=g2.id, company_id=town.company_b, month=date(2026, 3, 1), fraud_type="shuadan", cases=1,
                 loss_yuan=Decimal("50")),
        Incident(grid_id=g1.id, company_id=town.company_a, month=date(2025, 12, 1), fraud_type="shuadan", cases=9,
                 loss_yuan=Decimal("9")),
    ])
    db.session.flush()
    lines = api.incidents(reader(), DateRange(date(2026, 1, 20), date(2026, 3, 5)), None)  # touches January to March
    assert [(i.month, i.company_id, i.fraud_type, i.cases) for i in lines] == [
        (date(2026, 1, 1), None, "other", 1), (date(2026, 1, 1), town.company_a, "shuadan", 2),
        (date(2026, 3, 1), town.company_b, "shuadan", 1)]
    assert sum(i.loss_yuan for i in lines) == Decimal("1050.30")
    only_g2 = api.incidents(reader(), DateRange(date(2026, 1, 1), date(2026, 3, 31)), g2.id)
    assert [i.grid_id for i in only_g2] == [g2.id]
