"""The weekly report in a real browser on a desktop, in Chinese: an officer opens their grid's
report, it prints without menus, and the XLSX is downloaded through the page's own link and read
back with openpyxl (the issue's "browser test for a report export"). Screenshots saved."""

import io
from datetime import date, timedelta
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from quizapp.clock import local_today
from quizapp.extensions import db
from quizapp.models import Company, CompanyDay, Employee, FollowUp, Grid, Incident, StaffUser, SupervisionCase
from quizapp.periodic.rules import last_complete
from tests.browser import links_per_sheet, shot, sign_in_staff
from tests.factories import make_company

pytestmark = pytest.mark.e2e

# (name, workers, done per workday this week, done per workday the week before)
COMPANIES = [("岭峰精密家具", 120, 100, 90), ("华岭电子科技", 40, 20, 30), ("连平鞋业", 10, 10, 10)]


@pytest.fixture
def report_town(app, town):
    """Grid g1 with company A and three more companies, two complete weeks of rollups, an
    incident in the week's month and a supervision case with a follow-up in the week."""
    with app.app_context():
        week = last_complete("week", local_today())
        grid = db.session.scalar(select(Grid).where(Grid.code == "g1"))
        companies = [(db.session.get(Company, town.company_a), 2, 1, 2)]
        for n, (name, heads, now, before) in enumerate(COMPANIES):
            company = make_company(grid, f"rep{n}", name)
            db.session.execute(Employee.__table__.insert(), [
                dict(company_id=company.id, employee_no=f"R{n}{i:03d}", name=f"职工{n}{i:03d}", active=True)
                for i in range(heads)])
            companies.append((company, heads, now, before))
        for company, heads, now, before in companies:
            for back, done in ((0, now), (7, before)):
                for n in range(7):
                    day = week.first - timedelta(days=back) + timedelta(days=n)
                    workday = n < 6
                    db.session.add(CompanyDay(company_id=company.id, day=day, workday=workday, headcount=heads,
                                              completed=done if workday else 0,
                                              common_correct=done if workday else 0,
                                              common_answered=2 * done if workday else 0))
        db.session.add(Incident(grid_id=grid.id, company_id=companies[2][0].id, month=week.first.replace(day=1),
                                fraud_type="alpha", cases=2, loss_yuan=8800))
        case = SupervisionCase(company_id=companies[2][0].id, rule="participation", reason="低于目标",
                               opened_on=week.first)
        db.session.add(case)
        db.session.flush()
        officer = db.session.scalar(select(StaffUser).where(StaffUser.username == "officer-1"))
        db.session.add(FollowUp(case_id=case.id, kind="visit", happened_on=week.first + timedelta(days=2),
                                who="厂长", created_by=officer.id))
        db.session.commit()
        expected = sum(heads * 6 for _, heads, _, _ in companies)
        done = sum(now * 6 for _, _, now, _ in companies)
        return {"week": week, "participation": done / expected}


def test_an_officer_prints_the_weekly_report_and_downloads_it_as_xlsx(desktop, live_server, report_town):
    page = desktop.new_page()
    problems = []  # script errors, CSP refusals, failed assets
    page.on("console", lambda message: problems.append(message.text)
            if message.type == "error" and not message.text.startswith("Failed to load resource") else None)
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on("response", lambda response: problems.append(f"{response.status} {response.url}")
            if response.status >= 400 and not response.url.endswith("/favicon.ico") else None)
    sign_in_staff(page, live_server, "officer-1")
    page.goto(f"{live_server}/reports/")
    page.locator(".console-nav a[href='/reports/periodic/']").click()
    page.wait_for_url("**/reports/periodic/")
    week: date = report_town["week"]
    assert "网格一" in page.locator("h1").inner_text()
    assert week.first.isoformat() in page.locator(".period").inner_text()
    assert page.locator(".companies-table tbody tr").count() == 4
    # 华岭电子科技: 20 of 40 each workday, the lowest, first and below target.
    first = page.locator(".companies-table tbody tr").first
    assert "华岭电子科技" in first.inner_text() and "50%" in first.inner_text()
    assert first.locator(".below-mark").count() == 1
    shown = f"{report_town['participation'] * 100:.0f}%"
    assert shown in page.locator(".totals-table tr.key").first.inner_text()
    content = page.content()
    assert "王小明" not in content and "职工0001" not in content and "R0001" not in content
    # The script shows the Print button; printed, the menus and controls are gone.
    assert page.locator(".print-button").is_visible()
    shot(page, "reports-periodic-week")
    page.emulate_media(media="print")
    assert page.locator(".console-nav").is_hidden() and page.locator(".periodic-controls").is_hidden()
    shot(page, "reports-periodic-week-print")
    page.emulate_media(media="screen")

    with page.expect_download() as info:
        page.locator("#periodic-xlsx").click()
    download = info.value
    assert download.suggested_filename.endswith(f"-网格一-{week.first.isoformat()}.xlsx")
    book = load_workbook(io.BytesIO(Path(download.path()).read_bytes()))
    assert len(book.sheetnames) == 8  # with the three declines and the months without a case
    summary, companies, incidents, declines, _quiet, outreach, leads, supervision = (
        book[name] for name in book.sheetnames)
    rows = [[c.value for c in r] for r in summary.iter_rows()]
    participation = next(r for r in rows if r[1] == report_town["participation"])
    assert participation[4]  # its definition beside it
    names = {r[2].value for r in companies.iter_rows(min_row=2)}
    assert names == {"甲厂", "岭峰精密家具", "华岭电子科技", "连平鞋业"}
    assert [c.value for c in incidents[incidents.max_row]][2:] == [0, 2, 8800]  # raw reports, cases, losses
    assert declines.max_row == 5  # raw reports, cases, losses, and what is compared
    assert [c.value for c in supervision[2]][2:] == [1, 1, 0, 1]
    assert [c.value for c in outreach[outreach.max_row]][1:] == ["合计", 0, 0]  # no activity recorded this week
    assert [c.value for c in leads[leads.max_row]] == ["合计", None, 0, 0, 0]  # no worker's report this week
    values = " ".join(str(c.value) for sheet in book.worksheets for r in sheet.iter_rows() for c in r)
    assert "王小明" not in values and "职工" not in values and "R0001" not in values

    # The monthly report through the period switch.
    page.locator(".kinds a").click()
    page.wait_for_url("**/reports/periodic/month**")
    assert page.locator(".companies-table tbody tr").count() == 4
    shot(page, "reports-periodic-month")
    assert not problems, problems


