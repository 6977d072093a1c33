"""An officer's dashboard and the comparison charts in a real browser on a desktop, in Chinese:
sorting and filtering by links, choosing companies, the ECharts canvas drawn under the strict CSP."""

import random
from datetime import timedelta

import pytest
from sqlalchemy import select

from quizapp.clock import local_today
from quizapp.extensions import db
from quizapp.models import Company, CompanyDay, Employee, Grid, Incident, StaffUser
from tests.browser import shot, sign_in_staff
from tests.factories import make_company

pytestmark = pytest.mark.e2e

# (name, workers, share done 12 weeks ago, share done now): a big steady factory, small improvers.
COMPANIES = [("岭峰精密家具", 1200, 0.78, 0.82), ("华岭电子科技", 420, 0.55, 0.74), ("新塘五金制品", 240, 0.35, 0.62),
             ("大沙包装材料", 150, 0.8, 0.6), ("连平鞋业", 40, 0.2, 0.9)]


@pytest.fixture
def grid_town(app, town):
    """The test town plus five companies in grid g1 with 12 weeks of rollups and an incident."""
    rng = random.Random(5)
    with app.app_context():
        today = local_today()
        grid = db.session.scalar(select(Grid).where(Grid.code == "g1"))
        companies = [(db.session.get(Company, town.company_a), 2, 0.5, 0.5)]
        for n, (name, heads, then, now) in enumerate(COMPANIES):
            company = make_company(grid, f"e2e{n}", name)
            db.session.execute(Employee.__table__.insert(), [
                dict(company_id=company.id, employee_no=f"W{i:04d}", name=f"工人{i:04d}", active=True)
                for i in range(heads)])
            companies.append((company, heads, then, now))
        for company, heads, then, now in companies:
            for back in range(1, 84):
                day = today - timedelta(days=back)
                workday = str(day.isoweekday()) in company.workdays
                share = now + (then - now) * back / 84 + rng.uniform(-0.05, 0.05)
                done = max(0, min(heads, round(heads * share))) if workday else 0
                answered = done * 3
                db.session.add(CompanyDay(company_id=company.id, day=day, workday=workday, headcount=heads,
                                          completed=done, common_answered=answered,
                                          common_correct=round(answered * rng.uniform(0.55, 0.85))))
        db.session.add(Incident(grid_id=grid.id, company_id=companies[3][0].id,
                                month=today.replace(day=1) - timedelta(days=70), fraud_type="shuadan", cases=1,
                                loss_yuan=12000))
        db.session.commit()
        return [c.id for c, _, _, _ in companies]


def test_an_officer_sorts_filters_and_compares_companies_with_charts(desktop, live_server, grid_town):
    page = desktop.new_page()
    problems = []  # script errors, CSP refusals, and any asset that failed (the browser's favicon aside)
    page.on("console", lambda message: problems.append(message.text)
            if message.type == "error" and not message.text.startswith("Failed to load resource") else None)
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on("response", lambda response: problems.append(f"{response.status} {response.url}")
            if response.status >= 400 and not response.url.endswith("/favicon.ico") else None)
    sign_in_staff(page, live_server, "officer-1")
    page.goto(f"{live_server}/reports/")
    assert page.locator("table.dashboard-table tbody tr").count() == 6
    assert page.locator("tr.below").count() >= 1
    assert "王小明" not in page.content() and "工人0001" not in page.content()
    # The three declines of this month (in progress: shown, not compared) and the grid's quiet months.
    declines = page.locator("#declines table.yoy tbody tr")
    assert declines.count() == 3 and "原始警情" in declines.first.inner_text()
    assert "未结束" in page.locator("#declines").inner_text()
    quiet = page.locator("#declines table.quiet-grids tbody tr")
    assert quiet.count() == 1 and "连续2个月零发案" in quiet.first.inner_text()  # its case: 3 months ago
    shot(page, "reports-dashboard")

    # Sort by 30-day participation, highest first, through the column header link.
    page.locator("th a[href*='sort=p30']").click()
    page.wait_for_url("**dir=desc**")
    first = page.locator("table.dashboard-table tbody tr").first.locator("td").nth(1).inner_text()
    assert first in {"岭峰精密家具", "连平鞋业"}

    # Below target only.
    page.locator("input[name=below]").check()
    page.locator("form.filters button[type=submit]").click()
    page.wait_for_url("**below=1**")
    assert page.locator("tr.below").count() == page.locator("table.dashboard-table tbody tr").count()

    # Choose three companies on the dashboard and compare them.
    page.goto(f"{live_server}/reports/?sort=name")
    for name in ("岭峰精密家具", "连平鞋业", "华岭电子科技"):
        page.locator("tr", has_text=name).locator("input[type=checkbox]").check()
    page.locator("form[action$='/reports/compare'] button[type=submit]").click()
    page.wait_for_url("**/reports/compare**")
    page.wait_for_selector(".chart.ready canvas")
    assert page.locator(".chart.ready canvas").count() >= 2
    assert page.locator("table.weekly").first.locator("tbody tr").count() == 3
    shot(page, "reports-compare")
    assert not problems, problems


