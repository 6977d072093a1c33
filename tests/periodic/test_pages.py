"""The weekly and monthly report pages and their XLSX downloads: figures on the page with their
definitions, choosing the period and the scope, another grid's officer getting 404 for grid g1's
report, the whole town for the town admin only, no worker in the page or the workbook, and an
audit row per download."""

import io
from datetime import timedelta
from urllib.parse import quote

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from quizapp.clock import local_today
from quizapp.extensions import db
from quizapp.models import AuditLog, CompanyDay, Employee, Grid, Incident
from quizapp.periodic.rules import last_complete
from tests.factories import make_lead, make_staff
from tests.pages import read, sign_in_staff, table_rows, texts

WORKER_TEXT = ("王小明", "李小红", "张新来", "A001", "A002", "B001")


@pytest.fixture
def week(app, town):
    """Last complete week: company A (2 workers) did 9 of 12 on Monday-Saturday, company B all;
    an incident for company A in the week's month."""
    with app.app_context():
        period = last_complete("week", local_today())
        for n, done in enumerate([2, 1, 2, 2, 1, 1]):
            day = period.first + timedelta(days=n)
            db.session.add(CompanyDay(company_id=town.company_a, day=day, workday=True, headcount=2, completed=done,
                                      common_correct=done, common_answered=2 * done))
            db.session.add(CompanyDay(company_id=town.company_b, day=day, workday=True, headcount=1, completed=1))
        g1 = db.session.scalar(select(Grid.id).where(Grid.code == "g1"))
        db.session.add(Incident(grid_id=g1, company_id=town.company_a, month=period.first.replace(day=1),
                                fraud_type="alpha", cases=2, loss_yuan=300))
        # Two workers' reports in the week: company A's worker twice, by SMS (one lead), and by call.
        worker = db.session.get(Employee, town.worker_a)
        make_lead(worker, text="冒充客服说快递丢了要理赔", day=period.first)
        make_lead(worker, text="冒充客服说快递丢了要理赔", day=period.first + timedelta(days=1), money_lost=True)
        make_lead(worker, text="自称公检法要求转账到安全账户", channel="call", day=period.first + timedelta(days=2))
        db.session.commit()
    return period


def grid_id(app, code: str) -> int:
    with app.app_context():
        return db.session.scalar(select(Grid.id).where(Grid.code == code))


def audit_rows(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(AuditLog.id)).where(AuditLog.action == "export.periodic"))


def test_an_officer_reads_their_grids_weekly_report_with_definitions(client, week):
    client.set_cookie("lang", "en")
    sign_in_staff(client, "officer-1")
    status, page = read(client, "/reports/periodic/")
    assert status == 200
    assert "Weekly report · 网格一" in page and week.first.isoformat() in page
    assert "甲厂" in page and "乙厂" not in page
    assert texts(page, "td", class_="p") == ["75% below target"]  # company A's row: 9 of 12
    assert "Confirmed cases: 2; losses: 300.00 yuan" in page
    # Workers' reports by channel (a grid's report: no table by grid): 1 SMS lead reported twice, 1 call.
    assert ["An SMS", "1", "2", "1"] in table_rows(page) and ["A phone call", "1", "1", "0"] in table_rows(page)
    assert ["Total", "2", "3", "1"] in table_rows(page)
    assert "non-starters count as zero" in page and "weekly report counts the whole month" in page
    assert not any(name in page for name in WORKER_TEXT)
    # The section is in the menu; the previous week is a link, the current one is not complete.
    assert 'href="/reports/periodic/"' in page or "<strong>Weekly and monthly reports</strong>" in page
    previous = (week.first - timedelta(days=7)).isoformat()
    assert f"start={previous}" in page and 'rel="next"' not in page
    assert f"/reports/periodic/week.xlsx?start={week.first.isoformat()}" in page


@pytest.mark.parametrize("kind", ["week", "month"])
def test_raw_reports_have_their_own_definition_not_the_cases_one(client, week, kind):
    """原始警情 are every fraud-related report received, confirmed or not; 确认警情 (confirmed cases) only the
    confirmed ones (docs/metrics.md): the raw reports' row says so, page and workbook, in both languages."""
    sign_in_staff(client, "officer-1")
    for lang, raw, cases, says in (("en", "Raw reports", "Confirmed cases", "whether or not they were confirmed"),
                                   ("zh_CN", "原始警情", "确认警情", "不论最后是否确认")):
        client.set_cookie("lang", lang)
        _, page = read(client, f"/reports/periodic/{kind}")
        rows: dict[str, str] = {}
        for row in table_rows(page):  # the summary's rows (the first with each heading): heading -> definition
            rows.setdefault(row[0], row[-1])
        assert says in rows[raw] and says not in rows[cases] and rows[raw] != rows[cases]
        response = client.get(f"/reports/periodic/{kind}.xlsx")
        summary = {row[0].value: row[-1].value for row in load_workbook(io.BytesIO(response.get_data()))
                   .worksheets[0].iter_rows()}
        response.close()
        assert summary[raw] == rows[raw] and summary[cases] == rows[cases]