# Marks what a print test follows with a link each (the PDF then says which sheet each is on):
# the grid's companies heading, each of its rows, and `ruler` 10 px blocks (with a link each) or a
# blank `spacer` before that section, to move its heading down the sheet.
MARK = """([ruler, spacer]) => {
    const table = document.querySelector('.companies-table'), section = table.closest('section');
    const link = (into, name) => { const a = document.createElement('a'); a.href = 'https://mark.test/' + name;
                                   a.textContent = '#'; into.append(a); };
    if (!section.querySelector('a[href="https://mark.test/heading"]')) {
        link(section.querySelector('h2'), 'heading');
        table.querySelectorAll('tbody tr').forEach((row, i) => link(row.cells[0], 'row/' + i));
    }
    document.querySelectorAll('.print-probe').forEach(e => e.remove());
    const probe = document.createElement('div');
    probe.className = 'print-probe';
    for (let i = 0; i < ruler; i++) {
        const block = document.createElement('div');
        block.style.height = '10px';
        link(block, 'ruler/' + i);
        probe.append(block);
    }
    probe.style.height = ruler ? 'auto' : spacer + 'px';
    section.before(probe);
    const box = e => e.getBoundingClientRect();
    const rows = [...table.querySelectorAll('tbody tr')];
    return {head: box(rows[0]).bottom - box(section).top, row: box(rows[1]).top - box(rows[0]).top,
            count: rows.length};
}"""


def test_the_weekly_report_never_prints_a_company_row_alone_at_the_foot_of_a_sheet(desktop, live_server,
                                                                                   report_town):
    """The grid's companies heading placed so that it, its note, the table's header and one row fit
    at the foot of a sheet, not two rows: that one row printed alone there, the rest overleaf (the
    QA's weekly report). The heading now goes over with its rows: no sheet holds only one or two
    of the table's rows, and the heading is on the sheet of the first row."""
    page = desktop.new_page()
    sign_in_staff(page, live_server, "officer-1")
    page.goto(f"{live_server}/reports/periodic/")
    page.emulate_media(media="print")
    page.set_viewport_size({"width": 703, "height": 1017})  # A4 less periodic.css's @page margins, at 96 dpi

    def sheets(ruler: int = 0, spacer: float = 0) -> tuple[list[set[str]], dict]:
        sizes = page.evaluate(MARK, [ruler, spacer])
        return links_per_sheet(page.pdf(format="A4")), sizes

    # Where a sheet ends above the section: the first 10 px block of the ruler on a new sheet.
    found, sizes = sheets(ruler=120)
    ruler_on = [sorted(int(u.rsplit("/", 1)[1]) for u in marks if "/ruler/" in u) for marks in found]
    end = next(blocks[0] for blocks in ruler_on[1:] if blocks) * 10
    assert sizes["count"] == 4 and end > 0
    for room in (0.3, 0.5, 0.7):  # the heading, its note, the header and `room` of a second row fit
        found, sizes = sheets(spacer=end - sizes["head"] - room * sizes["row"])
        rows = [sum("/row/" in u for u in marks) for marks in found]
        assert all(n in (0, sizes["count"]) or n >= 3 for n in rows), (room, rows)
        heading = next(i for i, marks in enumerate(found) if "https://mark.test/heading" in marks)
        assert "https://mark.test/row/0" in found[heading], (room, rows)
