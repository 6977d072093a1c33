"""Workers' reports in a real browser: a worker reports a scam from a question's feedback on a
360 px phone in WeChat's browser (and again with JavaScript off, money lost: 110 first), and an
officer works the inbox (marks one reviewed, dismisses another with its reason)."""

import pytest
from playwright.sync_api import expect

from quizapp.extensions import db
from quizapp.models import Employee, Lead
from tests.browser import page_width, shot, sign_in_staff
from tests.factories import make_lead
from tests.quiz.test_browser import sign_in_worker

pytestmark = pytest.mark.e2e


def _fill_report(page, money_lost: bool) -> None:
    page.locator("input[name=channel][value=sms]").check()
    page.locator("input[name=asked_for][value=install]").check()
    page.locator("#text").fill("【人社局】您的技能补贴待领取，请点击链接填写银行卡信息")
    page.locator("#contact").fill("http://rsj-butie.top/lq")
    page.locator(f"input[name=money_lost][value={'yes' if money_lost else 'no'}]").check()


def test_a_worker_reports_from_the_feedback_on_a_phone(app, phone, live_server, town):
    page = phone.new_page()
    sign_in_worker(page, live_server, town.code_a, town.worker_a_no)
    page.locator("button[type=submit]").first.click()
    page.wait_for_url("**/q/1")
    page.locator("label.option").first.click()
    page.locator("form.options button[type=submit]").click()
    page.wait_for_selector(".feedback")
    offer = page.locator(".report-offer a")
    expect(offer).to_have_text("我遇到过类似的骗局：告诉民警")
    offer.click()
    page.wait_for_url("**/scam-report?*")
    expect(page.locator(".urgent")).to_contain_text("110")  # before the form
    # Nothing chosen yet: the browser itself asks for the answers before sending (required fields).
    page.locator(".report-form button[type=submit]").click()
    assert "/sent" not in page.url
    assert page.locator("input[name=channel]:invalid").count() == 5
    _fill_report(page, money_lost=False)
    width, wide = page_width(page)
    assert width <= 360, wide
    shot(page, "leads-1-report-form")
    page.locator(".report-form button[type=submit]").click()
    page.wait_for_url("**/scam-report/sent?*")
    expect(page.locator("h1")).to_have_text("谢谢你：举报已发送")
    expect(page.locator("a[href='tel:96110']")).to_be_visible()
    expect(page.locator(".next-steps")).to_contain_text("国家反诈中心")
    assert page_width(page)[0] <= 360
    shot(page, "leads-2-sent")
    page.get_by_role("link", name="返回答题").click()
    page.wait_for_url("**/q/1#feedback")
    with app.app_context():
        lead = db.session.scalar(db.select(Lead))
        assert lead.contact == "http://rsj-butie.top/lq" and lead.reports == 1 and not lead.money_lost


def test_with_javascript_off_money_lost_puts_110_first(browser, live_server, town):
    context = browser.new_context(viewport={"width": 360, "height": 740}, java_script_enabled=False, locale="zh-CN")
    page = context.new_page()
    sign_in_worker(page, live_server, town.code_b, town.worker_b_no)
    page.goto(f"{live_server}/scam-report")
    _fill_report(page, money_lost=True)
    page.locator(".report-form button[type=submit]").click()
    page.wait_for_url("**/scam-report/sent?lost=1")
    urgent = page.locator(".urgent.lost")
    expect(urgent.locator("h1")).to_have_text("你已经损失了钱：马上拨打110")
    call = urgent.locator("a[href='tel:110']")
    box = call.bounding_box()
    assert box is not None and box["y"] < 400 and box["height"] >= 44  # in view at once, a big tap target
    assert page_width(page)[0] <= 360
    shot(page, "leads-3-money-lost")
    context.close()


def test_an_officer_works_the_inbox(app, desktop, live_server, town):
    with app.app_context():
        worker = db.session.get(Employee, town.worker_a)
        refund = make_lead(worker, text="冒充快递客服说包裹丢失，要我报验证码理赔", channel="call", asked_for="code",
                           contact="17000001234", money_lost=True)
        joke = make_lead(worker, text="测试一下这个功能好不好用")
        db.session.commit()
        refund_id, joke_id = refund.id, joke.id
    page = desktop.new_page()
    sign_in_staff(page, live_server, "officer-1")
    page.goto(f"{live_server}/reports/")
    page.get_by_role("link", name="工人举报线索").click()
    rows = page.locator("table.leads tbody tr.lead")
    expect(rows).to_have_count(2)
    expect(page.locator("tr.money-lost")).to_contain_text("170******34")
    expect(page.locator("body")).not_to_contain_text("王小明")
    shot(page, "leads-4-inbox")

    page.locator("tr.money-lost form button").click()  # mark reviewed, from the list
    expect(page.locator(".flash")).to_contain_text(f"线索{refund_id}")
    expect(rows).to_have_count(1)

    page.locator("tr.lead a", has_text="查看").click()
    page.wait_for_url(f"**/reports/leads/{joke_id}")
    page.locator("#reason").fill("工人测试功能，不是诈骗")
    page.locator("form.dismiss button").click()
    expect(page.locator("table.leads tbody")).to_contain_text("这里没有举报")

    page.get_by_role("link", name="不予采用（1）").click()
    expect(page.locator("table.leads tbody")).to_contain_text("测试一下")
    page.get_by_role("link", name="已查看（1）").click()
    expect(page.locator("table.leads tbody")).to_contain_text("冒充快递客服")
    shot(page, "leads-5-reviewed")

    # A reviewed lead turns into a draft alert: the alert form opens filled in from it, numbers masked.
    page.locator("tr.lead a", has_text="查看").click()
    page.wait_for_url(f"**/reports/leads/{refund_id}")
    page.locator("a.draft-alert").click()
    page.wait_for_url("**/reports/alerts/new?*")
    expect(page.locator("#title")).to_have_value("工人举报：冒充快递客服说包裹丢失，要我报验证码理赔")
    expect(page.locator("#scene_zh")).to_have_value("them: 冒充快递客服说包裹丢失，要我报验证码理赔")
