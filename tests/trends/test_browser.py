"""Company staff on a desktop: the trends page with its charts (on screen and printed), a worker's
history, and an export downloaded as CSV and as XLSX."""

import io
import random
import re
from datetime import timedelta
from pathlib import Path

import pytest
from openpyxl import load_workbook

from quizapp.clock import local_today
from quizapp.extensions import db
from quizapp.models import Company, Employee
from tests.browser import links_per_sheet, shot, sign_in_staff
from tests.factories import make_employee, take_quiz

pytestmark = pytest.mark.e2e

TEAMS = [("一车间", "早班"), ("一车间", "中班"), ("二车间", "早班"), ("三车间", "夜班")]


@pytest.fixture
def month(app, real_town):
    """Twelve workers of company A in three teams taking the quiz on most workdays of the last
    month (the real bank, so topics and lesson cards are real), and company B's worker too."""
    rng = random.Random(4)
    with app.app_context():
        company = db.session.get(Company, real_town.company_a)
        workers = [db.session.get(Employee, real_town.worker_a)]
        for i in range(11):
            team, shift = TEAMS[i % len(TEAMS)]
            workers.append(make_employee(company, f"A1{i:02d}", f"员工{i:02d}", team=team, shift=shift))
        db.session.commit()
        today = local_today()
        for offset in range(29, -1, -1):
            day = today - timedelta(days=offset)
            if day.isoweekday() == 7:
                continue
            for n, worker in enumerate(workers):
                if rng.random() < 0.55 + 0.1 * (n % 4):
                    take_quiz(worker, day, wrong=rng.choice([0, 0, 1, 2]))
        take_quiz(db.session.get(Employee, real_town.worker_b), today)
    return real_town


def test_trends_charts_worker_history_and_export_downloads(desktop, live_server, month):
    page = desktop.new_page()
    sign_in_staff(page, live_server, "staff-a")
    page.goto(f"{live_server}/console/trends?days=30")
    assert page.locator("svg.chart-svg").count() >= 1 + 3 + 3  # company, 3 teams, 3 shifts
    assert page.locator("svg.chart-svg path[d^='M']").count() >= 2
    assert page.locator(".suggested h3").is_visible()
    # The charts fit the page: no sideways scrolling on a desktop.
    assert page.evaluate("document.documentElement.scrollWidth") <= 1366
    shot(page, "console-trends")
    page.emulate_media(media="print")
    assert not page.locator(".console-nav").is_visible()
    shot(page, "console-trends-print")
    page.emulate_media(media="screen")

    page.get_by_role("link", name=re.compile("7")).first.click()
    page.wait_for_url("**/console/trends?days=7")
    assert page.locator("svg.chart-svg").count() >= 7

    page.goto(f"{live_server}/console/workers/{month.worker_a}/history")
    assert "王小明" in page.content() and page.locator("svg.chart-svg").count() == 1
    shot(page, "console-worker-history")

    page.goto(f"{live_server}/console/exports")
    shot(page, "console-exports")
    with page.expect_download() as info:
        page.locator("a[href*='by-worker.csv']").click()
    data = Path(info.value.path()).read_bytes()
    assert info.value.suggested_filename.endswith(".csv")
    assert data.startswith(b"\xef\xbb\xbf")
    text = data.decode("utf-8-sig")
    assert "王小明" in text and "员工00" in text and "李小红" not in text
    with page.expect_download() as info:
        page.locator("a[href*='by-team.xlsx']").click()
    sheet = load_workbook(io.BytesIO(Path(info.value.path()).read_bytes())).active
    assert sheet.freeze_panes == "A2"
    assert [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)] == ["一车间", "二车间", "三车间"]


# A link on each section's heading and on each chart box and table row, so the PDF says which sheet
# each landed on: "h/<section>" and "i/<section>/<n>".
MARK_SECTIONS = """() => [...document.querySelectorAll('main section.card')].map((section, s) => {
    const link = (into, name) => { const a = document.createElement('a'); a.href = 'https://mark.test/' + name;
                                   a.textContent = '#'; into.append(a); };
    const heading = section.querySelector('h2');
    if (heading) { link(heading, 'h/' + s); }
    section.querySelectorAll('.multiple h3, .topics tbody tr td:first-child').forEach((e, i) => link(e, `i/${s}/${i}`));
    return heading ? heading.textContent : '';
})"""


def test_trends_print_as_flowing_sheets_with_each_heading_kept_with_its_charts(desktop, live_server, month):
    """On A4 the by-team charts start under the company's figures on sheet 1 (the whole section was
    kept in one piece, so it went over to sheet 2 and left a third of sheet 1 blank), and every
    heading is on the sheet of its first chart or row."""
    page = desktop.new_page()
    sign_in_staff(page, live_server, "staff-a")
    page.goto(f"{live_server}/console/trends?days=30")
    page.emulate_media(media="print")
    headings = page.evaluate(MARK_SECTIONS)
    sheets = links_per_sheet(page.pdf(format="A4"))

    def sheet(name: str) -> int:
        return next(i for i, marks in enumerate(sheets) if f"https://mark.test/{name}" in marks)

    teams = headings.index(next(h for h in headings if h.startswith("按班组")))
    assert sheet(f"h/{teams}") == 0
    for s, heading in enumerate(headings):
        if heading and any(f"https://mark.test/i/{s}/0" in marks for marks in sheets):
            assert sheet(f"h/{s}") == sheet(f"i/{s}/0"), heading
