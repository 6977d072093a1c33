"""The towns compared in a real browser at 1280 px, in Chinese, as the city admin: the table fits,
sorting by a column's link, the print button, and no script error or refused asset (strict CSP)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from quizapp.clock import local_today
from quizapp.extensions import db
from quizapp.models import CompanyDay
from quizapp.rollups import towns
from tests.browser import page_width, shot, sign_in_staff
from tests.factories import make_company, make_grid, make_staff, make_town_row

pytestmark = pytest.mark.e2e


@pytest.fixture
def three_towns(app, town):
    with app.app_context():
        today = local_today()
        ids = [town.company_a, town.company_b]
        for code, name, share in (("hm", "虎门镇", 0.9), ("cp", "常平镇", 0.4)):
            other = make_town_row(code, name)
            company = make_company(make_grid(f"{code}1", f"{name}一网格", town=other), f"{code}-c", f"{name}工厂")
            ids.append(company.id)
            for back in range(1, 31):
                db.session.add(CompanyDay(company_id=company.id, day=today - timedelta(days=back), workday=True,
                                          headcount=100, completed=round(100 * share), common_correct=150,
                                          common_answered=200))
        for back in range(1, 31):
            for company_id in ids[:2]:
                db.session.add(CompanyDay(company_id=company_id, day=today - timedelta(days=back), workday=True,
                                          headcount=2, completed=1, common_correct=1, common_answered=3))
        db.session.flush()
        towns.refresh_days([today - timedelta(days=back) for back in range(1, 31)])
        make_staff("city", "city_admin")
        db.session.commit()


def test_the_city_admin_compares_the_towns_sorts_them_and_may_print(browser, live_server, three_towns):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    context.set_default_timeout(15000)
    page = context.new_page()
    problems = []
    page.on("console", lambda message: problems.append(message.text)
            if message.type == "error" and not message.text.startswith("Failed to load resource") else None)
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on("response", lambda response: problems.append(f"{response.status} {response.url}")
            if response.status >= 400 and not response.url.endswith("/favicon.ico") else None)
    sign_in_staff(page, live_server, "city")
    page.goto(f"{live_server}/city/")
    page.locator("a[href$='/reports/city']").first.click()
    page.wait_for_url("**/reports/city")
    rows = page.locator("table.city-table tbody tr")
    assert rows.count() == 3
    assert rows.first.locator("th").inner_text() == "常平镇"  # the lowest participation first
    assert "全市合计" in page.locator("table.city-table tfoot").inner_text()
    assert page.locator(".print-button").is_visible()
    width, sticking_out = page_width(page)
    assert width <= 1280, sticking_out
    shot(page, "city-compare")
    page.locator("table.city-table thead a[href*='sort=participation']").click()
    page.wait_for_url("**dir=desc**")  # the sorted column flips: the highest first
    assert rows.first.locator("th").inner_text() == "虎门镇"
    page.locator("table.city-table thead a[href*='sort=name']").click()
    page.wait_for_url("**sort=name**")
    assert [rows.nth(i).locator("th").inner_text() for i in range(3)] == sorted(["大岭山镇", "虎门镇", "常平镇"])
    assert not problems, problems
    context.close()
