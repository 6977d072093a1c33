"""本周警情 in real browsers: the grid officer drafts an alert (a problem shown at its field, then
saved), the town admin publishes it, and a worker of the targeted grid, on a 360 px phone in
WeChat's browser with JavaScript off, meets its question first among the personal ones and reads its
lesson on the result page."""

import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from quizapp.alerts import service
from quizapp.clock import local_today
from quizapp.extensions import db
from quizapp.models import Alert, Employee, Question, QuestionVersion
from tests.alerts import drafts
from tests.browser import WECHAT_UA, page_width, shot, sign_in_staff
from tests.quiz.test_browser import sign_in_worker

pytestmark = pytest.mark.e2e


def _fill(page, data: dict) -> None:
    for name, value in data.items():
        if name in ("q1_type", "q2_type", "scene_kind"):
            page.locator(f"#{name}").select_option(value)
        elif name not in ("grids", "topic", "expires_on"):
            page.locator(f"#{name}").fill(value)


def test_the_officer_drafts_and_the_admin_publishes(app, desktop, live_server, town):
    with app.app_context():
        expires = (local_today() + timedelta(days=14)).isoformat()
    page = desktop.new_page()
    sign_in_staff(page, live_server, "officer-1")
    page.goto(f"{live_server}/reports/alerts")
    page.get_by_role("link", name="起草警情").click()
    page.wait_for_url("**/alerts/new")
    # Two weeks by default, and only the officer's own grid to choose.
    expect(page.locator("#expires_on")).to_have_value(expires)
    expect(page.locator("#grids input")).to_have_count(1)
    _fill(page, {**drafts.FORM, "q1_b_zh": "删掉短信，打13812345678问"})
    page.locator("#grids input").check()
    page.get_by_role("button", name="保存草稿").click()
    page.wait_for_load_state()
    expect(page.locator("#q1_b_zh-error")).to_contain_text("138****0000")  # at its field
    shot(page, "alerts-1-draft-problem")
    page.locator("#q1_b_zh").fill(drafts.FORM["q1_b_zh"])
    page.get_by_role("button", name="保存草稿").click()
    page.wait_for_url(re.compile(r".*/alerts/\d+$"))
    expect(page.locator("h1")).to_contain_text("草稿")
    expect(page.locator("form[action$='/publish']")).to_have_count(0)  # an officer never publishes
    shot(page, "alerts-2-drafted")
    # The officer edits the draft before the town admin reviews it.
    page.get_by_role("link", name="修改草稿").click()
    page.wait_for_url("**/edit")
    expect(page.locator("#q2_answer")).to_have_value("false")
    page.locator("#title").fill(drafts.FORM["title"] + "（更新）")
    page.get_by_role("button", name="保存草稿").click()
    page.wait_for_url(re.compile(r".*/alerts/\d+$"))
    expect(page.locator("h1")).to_contain_text("（更新）")

    page.locator("form[action='/logout'] button").click()
    sign_in_staff(page, live_server, "admin")
    page.goto(f"{live_server}/reports/alerts")
    page.get_by_role("link", name=drafts.FORM["title"] + "（更新）").click()
    page.get_by_role("button", name="发布").click()
    page.wait_for_load_state()
    expect(page.locator("h1")).to_contain_text("答题中")
    expect(page.locator("form[action$='/withdraw']")).to_have_count(1)
    shot(page, "alerts-3-published")
    with app.app_context():
        assert db.session.scalar(select(Alert.status)) == "published"


def test_a_worker_meets_the_alert_at_360_px_with_javascript_off(app, browser, live_server, town):
    with app.app_context():
        drafts.published(days=14)
        # Which of the alert's variants the worker gets depends on the ids (alerts.rules.variant_for).
        _, question_id = service.alert_slot(db.session.get(Employee, town.worker_a), local_today())
        content = db.session.scalar(select(QuestionVersion.content).join(
            Question, Question.current_version_id == QuestionVersion.id).where(Question.id == question_id))
    context = browser.new_context(viewport={"width": 360, "height": 740}, device_scale_factor=2, is_mobile=True,
                                  has_touch=True, user_agent=WECHAT_UA, locale="zh-CN", java_script_enabled=False)
    page = context.new_page()
    sign_in_worker(page, live_server, town.code_a, town.worker_a_no)
    page.locator("button[type=submit]").first.click()
    for number in range(1, 10):
        page.wait_for_url(re.compile(r".*/(q/\d+|result)$"))
        if page.url.endswith("/result"):
            break
        tag = page.locator(".alert-tag")
        if number <= 2:
            expect(tag).to_have_count(0)  # the common set comes first
        if number == 3:  # the first personal question is the alert's
            expect(tag).to_contain_text("本周警情")
            expect(page.locator("h1")).to_contain_text(content["stem"]["zh"])
            width, sticking_out = page_width(page)
            assert width <= 360, sticking_out
            shot(page, "alerts-4-worker-question")
        page.locator("label.option").first.click()
        page.get_by_role("button", name=re.compile("提交答案|Answer")).click()
        page.wait_for_url(re.compile(r".*(#feedback|/result)$"))
        if page.url.endswith("/result"):
            break
        page.locator("a.button").click()
    lesson = page.locator(".alert-lesson")
    expect(lesson).to_contain_text(drafts.FORM["title"])
    expect(lesson).to_contain_text("不计入你的得分")
    width, sticking_out = page_width(page)
    assert width <= 360, sticking_out
    shot(page, "alerts-5-worker-result")
    context.close()
