"""Weekly and monthly reports as use cases (periodic.service): figures that match hand-computed
values from a small rollup, a late answer changing the weekly report once the day is rebuilt,
incidents by the month(s) counted, supervision activity, scoping to the account's grids, and a
workbook with no worker in it and an audit row per download."""

import io
from datetime import date, datetime, time, timedelta
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from quizapp.extensions import db
from quizapp.models import AuditLog, Company, CompanyDay, Employee, FollowUp, Grid, Incident, StaffUser, SupervisionCase
from quizapp.periodic import service as periodic
from quizapp.periodic.rules import chosen, containing
from quizapp.periodic.sheets import workbook
from quizapp.quiz import service as quiz
from quizapp.rollups.service import rebuild_company_day
from tests.factories import make_company, make_grid, make_staff, make_town_row

pytestmark = pytest.mark.usefixtures("ctx", "english")

TODAY = date(2026, 11, 25)  # a Wednesday: the last complete week is 16-22 November
WEEK = containing("week", date(2026, 11, 16))
WORKER_TEXT = ("王小明", "李小红", "张新来", "A001", "A002", "B001")


def staff(username: str) -> StaffUser:
    return db.session.scalar(select(StaffUser).where(StaffUser.username == username))


def grid(code: str) -> Grid:
    return db.session.scalar(select(Grid).where(Grid.code == code))


def row(company_id, day, headcount, done, workday=True, right=0, answered=0, b_answered=0, b_yes=0):
    db.session.add(CompanyDay(company_id=company_id, day=day, workday=workday, headcount=headcount, completed=done,
                              common_correct=right, common_answered=answered, behaviour_answered=b_answered,
                              behaviour_yes=b_yes))


@pytest.fixture
def history(town):
    """Company A (grid g1, 2 workers): done 2,1,2,2,0,1 on Monday-Saturday 16-21 November (8 of 12),
    Sunday off; the week before, all 12 done. Company C (g1, 10 workers): 9 of 10 each workday of
    the week, nothing before. Company B (grid g2): 1 of 1 each day. Incidents and supervision too."""
    a = db.session.get(Company, town.company_a)
    c = make_company(grid("g1"), "cco", "丙厂")
    for n, done in enumerate([2, 1, 2, 2, 0, 1]):
        day = WEEK.first + timedelta(days=n)
        row(a.id, day, 2, done, right=done, answered=2 * done, b_answered=2 if n == 0 else 0, b_yes=1 if n == 0 else 0)
        row(c.id, day, 10, 9)
        row(town.company_b, day, 1, 1)
        row(a.id, day - timedelta(days=7), 2, 2, right=2, answered=4, b_answered=4 if n == 0 else 0,
            b_yes=4 if n == 0 else 0)
    row(a.id, WEEK.last, 2, 0, workday=False)
    g1, g2 = grid("g1"), grid("g2")
    db.session.add_all([
        Incident(grid_id=g1.id, company_id=a.id, month=date(2026, 11, 1), fraud_type="alpha", cases=2,
                 loss_yuan=Decimal("1200.50")),
        Incident(grid_id=g1.id, company_id=None, month=date(2026, 11, 1), fraud_type="other", cases=1,
                 loss_yuan=Decimal("100")),
        Incident(grid_id=g1.id, company_id=a.id, month=date(2026, 10, 1), fraud_type="alpha", cases=1,
                 loss_yuan=Decimal("50")),
        Incident(grid_id=g2.id, company_id=town.company_b, month=date(2026, 11, 1), fraud_type="beta", cases=5,
                 loss_yuan=Decimal("5000")),
    ])
    opened = SupervisionCase(company_id=a.id, rule="manual", reason="test", opened_on=date(2026, 11, 17))
    closed = SupervisionCase(company_id=a.id, rule="participation", reason="test", opened_on=date(2026, 11, 2),
                             status="closed", closed_on=date(2026, 11, 20), close_reason="better")
    db.session.add_all([opened, closed])
    db.session.flush()
    db.session.add(FollowUp(case_id=opened.id, kind="visit", happened_on=date(2026, 11, 18), who="厂长",
                            created_by=staff("officer-1").id))
    db.session.commit()
    return {"a": a.id, "c": c.id}


def report(username: str, scope: str | None = None, period=WEEK, today=TODAY):
    """The report as read at noon UTC of `today` (20:00 in the town)."""
    actor = staff(username)
    return periodic.periodic_report(actor, today, datetime.combine(today, time(12)), period,
                                    periodic.resolve_scope(actor, scope), "zh")


