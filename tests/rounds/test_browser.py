"""The live pre-shift round in real browsers: a staff member runs it on the pre-shift screen at
desktop size while two workers answer in their normal quiz on their phones; the shares on the
screen change by themselves, then the answer and the rule are shown, and the recap prints."""

import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from quizapp.clock import local_today
from quizapp.extensions import db
from quizapp.models import Answer, Attempt, Company, Employee, PreshiftRound, Question, QuestionVersion
from quizapp.rounds import views as round_views
from quizapp.rounds.rules import MIN_ANSWERS
from tests.browser import WECHAT_UA, shot, sign_in_staff
from tests.factories import PIN, make_employee, right_choice, take_quiz, wrong_choice

pytestmark = pytest.mark.e2e


@pytest.fixture
def meeting(app, real_town):
    """Company A's 一车间: MIN_ANSWERS - 1 workers who did today's quiz (right on the common
    questions) and two with phones at the meeting who have not yet."""
    with app.app_context():
        a = db.session.get(Company, real_town.company_a)
        a.workdays = "1234567"  # today is a workday whatever the weekday
        for i in range(MIN_ANSWERS - 1):
            take_quiz(make_employee(a, f"A3{i:02d}", f"早到{i}", team="一车间"), local_today())
        phones = [make_employee(a, f"ZX90{i}", "司徒" + "甲乙"[i], team="一车间").employee_no for i in range(2)]
        db.session.commit()
    return real_town, phones


def on_phone(browser, base_url: str, code: str, employee_no: str):
    """A worker's phone at the meeting: signed in, today's quiz started, on question 1."""
    context = browser.new_context(viewport={"width": 360, "height": 740}, is_mobile=True, has_touch=True,
                                  user_agent=WECHAT_UA, locale="zh-CN")
    page = context.new_page()
    page.goto(f"{base_url}/c/{code}")
    page.get_by_label("工号").fill(employee_no)
    page.locator("#pin").fill(PIN)
    page.locator("button[type=submit]").click()
    page.wait_for_url("**/today")
    page.locator("button[type=submit]").first.click()
    page.wait_for_url("**/q/1")
    return context, page


def answer_first(app, page, employee_no: str, right: bool) -> None:
    """Tap the right (or a wrong) option of question 1 as the worker sees them (shuffled)."""
    with app.app_context():
        slot = db.session.scalar(select(Answer).join(Attempt).join(Employee, Employee.id == Attempt.employee_id)
                                 .where(Employee.employee_no == employee_no, Answer.position == 1))
        position = (right_choice(slot) if right else wrong_choice(slot))[0]
    page.locator("label.option").nth(position).click()
    page.get_by_role("button", name=re.compile("提交答案|Answer")).click()
    page.wait_for_selector(".feedback")


def test_a_round_on_the_preshift_screen_while_two_workers_answer(app, browser, desktop, live_server, meeting,
                                                                 monkeypatch):
    town, phones = meeting
    monkeypatch.setattr(round_views, "POLL_SECONDS", 1)  # the screen polls every second instead of 3
    screen = desktop.new_page()
    sign_in_staff(screen, live_server, "staff-a")
    screen.goto(f"{live_server}/console/preshift?team=一车间")
    screen.get_by_role("button", name="大家一起过今天的题").click()
    screen.wait_for_url(re.compile(r".*/console/rounds/\d+$"))
    assert screen.locator(".round-count").inner_text() == "第1题，共2题"
    answered = screen.locator(".answered-count")
    shares = screen.locator(".option-share")
    expect(answered).to_have_text(str(MIN_ANSWERS - 1))
    assert set(shares.all_inner_texts()) == {"–"} and screen.locator("[data-hidden-note]").is_visible()
    assert screen.evaluate("document.documentElement.scrollWidth") <= 1366
    shot(screen, "console-round-1-waiting")

    first, first_page = on_phone(browser, live_server, town.code_a, phones[0])
    second, second_page = on_phone(browser, live_server, town.code_a, phones[1])
    answer_first(app, first_page, phones[0], right=True)
    expect(answered).to_have_text(str(MIN_ANSWERS))  # without reloading the screen
    expect(screen.locator("[data-hidden-note]")).to_be_hidden()
    assert sorted(shares.all_inner_texts()) == sorted(["100%"] + ["0%"] * (shares.count() - 1))
    answer_first(app, second_page, phones[1], right=False)
    expect(answered).to_have_text(str(MIN_ANSWERS + 1))
    expect(shares.filter(has_text="83%")).to_have_count(1)  # 5 of 6 right; the other one chose a wrong option
    expect(shares.filter(has_text="17%")).to_have_count(1)
    assert "司徒" not in screen.content() and "ZX90" not in screen.content()  # no names, no numbers
    shot(screen, "console-round-2-shares")
    first.close()
    second.close()

    screen.get_by_role("button", name="公布答案").click()
    expect(screen.locator(".round-lesson")).to_be_visible()
    assert screen.locator(".round-option.right .option-share").inner_text() == "83%"
    shot(screen, "console-round-3-answer")
    screen.get_by_role("button", name="下一题").click()
    expect(screen.locator(".round-count")).to_have_text("第2题，共2题")
    assert screen.locator(".round-lesson").count() == 0  # the team answers first
    screen.get_by_role("button", name="结束本轮").click()
    expect(screen.locator(".round-recap .round-question")).to_have_count(2)
    screen.emulate_media(media="print")
    assert screen.locator(".round-controls").is_hidden() and screen.locator(".round-lesson").first.is_visible()
    shot(screen, "console-round-4-recap-print")


