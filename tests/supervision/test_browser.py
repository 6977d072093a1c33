"""The supervision workflow in a real desktop browser: the town admin's "check now" flags a company,
the grid officer opens the case, takes it (owner and deadline), logs a 约谈 (formal talk) with who
was summoned and where, and closes the case with its result; the case's history shows each step."""

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from quizapp.clock import local_today
from quizapp.extensions import db
from quizapp.models import Company, CompanyDay
from quizapp.supervision.rules import last_workdays
from tests.browser import shot, sign_in_staff

pytestmark = pytest.mark.e2e


@pytest.fixture
def lagging_town(app, town):
    """Company A a month in: fine three weeks ago, under the target on its last five workdays."""
    with app.app_context():
        company = db.session.get(Company, town.company_a)
        today = local_today()
        low = set(last_workdays(today, company.workdays, 5))
        for n in range(1, 29):
            day = today - timedelta(days=n)
            db.session.add(CompanyDay(company_id=company.id, day=day, workday=str(day.isoweekday()) in company.workdays,
                                      headcount=40, completed=9 if day in low else 31))
        db.session.commit()
    return town, today


def test_flag_open_follow_up_and_close_a_case(desktop, live_server, lagging_town):
    _town, today = lagging_town
    page = desktop.new_page()
    sign_in_staff(page, live_server, "admin")
    page.goto(f"{live_server}/reports/supervision")
    page.locator("form[action$='/supervision/check'] button").click()
    page.wait_for_load_state()
    expect(page.locator(".confirm-list")).to_contain_text("甲厂")  # the preview: who the check will flag
    page.locator("form[action$='/supervision/check'] button").click()  # 立即检查, on the preview
    page.wait_for_load_state()
    row = page.locator("table.cases tbody tr")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("甲厂")
    # 9 of 40 on each day (22.5%): rounded half up like every share (metrics.percent), 23%, not 22%;
    # listed with Chinese marks (、 and 和), never a half-width comma.
    expect(row).to_contain_text("23%、23%、23%、23%和23%")
    shot(page, "supervision-1-flagged")

    page.locator("form[action='/logout'] button").click()
    sign_in_staff(page, live_server, "officer-1")
    page.goto(f"{live_server}/reports/supervision")
    page.locator("table.cases a").first.click()
    page.wait_for_url("**/supervision/cases/*")
    expect(page.locator("h1")).to_contain_text("甲厂")
    expect(page.locator(".case-facts").first).to_contain_text("未指派")  # opened by the town's rules
    shot(page, "supervision-2-case")

    # The officer takes the case, due in a week.
    page.locator("#owner").select_option(label="officer-1")
    due = today + timedelta(days=7)
    page.locator("#deadline").fill(due.isoformat())
    page.locator("form[action$='/assign'] button").click()
    page.wait_for_load_state()
    expect(page.locator(".case-facts").first).to_contain_text(due.isoformat())
    # Closing before any follow-up is refused, and says why.
    page.locator("#reason").fill("参与率已恢复")
    page.locator("form[action$='/close'] button").click()
    page.wait_for_load_state()
    expect(page.locator("form[action$='/close'] .field-error")).to_be_visible()

    talk_day = today - timedelta(days=3)
    page.locator("#kind").select_option("yuetan")
    page.locator("#happened_on").fill(talk_day.isoformat())
    page.locator("#who").fill("厂长 / 人事主管")
    page.locator("#notes").fill("约谈厂长，要求每班开工前组织5分钟答题。")
    page.locator("#outcome").fill("承诺由班组长每天提醒")
    page.locator("form[action$='/follow-ups'] button").click()  # a 约谈 without who was summoned: refused
    page.wait_for_load_state()
    expect(page.locator("form[action$='/follow-ups'] .field-error").first).to_be_visible()
    page.locator("#summoned_name").fill("赵建国")
    page.locator("#summoned_role").fill("厂长")
    page.locator("#place").fill("镇派出所会议室")
    page.locator("form[action$='/follow-ups'] button").click()
    page.wait_for_load_state()
    follow_up = page.locator("article.follow-up")
    expect(follow_up).to_have_count(1)
    expect(follow_up).to_contain_text("厂长 / 人事主管")
    expect(follow_up).to_contain_text("赵建国 · 厂长")
    expect(follow_up).to_contain_text("镇派出所会议室")
    expect(follow_up.locator("svg.strip rect")).to_have_count(28)  # two weeks before and after, day by day
    shot(page, "supervision-3-follow-up")

    page.locator("#reason").fill("")
    page.locator("form[action$='/close'] button").click()  # no result yet: refused
    page.wait_for_load_state()
    expect(page.locator("form[action$='/close'] .field-error")).to_be_visible()
    page.locator("#reason").fill("参与率已恢复，转入日常跟踪")
    page.locator("form[action$='/close'] button").click()
    page.wait_for_url("**/supervision?status=closed")
    closed = page.locator("table.cases tbody tr")
    expect(closed).to_have_count(1)
    expect(closed).to_contain_text("参与率已恢复")
    assert "王小明" not in page.content()
    shot(page, "supervision-4-closed")
    closed.locator("a").first.click()
    page.wait_for_url("**/supervision/cases/*")
    history = page.locator("ol.history li")
    expect(history).to_have_count(4)  # opened (by the town's rules), assigned, the 约谈, closed
    expect(history.nth(1)).to_contain_text("officer-1")
    assert "王小明" not in page.content() and "A001" not in page.content()