def test_a_grid_weekly_report_matches_the_hand_computed_figures(history):
    r = report("officer-1")
    assert r.scope.grid.code == "g1" and r.period == WEEK and r.previous.first == date(2026, 11, 9)
    t = r.total
    assert (t.now.expected, t.now.done) == (12 + 60, 8 + 54) and t.participation == 62 / 72
    assert (t.before.expected, t.before.done) == (12, 12) and t.participation_before == 1.0
    assert t.participation_change == pytest.approx(62 / 72 - 1)
    assert t.knowledge == 8 / 16 and t.knowledge_before == 12 / 24
    assert t.headcount == 2 + 10 and t.headcount_before == 2  # each company's last row: A's Sunday, C's Saturday
    assert t.companies == 2 and t.below_count == 1 and r.below_before == 0
    assert r.behaviour.share == 0.5 and r.behaviour_before.share == 1.0
    # Lowest participation first: A (8 of 12) below target, then C (54 of 60).
    assert [(c.name, c.participation) for c in r.companies] == [("甲厂", 8 / 12), ("丙厂", 0.9)]
    assert r.companies[0].below(r.target) and r.companies[1].participation_before is None
    # Grid g1's incidents of November, the whole-grid record included; company B's are another grid's.
    assert (r.incidents.cases, r.incidents.loss_yuan) == (3, Decimal("1300.50"))
    assert [(t.fraud_type, t.cases) for t in r.incidents.by_type] == [("alpha", 2), ("other", 1)]
    assert (r.activity.opened, r.activity.follow_ups, r.activity.closed, r.activity.open_at_end) == (1, 1, 1, 1)
    assert [a.name for a in r.activity_by_company] == ["甲厂"]
    assert not r.has_next and r.period.previous().next() == r.period


def test_a_late_answer_changes_the_weekly_report_once_the_day_is_rebuilt(history):
    friday = date(2026, 11, 20)
    company = db.session.get(Company, history["a"])
    before = report("officer-1").companies[0]
    assert (before.now.expected, before.now.done) == (12, 8)

    worker = db.session.get(Employee, db.session.scalar(select(Employee.id).where(Employee.employee_no == "A001")))
    started = datetime(2026, 11, 20, 0, 30)
    attempt = quiz.start_attempt(worker, "official", friday, started, "test-town")
    for slot in list(attempt.answers):
        chosen_ = [pos for pos, idx in enumerate(slot.choice_order) if idx in slot.version.content["answer"]]
        quiz.record_answer(worker, attempt.id, slot.position, chosen_, started + timedelta(seconds=30), friday)
    db.session.expire_all()
    rebuilt = rebuild_company_day(company, friday, friday)
    assert (rebuilt.headcount, rebuilt.completed) == (2, 1)
    after = report("officer-1")
    a = next(c for c in after.companies if c.name == "甲厂")
    assert (a.now.expected, a.now.done) == (12, 9) and a.participation == 0.75
    assert after.total.now.done == 63


def test_the_monthly_report_and_a_week_across_two_months(history):
    october = report("officer-1", period=containing("month", date(2026, 10, 1)))
    assert october.incidents.cases == 1 and october.total.now.expected == 0 and october.total.participation is None
    november = report("officer-1", period=containing("month", date(2026, 11, 1)), today=date(2026, 12, 2))
    # November holds both weeks: company A's 12 of 12 the week before as well.
    assert november.total.participation == 74 / 84 and november.incidents.cases == 3
    assert (november.activity.opened, november.activity.closed) == (2, 1)
    # 26 October to 1 November falls in both months: both months' incidents are counted.
    straddling = report("officer-1", period=containing("week", date(2026, 10, 28)))
    assert straddling.incidents.months == [date(2026, 10, 1), date(2026, 11, 1)] and straddling.incidents.cases == 4


def test_the_town_report_has_every_grid_and_the_top_and_bottom_companies(history):
    r = report("admin")
    assert r.town and r.scope.key == "town"
    assert [(g.name, g.companies, g.now.done, g.now.expected) for g in r.grids] == [
        ("网格一", 2, 62, 72), ("网格二", 1, 6, 6)]
    assert r.total.companies == 3 and r.total.participation == 68 / 78
    # Three companies: one list; 甲厂 used to be first of the bottom 5 as well as last of the top 5.
    assert [c.name for c in r.top] == ["乙厂", "丙厂", "甲厂"] and r.bottom == []
    assert r.incidents.cases == 8 and r.total.below_count == 1
    assert report("admin", str(grid("g2").id)).total.participation == 1.0