def test_the_round_runs_with_javascript_off(browser, live_server, meeting):
    """No script on the screen's browser: the buttons are plain forms, the page reloads itself for
    the latest shares and has a refresh link."""
    context = browser.new_context(viewport={"width": 1366, "height": 900}, java_script_enabled=False, locale="zh-CN")
    screen = context.new_page()
    sign_in_staff(screen, live_server, "staff-a")
    screen.goto(f"{live_server}/console/preshift?team=一车间")
    screen.get_by_role("button", name="大家一起过今天的题").click()
    screen.wait_for_url(re.compile(r".*/console/rounds/\d+$"))
    assert screen.locator("noscript").count() == 1
    assert screen.get_by_role("link", name="刷新").get_attribute("href") == screen.url.removeprefix(live_server)
    screen.get_by_role("button", name="公布答案").click()
    assert screen.locator(".round-lesson").is_visible()
    screen.get_by_role("button", name="下一题").click()
    assert screen.locator(".round-count").inner_text() == "第2题，共2题"
    screen.get_by_role("button", name="结束本轮").click()
    assert screen.locator(".round-recap .round-question").count() == 2
    context.close()


def overlap(a: dict, b: dict) -> bool:
    """Whether two boxes (Playwright's bounding_box) share any area."""
    return (a["x"] < b["x"] + b["width"] and b["x"] < a["x"] + a["width"]
            and a["y"] < b["y"] + b["height"] and b["y"] < a["y"] + a["height"])


def test_the_qr_code_has_its_own_room_beside_a_scene_with_a_me_bubble(app, desktop, live_server, meeting):
    """A common question whose call scene has the worker's own line ("me", on the right) second, as
    in the bank's daikuan, kefu and zhengxin: at 1366 px the QR code and its caption sit beside the
    scene, never over its dark panel, the caption is dark on white, and the "me" bubble keeps its
    width (it was squeezed to three short lines under the QR)."""
    screen = desktop.new_page()
    sign_in_staff(screen, live_server, "staff-a")
    screen.goto(f"{live_server}/console/preshift?team=一车间")
    screen.get_by_role("button", name="大家一起过今天的题").click()
    screen.wait_for_url(re.compile(r".*/console/rounds/\d+$"))
    round_id = int(screen.url.rsplit("/", 1)[1])
    with app.app_context():
        me_second = [question.id for question, content in db.session.execute(
            select(Question, QuestionVersion.content)
            .join(QuestionVersion, QuestionVersion.id == Question.current_version_id)
            .where(Question.common.is_(True)).order_by(Question.id))
            if content.get("scene") and [line["speaker"] for line in content["scene_lines"]][1:2] == ["me"]]
        assert me_second, "the real bank has common questions whose scene has a 'me' line second"
        found = db.session.get(PreshiftRound, round_id)
        found.question_ids = [me_second[0], *found.question_ids[1:]]
        db.session.commit()
    screen.reload()
    qr, scene = screen.locator(".round-qr").bounding_box(), screen.locator(".round-question .scene").bounding_box()
    caption = screen.locator(".round-qr figcaption")
    assert qr and scene and not overlap(qr, scene)
    assert caption.inner_text() == "微信扫一扫" and caption.is_visible()
    assert caption.evaluate("e => getComputedStyle(e).color") == "rgb(29, 36, 51)"  # #1d2433, on the page's white
    me = screen.locator(".round-question .scene .msg.me").first
    box = me.bounding_box()
    assert box and not overlap(qr, box)
    line_height = me.evaluate("e => parseFloat(getComputedStyle(e).lineHeight)")
    assert box["height"] < 2.5 * line_height  # one line (two at most), not a narrow column
    assert screen.evaluate("document.documentElement.scrollWidth") <= 1366
    shot(screen, "console-round-5-scene-beside-qr")