def test_the_picker_stops_at_eight_companies(desktop, live_server, grid_town, app):
    with app.app_context():
        grid = db.session.scalar(select(Grid).where(Grid.code == "g1"))
        for n in range(4):
            make_company(grid, f"more{n}", f"补充企业{n}")
        db.session.commit()
    page = desktop.new_page()
    sign_in_staff(page, live_server, "officer-1")
    page.goto(f"{live_server}/reports/compare?rank=name")
    boxes = page.locator(".compare-picker input[type=checkbox]")
    assert boxes.count() == 10
    for n in range(8):
        boxes.nth(n).check()
    assert boxes.nth(8).is_disabled() and boxes.nth(9).is_disabled()
    boxes.nth(0).uncheck()
    assert not boxes.nth(8).is_disabled()


def test_the_town_admin_reads_the_heat_table(desktop, live_server, grid_town):
    page = desktop.new_page()
    sign_in_staff(page, live_server, "admin")
    page.goto(f"{live_server}/reports/town")
    assert page.locator(".heat-table tbody tr").count() == 2
    assert page.locator(".heat-table td.heat").count() == 24
    shot(page, "reports-town")


def test_the_dashboard_prints_its_company_table_without_its_controls(desktop, live_server, grid_town):
    page = desktop.new_page()
    sign_in_staff(page, live_server, "officer-1")
    page.goto(f"{live_server}/reports/")
    page.emulate_media(media="print")
    table = page.locator("table.dashboard-table")
    assert table.is_visible()
    rows = table.locator("tbody tr")
    assert rows.count() == 6 and rows.first.is_visible()
    assert "岭峰精密家具" in table.inner_text()
    # The compare form's checkboxes and button, the filters and the navigation stay off the paper.
    assert not page.locator("table.dashboard-table input[type=checkbox]").first.is_visible()
    assert not page.locator("form[action$='/reports/compare'] button").is_visible()
    assert not page.locator("form.filters").is_visible()
    assert not page.locator(".console-nav").is_visible()
    # A4 at 12 mm margins is about 700 CSS pixels: the table fits across the page.
    page.set_viewport_size({"width": 700, "height": 1000})
    assert table.bounding_box()["width"] <= 700
    assert page.pdf(format="A4")[:4] == b"%PDF"


# The menu's entries (each a link, or the current page's name) with their boxes, and the header's
# account (name and 退出登录) with the brand's and the language switch's boxes.
MENU = """() => {
    const box = e => {
        const b = e.getBoundingClientRect();
        return {top: Math.round(b.top), left: b.left, right: b.right};
    };
    const top = document.querySelector('header.top');
    return {items: [...document.querySelectorAll('nav.console-nav:not(.admin-nav) > *')].map(box),
            who: top.querySelector('.who') && box(top.querySelector('.who')), brand: box(top.querySelector('.brand')),
            lang: box(top.querySelector('.lang')), width: document.documentElement.scrollWidth};
}"""


@pytest.mark.parametrize("username", ["officer-1", "admin"])
def test_the_reports_menu_keeps_one_line_at_1366_px_and_wraps_on_a_phone(app, browser, desktop, live_server, town,
                                                                       username):
    """The officer's twelve sections (the town admin's thirteen) and a long account name: at
    1366 px every section sits on one line, and who is signed in with 退出登录 sits in the header
    beside the language switch (they were pushed onto a line of their own). On a phone the menu
    wraps between sections, nothing is wider than the screen, and 退出登录 still signs out."""
    with app.app_context():
        db.session.scalar(select(StaffUser).where(StaffUser.username == username)).display_name = "新塘/大沙网格员"
        db.session.commit()
    page = desktop.new_page()
    sign_in_staff(page, live_server, username)
    page.goto(f"{live_server}/reports/")
    menu = page.evaluate(MENU)
    assert len(menu["items"]) >= 12 and len({item["top"] for item in menu["items"]}) == 1
    assert menu["who"] and menu["brand"]["right"] <= menu["who"]["left"]
    assert menu["who"]["right"] <= menu["lang"]["left"]
    assert menu["lang"]["right"] <= 1366 and menu["width"] <= 1366
    assert page.locator("header.top").get_by_role("button", name="退出登录").is_visible()
    shot(page, f"reports-menu-1366-{username}")

    context = browser.new_context(viewport={"width": 360, "height": 740}, is_mobile=True, has_touch=True,
                                  locale="zh-CN")
    phone = context.new_page()
    sign_in_staff(phone, live_server, username)
    phone.goto(f"{live_server}/reports/")
    menu = phone.evaluate(MENU)
    assert len({item["top"] for item in menu["items"]}) >= 2 and all(item["right"] <= 360 for item in menu["items"])
    assert menu["width"] <= 360 and menu["who"]["right"] <= 360
    shot(phone, f"reports-menu-phone-{username}")
    phone.locator("header.top").get_by_role("button", name="退出登录").click()
    phone.wait_for_url("**/login**")
    context.close()