def test_the_town_report_counts_its_own_town_s_incidents_only(history):
    """A town's weekly or monthly report read every town's incident records: 大岭山's town
    report showed the city's cases, and 黄江's admin saw 大岭山's by fraud type."""
    other = make_town_row("hj", "黄江镇")
    other_grid = make_grid("hj1", "黄江网格", town=other)
    db.session.add(Incident(grid_id=other_grid.id, company_id=None, month=date(2026, 11, 1), fraud_type="gamma",
                            cases=7, raw_reports=9, loss_yuan=Decimal("7000")))
    make_staff("hj-admin", "town_admin", town=other)
    db.session.commit()
    ours = report("admin")
    assert ours.incidents.cases == 8 and ours.incidents.loss_yuan == Decimal("6300.50")
    assert "gamma" not in [t.fraud_type for t in ours.incidents.by_type]
    # The same page's three declines read the same records (incidents.figures.declines).
    assert ours.declines.this_month.cases == ours.incidents.cases
    theirs = report("hj-admin")
    assert (theirs.incidents.cases, theirs.incidents.raw_reports) == (7, 9)
    assert [t.fraud_type for t in theirs.incidents.by_type] == ["gamma"]


def test_scoping_an_officer_sees_only_their_grids_and_never_the_whole_town(history):
    officer_2 = make_staff("officer-2", "grid_officer", grids=[grid("g2")])
    db.session.commit()
    assert periodic.resolve_scope(officer_2, str(grid("g1").id)) is None
    assert periodic.resolve_scope(officer_2, "town") is None
    assert periodic.resolve_scope(officer_2, "nonsense") is None
    assert periodic.resolve_scope(officer_2, None).grid.code == "g2"
    assert periodic.resolve_scope(staff("officer-1"), "town") is None
    r = periodic.periodic_report(officer_2, TODAY, datetime.combine(TODAY, time(12)), WEEK,
                                 periodic.resolve_scope(officer_2, None), "zh")
    assert [c.name for c in r.companies] == ["乙厂"] and r.incidents.cases == 5 and r.activity.opened == 0
    assert periodic.resolve_scope(staff("admin"), str(grid("g1").id)).grid.code == "g1"


def cells(data: bytes) -> dict[str, list[list]]:
    book = load_workbook(io.BytesIO(data))
    return {sheet.title: [[c.value for c in r] for r in sheet.iter_rows()] for sheet in book.worksheets}


def test_the_workbook_has_its_sheets_no_worker_and_an_audit_row_per_download(history):
    actor = staff("officer-1")
    r = report("officer-1")
    data, name, fallback = workbook(periodic.export_report(actor, r))
    assert name == "Weekly report-网格一-2026-11-16.xlsx" and fallback == "weekly-g1-2026-11-16.xlsx"
    sheets = cells(data)
    assert list(sheets) == ["Summary", "Company list", "Incidents", "Three declines", "Months since the last case",
                           "Outreach", "Workers' reports", "Supervision"]
    summary = {row[0]: row[1:] for row in sheets["Summary"]}
    assert summary["Participation"][:2] == [62 / 72, 1.0]
    assert summary["Participation"][2] == round((62 / 72 - 1) * 100, 1)
    assert summary["Companies below target"][0] == 1 and summary["Confirmed cases"][0] == 3
    assert summary["Losses (yuan)"][0] == pytest.approx(1300.5)
    assert "whole month" in summary["Confirmed cases"][3]  # each figure's definition beside it
    assert sheets["Company list"][1][:4] == ["网格一", "acme", "甲厂", 2] and sheets["Company list"][1][4] == 8 / 12
    assert sheets["Incidents"][-1][1:] == ["Total", 0, 3, pytest.approx(1300.5)]
    assert sheets["Supervision"][1][1:] == ["甲厂", 1, 1, 1, 1]
    text = " ".join(str(v) for rows in sheets.values() for r_ in rows for v in r_ if v is not None)
    assert not any(name in text for name in WORKER_TEXT)
    workbook(periodic.export_report(actor, report("officer-1", period=chosen("month", None, TODAY))))
    db.session.commit()
    audits = db.session.scalars(select(AuditLog).where(AuditLog.action == "export.periodic")).all()
    assert len(audits) == 2 and all(a.actor_id == actor.id for a in audits)
    assert '"period": "week"' in audits[0].detail and f'"scope": "{grid("g1").id}"' in audits[0].detail


def test_the_town_workbook_has_a_grids_sheet(history):
    data, name, fallback = workbook(periodic.export_report(staff("admin"), report("admin")))
    sheets = cells(data)
    assert name == "Weekly report-Whole town-2026-11-16.xlsx" and fallback == "weekly-town-2026-11-16.xlsx"
    assert list(sheets) == ["Summary", "Grids", "Company list", "Incidents", "Three declines",
                           "Months since the last case", "Outreach", "Workers' reports", "Supervision"]
    assert [r[0] for r in sheets["Grids"][1:]] == ["网格一", "网格二"] and len(sheets["Company list"]) == 4