def test_the_period_and_the_month_are_chosen_by_the_url(app, client, week):
    client.set_cookie("lang", "en")
    sign_in_staff(client, "officer-1")
    status, page = read(client, f"/reports/periodic/week?start={(week.first - timedelta(days=7)).isoformat()}")
    assert status == 200 and 'rel="next"' in page and "75%" not in page
    status, page = read(client, "/reports/periodic/month?start=2001-02")
    assert status == 200 and "Monthly report" in page and "2001-02-01" in page
    assert read(client, "/reports/periodic/year")[0] == 404
    # A period not yet over falls back to the last complete one.
    with app.app_context():
        today = local_today()
    status, page = read(client, f"/reports/periodic/week?start={today.isoformat()}")
    assert status == 200 and week.first.isoformat() in page


def test_another_grids_officer_gets_404_for_grid_g1_and_for_the_town(app, client, week):
    with app.app_context():
        make_staff("officer-2", "grid_officer", grids=[db.session.get(Grid, grid_id(app, "g2"))])
        db.session.commit()
    sign_in_staff(client, "officer-2")
    g1 = grid_id(app, "g1")
    for url in (f"/reports/periodic/week?scope={g1}", f"/reports/periodic/month?scope={g1}",
                f"/reports/periodic/week.xlsx?scope={g1}", "/reports/periodic/week?scope=town",
                "/reports/periodic/week.xlsx?scope=town", "/reports/periodic/week?scope=x"):
        assert read(client, url)[0] == 404, url
    status, page = read(client, "/reports/periodic/week")
    assert status == 200 and "乙厂" in page and "甲厂" not in page
    assert audit_rows(app) == 0


def test_officer_1_cannot_read_the_town_report(client, week):
    sign_in_staff(client, "officer-1")
    assert read(client, "/reports/periodic/week?scope=town")[0] == 404


def test_the_town_admin_reads_the_town_and_any_grid(app, client, week):
    client.set_cookie("lang", "en")
    sign_in_staff(client, "admin")
    status, page = read(client, "/reports/periodic/week")
    assert status == 200 and "Weekly report · Whole town" in page
    # Fewer than 10 companies: one ranked list, not a top 5 and a bottom 5 repeating each other.
    assert "网格一" in page and "网格二" in page and "Every company with figures, highest first" in page
    assert "Top 5 companies" not in page
    assert not any(name in page for name in WORKER_TEXT)
    status, page = read(client, f"/reports/periodic/month?scope={grid_id(app, 'g2')}")
    assert status == 200 and "Monthly report · 网格二" in page


def test_the_xlsx_download_has_no_worker_and_writes_an_audit_row_each_time(app, client, week):
    client.set_cookie("lang", "en")
    sign_in_staff(client, "officer-1")
    response = client.get(f"/reports/periodic/week.xlsx?start={week.first.isoformat()}")
    data = response.get_data()
    disposition = response.headers["Content-Disposition"]
    response.close()
    assert response.status_code == 200 and response.mimetype.endswith("spreadsheetml.sheet")
    assert f"filename*=UTF-8''{quote(f'Weekly report-网格一-{week.first.isoformat()}.xlsx')}" in disposition
    assert f'filename="weekly-g1-{week.first.isoformat()}.xlsx"' in disposition
    assert response.headers["Cache-Control"] == "private, no-store"
    book = load_workbook(io.BytesIO(data))
    assert book.sheetnames == ["Summary", "Company list", "Incidents", "Three declines", "Months since the last case",
                               "Outreach", "Workers' reports", "Supervision"]
    values = [str(c.value) for sheet in book.worksheets for r in sheet.iter_rows() for c in r if c.value is not None]
    assert "甲厂" in values and "乙厂" not in values
    assert not any(name in v for v in values for name in WORKER_TEXT)
    summary = {r[0].value: r[1].value for r in book["Summary"].iter_rows()}
    assert summary["Participation"] == 0.75 and summary["Confirmed cases"] == 2
    assert summary["Workers' reports: leads"] == 2 and summary["Workers' reports: reports"] == 3
    leads = [[c.value for c in r] for r in book["Workers' reports"].iter_rows(min_row=2)]
    assert ["网格一", "All channels", 2, 3, 1] in leads and ["All grids", "An SMS", 1, 2, 1] in leads
    assert ["网格一", "A phone call", 1, 1, 0] in leads and ["Total", None, 2, 3, 1] in leads
    assert audit_rows(app) == 1
    client.get("/reports/periodic/month.xlsx").close()
    assert audit_rows(app) == 2


def test_the_page_prints_without_menus_and_works_without_javascript(client, week):
    sign_in_staff(client, "officer-1")
    status, page = read(client, "/reports/periodic/week")
    assert status == 200
    assert 'class="periodic-controls no-print"' in page and "css/periodic.css" in page
    assert "<script>" not in page and "js/periodic.js" in page  # no inline script (the CSP)
    status, css = read(client, "/static/css/periodic.css")
    assert status == 200 and "@media print" in css and "size:A4" in css
