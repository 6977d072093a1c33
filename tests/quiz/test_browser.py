"""A worker's whole journey in a real browser, at a phone's 360 px, in WeChat's in-app browser,
in Chinese: first sign-in, today's quiz with feedback after every answer, the result; each answer
one request with JavaScript on (on a weak signal too), and the same quiz with JavaScript off."""

import re
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Error as PlaywrightError
from sqlalchemy import select

from quizapp.clock import local_today, utcnow
from quizapp.extensions import db
from quizapp.models import Attempt, Company, Employee
from quizapp.signin import workers
from tests.browser import shot
from tests.factories import PIN, take_quiz

pytestmark = pytest.mark.e2e


def sign_in_worker(page, base_url: str, code: str, employee_no: str, pin: str = PIN) -> None:
    page.goto(f"{base_url}/c/{code}")
    page.get_by_label("工号").fill(employee_no)
    page.locator("#pin").fill(pin)
    page.locator("button[type=submit]").click()
    page.wait_for_url("**/today")


def answer_quiz(page, prefix: str | None) -> None:
    for number in range(1, 9):
        if "/result" in page.url:
            return
        page.locator("label.option").first.click()
        page.get_by_role("button", name=re.compile("提交答案|Answer")).click()
        page.wait_for_selector(".feedback")
        if prefix and number <= 2:
            shot(page, f"{prefix}-3-feedback-{number}")
        page.locator("a.button").click()
    assert "/result" in page.url


def test_first_sign_in_to_result_in_chinese_on_a_phone(app, phone, live_server, real_town):
    with app.app_context():  # the one-time code the outreach staff handed the newcomer
        code = workers.issue_code(db.session.scalar(select(Employee).where(Employee.employee_no == "A002")), utcnow())
        db.session.commit()
    page = phone.new_page()
    page.goto(f"{live_server}/c/{real_town.code_a}")
    assert page.locator("html").get_attribute("lang") == "zh-CN"
    assert "甲厂" in page.content()
    shot(page, "worker-1-company")

    page.get_by_role("link", name="首次登录或新验证码").click()
    page.wait_for_url("**/welcome")
    page.get_by_label("工号").fill("A002")
    page.locator("#code").fill(code)
    page.locator("#pin").fill("135790")
    page.locator("#pin_again").fill("135790")
    shot(page, "worker-2-first-time")
    page.locator("button[type=submit]").click()
    page.wait_for_url("**/today")
    assert page.locator(".big").inner_text() == "5道题，答题5分钟"
    shot(page, "worker-2-today")

    page.locator("button[type=submit]").first.click()
    page.wait_for_url("**/q/1")
    assert page.locator(".timer").is_visible()
    # Nothing wider than the phone: no sideways scrolling at 360 px.
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    shot(page, "worker-3-question-1")
    answer_quiz(page, "worker")

    assert page.locator(".score").is_visible() and page.locator(".lesson").is_visible()
    assert re.search(r"\d", page.locator(".streak").inner_text())
    shot(page, "worker-4-result")

    # The phone remembers the worker: a new visit to the company link goes straight to today.
    page.goto(f"{live_server}/c/{real_town.code_a}")
    assert page.url.endswith("/today")
    assert "练习" in page.content()


def test_the_quiz_works_with_javascript_off(app, browser, live_server, real_town):
    """The same forms as pages: the answer's POST shows its feedback (no redirect to a GET), then
    the next question's link; a reload sends the form again and shows the same feedback."""
    context = browser.new_context(viewport={"width": 360, "height": 740}, java_script_enabled=False, locale="zh-CN")
    page = context.new_page()
    sign_in_worker(page, live_server, real_town.code_b, real_town.worker_b_no)
    sent = Sent(page)
    page.locator("button[type=submit]").first.click()
    page.wait_for_url("**/q/1")
    base = attempt_path(page)
    assert [(m, p) for m, p, _ in sent.take()] == [("POST", "/today/start"), ("GET", f"{base}/q/1")]
    slots = slots_of(app)
    for number in range(1, slots + 1):
        page.locator("label.option").first.click()
        page.get_by_role("button", name="提交答案").click()
        page.wait_for_url(f"**{base}/q/{number}#feedback")
        assert sent.take() == [("POST", f"{base}/q/{number}", "document")]
        assert page.locator(".feedback").is_visible() and page.locator(".report-offer a").is_visible()
        assert page.evaluate("document.documentElement.scrollWidth") <= 360
        if number == 1:
            feedback = page.locator(".feedback").inner_text()
            page.reload()  # the browser sends the answer again
            assert page.locator(".feedback").inner_text() == feedback
            assert page.locator("form.answer-form").count() == 0
            assert sent.take() == [("POST", f"{base}/q/1", "document")]
        page.locator("a.onward").click()
        onward = f"{base}/q/{number + 1}" if number < slots else f"{base}/result"
        page.wait_for_url(f"**{onward}")
        assert sent.take() == [("GET", onward, "document")]
    assert page.locator(".score").is_visible()
    with app.app_context():
        assert db.session.scalar(select(Attempt.answered).order_by(Attempt.id.desc()).limit(1)) == slots
    context.close()


def test_with_javascript_off_back_to_an_answered_question_changes_nothing(app, browser, live_server, real_town):
    """Back from the next question lands on the answer's POST, which the browser will only send
    again (it keeps no copy of a signed-in page): that shows the same feedback, never the form."""
    context = browser.new_context(viewport={"width": 360, "height": 740}, java_script_enabled=False, locale="zh-CN")
    page = context.new_page()
    sign_in_worker(page, live_server, real_town.code_b, real_town.worker_b_no)
    page.locator("button[type=submit]").first.click()
    page.wait_for_url("**/q/1")
    page.locator("label.option").first.click()
    page.get_by_role("button", name="提交答案").click()
    feedback = page.locator(".feedback").inner_text()
    page.locator("a.onward").click()
    page.wait_for_url("**/q/2")
    base = attempt_path(page)
    with pytest.raises(PlaywrightError, match="ERR_CACHE_MISS"):
        page.go_back()  # Chromium's "confirm form resubmission" page (sent again: the test above)
    assert page.locator("form.answer-form").count() == 0
    # The question's own address shows its feedback, not its form. Opened in a tab of its own: Chromium
    # may still be committing its error page in the first one, which would cut a navigation there short.
    own = context.new_page()
    own.goto(f"{live_server}{base}/q/1")
    assert own.locator(".feedback").inner_text() == feedback and own.locator("form.answer-form").count() == 0
    with app.app_context():
        assert db.session.scalar(select(Attempt.answered).order_by(Attempt.id.desc()).limit(1)) == 1
    context.close()


def test_a_scene_renders_as_chat_bubbles(phone, live_server, real_town, app):
    """A scenario question shows the scam as the worker meets it: the caller's lines on the left,
    the worker's own on the right, never wider than the screen."""
    attempt_id, _ = _scene_attempt(app, real_town)

    page = phone.new_page()
    sign_in_worker(page, live_server, real_town.code_a, real_town.worker_a_no)
    page.goto(f"{live_server}/attempt/{attempt_id}/q/1")
    bubbles = page.locator("figure.scene .msg")
    assert bubbles.count() == 3
    them = page.locator("figure.scene .msg.them").first.bounding_box()
    mine = page.locator("figure.scene .msg.me").first.bounding_box()
    assert mine["x"] > them["x"] and mine["x"] + mine["width"] <= 360
    assert "物流" in page.locator("figure.scene figcaption").inner_text()
    shot(page, "worker-scene-call")


def test_after_the_first_page_the_phone_asks_for_no_static_file_again(phone, live_server, real_town):
    """On a weak signal every round trip counts: each static file crosses the network once, then
    comes from the phone's cache with no revalidation, for the whole quiz; no page asks for an icon."""
    page = phone.new_page()
    cdp = phone.new_cdp_session(page)
    cdp.send("Network.enable")
    static: dict[str, str] = {}  # request id -> URL of every static file the pages asked for
    cached: set[str] = set()
    icons: list[str] = []

    def sent(event):
        if "/static/" in event["request"]["url"]:
            static[event["requestId"]] = event["request"]["url"]
        if "favicon" in event["request"]["url"]:
            icons.append(event["request"]["url"])

    def from_disk(event):
        if event["response"].get("fromDiskCache"):
            cached.add(event["requestId"])

    cdp.on("Network.requestWillBeSent", sent)
    cdp.on("Network.requestServedFromCache", lambda event: cached.add(event["requestId"]))
    cdp.on("Network.responseReceived", from_disk)
    sign_in_worker(page, live_server, real_town.code_a, real_town.worker_a_no)
    assert any("app.css" in url for url in static.values()), "the first pages load the stylesheet"
    page.locator("button[type=submit]").first.click()
    answer_quiz(page, None)
    over_the_network = [url for rid, url in static.items() if rid not in cached]
    assert any("quiz.js" in url for url in over_the_network), "the question pages use the quiz script"
    assert sorted(over_the_network) == sorted(set(over_the_network)), "a static file crossed the network twice"
    assert sum("app.css" in url for url in static.values()) > 1, "later pages took the stylesheet from the cache"
    assert icons == []


TAP_TARGETS = """() => Array.from(document.querySelectorAll('a[href], button, input[type=submit]'))
    .filter(el => el.offsetParent !== null)
    .map(el => { const b = el.getBoundingClientRect(), name = el.textContent.trim() || el.outerHTML.slice(0, 60);
                 return [name, Math.round(b.width), Math.round(b.height)]; })
    .filter(([, w, h]) => w < 44 || h < 44)"""


def test_every_link_and_button_a_worker_taps_is_at_least_44_px(phone, live_server, real_town):
    page = phone.new_page()
    small: dict[str, list] = {}
    page.goto(f"{live_server}/c/{real_town.code_a}")
    small["company"] = page.evaluate(TAP_TARGETS)
    sign_in_worker(page, live_server, real_town.code_a, real_town.worker_a_no)
    small["today"] = page.evaluate(TAP_TARGETS)
    page.locator("button[type=submit]").first.click()
    page.wait_for_url("**/q/1")
    small["question"] = page.evaluate(TAP_TARGETS)
    page.locator("label.option").first.click()
    page.get_by_role("button", name="提交答案").click()
    page.wait_for_selector(".feedback")
    small["feedback"] = page.evaluate(TAP_TARGETS)
    page.locator("a.button").click()
    answer_quiz(page, None)
    small["result"] = page.evaluate(TAP_TARGETS)
    page.goto(f"{live_server}/history")
    small["history"] = page.evaluate(TAP_TARGETS)
    page.goto(f"{live_server}/lang/en?next=/today")
    small["today in English"] = page.evaluate(TAP_TARGETS)
    assert {name: found for name, found in small.items() if found} == {}


SPEECH = """() => {
    window.__spoken = [];
    Object.defineProperty(window, 'speechSynthesis', {configurable: true, value: {
        speak: u => window.__spoken.push([u.text, u.lang]), cancel: () => {},
        getVoices: () => [{lang: 'zh-CN'}, {lang: 'en-US'}]}});
    window.SpeechSynthesisUtterance = function (text) { this.text = text; };
}"""


def _scene_attempt(app, town, slug: str = "kefu-001"):
    """Today's quiz for worker A, with the kefu-001 call scene (or the bank's `slug`) as question 1
    (options in written order)."""
    from quizapp.clock import local_today, utcnow
    from quizapp.extensions import db
    from quizapp.models import Answer, Employee, Question
    from quizapp.quiz import service as quiz

    with app.app_context():
        attempt = quiz.start_attempt(db.session.get(Employee, town.worker_a), "official", local_today(),
                                     utcnow(), "test-town")
        scene = db.session.scalar(db.select(Question).where(Question.slug == slug))
        first = db.session.scalar(db.select(Answer).where(Answer.attempt_id == attempt.id, Answer.position == 1))
        first.question_id, first.question_version_id = scene.id, scene.current_version_id
        first.choice_order = list(range(len(scene.current_version.content["options"])))
        db.session.commit()
        return attempt.id, scene.current_version.content


def test_read_aloud_reads_the_scene_first_then_the_numbered_options(phone, live_server, real_town, app):
    attempt_id, content = _scene_attempt(app, real_town)
    page = phone.new_page()
    page.add_init_script(f"({SPEECH})()")
    sign_in_worker(page, live_server, real_town.code_a, real_town.worker_a_no)
    page.goto(f"{live_server}/attempt/{attempt_id}/q/1")
    button = page.locator(".speak-btn").bounding_box()
    scene = page.locator("figure.scene").bounding_box()
    assert button["y"] + button["height"] <= scene["y"], "the button sits above the card, covering nothing"
    page.locator(".speak-btn").click()
    (text, lang), = page.evaluate("window.__spoken")
    assert lang == "zh-CN"
    first_line = content["scene_lines"][0]["text"]["zh"]
    assert text.index(first_line) < text.index(content["stem"]["zh"])
    assert "对方说：" in text or "你说：" in text
    assert text.index("选项1：") < text.index("选项2：") and text.index(content["stem"]["zh"]) < text.index("选项1：")
    assert page.locator(".option .n").first.inner_text() == "1"


def test_a_phone_that_cannot_speak_is_told_so(phone, live_server, real_town, app):
    attempt_id, _ = _scene_attempt(app, real_town)
    page = phone.new_page()
    page.add_init_script("Object.defineProperty(window, 'speechSynthesis', {configurable: true, value: undefined});")
    sign_in_worker(page, live_server, real_town.code_a, real_town.worker_a_no)
    page.goto(f"{live_server}/attempt/{attempt_id}/q/1")
    page.locator(".speak-btn").click()
    assert "不能朗读" in page.locator(".speak-note").inner_text()


def test_after_an_answer_the_verdict_is_in_view(phone, live_server, real_town, app):
    attempt_id, _ = _scene_attempt(app, real_town)
    page = phone.new_page()
    sign_in_worker(page, live_server, real_town.code_a, real_town.worker_a_no)
    page.goto(f"{live_server}/attempt/{attempt_id}/q/1")
    page.locator("label.option").first.click()
    page.get_by_role("button", name="提交答案").click()
    page.wait_for_selector(".feedback")
    verdict = page.locator(".feedback .verdict").bounding_box()
    assert 0 <= verdict["y"] and verdict["y"] + verdict["height"] <= 740


def test_multiple_choice_feedback_says_what_was_picked_and_what_was_missed(phone, live_server, real_town, app):
    """zhongjiang-005: A, C and E are right. Picking A and B: A picked and right, B picked and not
    right, C and E missed, D left alone; in words on each option, at 360 px."""
    attempt_id, _ = _scene_attempt(app, real_town, "zhongjiang-005")
    page = phone.new_page()
    sign_in_worker(page, live_server, real_town.code_a, real_town.worker_a_no)
    page.goto(f"{live_server}/attempt/{attempt_id}/q/1")
    page.locator("label.option").nth(0).click()
    page.locator("label.option").nth(1).click()
    page.get_by_role("button", name="提交答案").click()
    page.wait_for_selector(".feedback")
    marks = [m.strip() for m in page.locator(".options.result li.option").evaluate_all(
        "items => items.map(li => (li.querySelector('.mark') || {textContent: ''}).textContent)")]
    assert marks == ["✓ 你选对了", "✗ 你的选择：不对", "漏选：这一项也对", "", "漏选：这一项也对"]
    assert "3个正确选项，你选中了1个；另外选了1个不对的。" in page.locator(".feedback").inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    shot(page, "worker-multiple-feedback")


def test_with_javascript_the_language_switch_returns_to_the_question_on_screen(phone, live_server, real_town):
    """Questions shown in place change the address: the header's language switch follows, so
    switching on question 3 (before or after answering it) comes back to question 3."""
    page = phone.new_page()
    sign_in_worker(page, live_server, real_town.code_a, real_town.worker_a_no)
    page.locator("button[type=submit]").first.click()
    page.wait_for_url("**/q/1")
    base = attempt_path(page)
    for number in (1, 2):
        page.locator("label.option").first.click()
        page.get_by_role("button", name="提交答案").click()
        page.wait_for_selector(".feedback")
        assert page.locator("a.lang").get_attribute("href").endswith(f"next={base}/q/{number}".replace("/", "%2F"))
        page.locator("a.onward").click()
        page.wait_for_url(f"**{base}/q/{number + 1}")
    page.evaluate("window.sameDocument = true")
    page.locator("a.lang").click()
    page.wait_for_url(f"**{base}/q/3")
    assert page.evaluate("window.sameDocument === undefined")  # a page load, in English
    assert page.locator("html").get_attribute("lang") == "en" and page.locator("form.answer-form").is_visible()
    page.locator("label.option").first.click()
    page.get_by_role("button", name="Answer").click()
    page.wait_for_selector(".feedback")
    page.locator("a.lang").click()
    page.wait_for_url(f"**{base}/q/3")
    assert page.locator("html").get_attribute("lang") == "zh-CN"
    assert page.locator(".feedback").is_visible() and page.locator("form.answer-form").count() == 0
    shot(page, "worker-language-switch-back-to-q3")


def test_this_week_s_alert_question_is_named_not_numbered_and_says_it_is_not_scored(app, phone, live_server,
                                                                                     real_town):
    from tests.alerts import drafts

    with app.app_context():
        drafts.published(days=3)
    page = phone.new_page()
    sign_in_worker(page, live_server, real_town.code_a, real_town.worker_a_no)
    assert f"今天多一道题，不计分：你身边出现的骗局「{drafts.FORM['title']}」。" in page.locator("main").inner_text()
    shot(page, "worker-alert-today")
    page.locator("button[type=submit]").first.click()
    page.wait_for_url("**/q/1")
    bars = []
    while "/result" not in page.url:
        bar = page.locator(".quizbar > span").first.inner_text().split("\n")[0]
        bars.append(bar)
        if page.locator(".card.question .alert-tag").count():
            assert bar == "附加题，不计分" and page.locator("text=这道题不计分").is_visible()
            assert page.evaluate("document.documentElement.scrollWidth") <= 360
            shot(page, "worker-alert-question")
        page.locator("label.option").first.click()
        page.get_by_role("button", name="提交答案").click()
        page.wait_for_selector(".feedback")
        page.locator("a.onward").click()
        page.wait_for_url(re.compile(r".*/(q/\d+|result)$"))
    assert "附加题，不计分" in bars
    assert [b for b in bars if b.startswith("第")] == [f"第{n}题，共5题" for n in range(1, 6)]
    assert page.locator(".score").inner_text().endswith("共5题")


class Sent:
    """Every request a page sends that reaches for the server: documents and fetches as (method,
    path, kind), static files apart (they come from the phone's cache after the first page)."""

    def __init__(self, page):
        self.requests: list[tuple[str, str, str]] = []
        self.static: list[str] = []
        page.on("request", self._sent)

    def _sent(self, request):
        path = urlsplit(request.url).path
        if path.startswith("/static/"):
            self.static.append(path)
        else:
            self.requests.append((request.method, path, request.resource_type))

    def take(self) -> list[tuple[str, str, str]]:
        taken, self.requests = self.requests, []
        return taken


def attempt_path(page) -> str:
    return re.search(r"/attempt/\d+", page.url).group(0)


def slots_of(app) -> int:
    with app.app_context():
        return db.session.scalar(select(Attempt.slots).order_by(Attempt.id.desc()).limit(1))


def test_with_javascript_each_question_is_one_request(app, phone, live_server, real_town):
    """The answer is sent in the background and its response brings the feedback and the next
    question: one request per question, no page load, the address and title keep up, 360 px wide."""
    page = phone.new_page()
    sign_in_worker(page, live_server, real_town.code_a, real_town.worker_a_no)
    sent = Sent(page)
    page.locator("button[type=submit]").first.click()
    page.wait_for_url("**/q/1")
    base = attempt_path(page)
    assert [(m, p) for m, p, _ in sent.take()] == [("POST", "/today/start"), ("GET", f"{base}/q/1")]
    page.evaluate("window.sameDocument = true")  # gone if the page were loaded again
    slots = slots_of(app)
    for number in range(1, slots + 1):
        page.locator("label.option").first.click()
        page.get_by_role("button", name="提交答案").click()
        page.wait_for_selector(".feedback")
        assert sent.take() == [("POST", f"{base}/q/{number}", "fetch")]
        assert page.url.endswith(f"{base}/q/{number}#feedback")
        assert page.locator("form.answer-form").count() == 0 and page.locator(".report-offer a").is_visible()
        assert page.evaluate("document.documentElement.scrollWidth") <= 360
        if number == slots:
            break
        assert page.locator("a.onward").inner_text() == "下一题"
        page.locator("a.onward").click()
        page.wait_for_url(f"**{base}/q/{number + 1}")
        assert sent.take() == [], "the next question came with the answer's response"
        assert page.locator("form.answer-form").is_visible() and page.locator(".timer").is_visible()
        assert page.title() in (f"第{number + 1}题，共5题 · 岗前反诈5分钟", "关于你的一个小问题 · 岗前反诈5分钟")
        assert page.evaluate("window.sameDocument") is True
    assert page.locator("a.onward").inner_text() == "看我的成绩"
    page.locator("a.onward").click()
    page.wait_for_url(f"**{base}/result")
    assert [(m, p) for m, p, _ in sent.take()] == [("GET", f"{base}/result")]
    assert page.locator(".score").is_visible()


def test_with_javascript_back_shows_the_answered_question_as_answered(phone, live_server, real_town):
    page = phone.new_page()
    sign_in_worker(page, live_server, real_town.code_a, real_town.worker_a_no)
    page.locator("button[type=submit]").first.click()
    page.wait_for_url("**/q/1")
    page.locator("label.option").first.click()
    page.get_by_role("button", name="提交答案").click()
    page.locator("a.onward").click()
    page.wait_for_url("**/q/2")
    page.go_back()
    page.wait_for_url("**/q/1#feedback")
    page.wait_for_selector(".feedback")
    assert page.locator("form.answer-form").count() == 0  # its feedback, never its form again


def test_an_answer_whose_reply_was_lost_is_sent_again_and_counted_once(app, phone, live_server, real_town):
    """On a weak signal the answer can reach the server and its reply be lost: the phone says it was
    not sent, the worker taps "try again", and sees the same feedback; the answer counts once."""
    page = phone.new_page()
    sign_in_worker(page, live_server, real_town.code_a, real_town.worker_a_no)
    page.locator("button[type=submit]").first.click()
    page.wait_for_url("**/q/1")
    posts: list[str] = []

    def reply_lost_once(route):
        if route.request.method != "POST":
            route.continue_()
            return
        posts.append(route.request.post_data or "")
        if len(posts) == 1:
            route.fetch()  # the server records the answer ...
            route.abort("connectionreset")  # ... and the phone never hears back
        else:
            route.continue_()

    page.route("**/attempt/*/q/*", reply_lost_once)
    page.locator("label.option").nth(1).click()
    page.get_by_role("button", name="提交答案").click()
    status = page.locator(".send-status")
    status.get_by_role("button", name="再试一次").wait_for()
    assert "没有发出去" in status.inner_text()
    assert page.get_by_role("button", name="提交答案").is_enabled()
    retry = status.get_by_role("button", name="再试一次").bounding_box()
    assert retry["height"] >= 44 and retry["x"] + retry["width"] <= 360
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    shot(page, "worker-3-not-sent")
    status.get_by_role("button", name="再试一次").click()
    page.wait_for_selector(".feedback")
    assert len(posts) == 2 and posts[0] == posts[1]
    with app.app_context():
        attempt = db.session.scalar(select(Attempt).order_by(Attempt.id.desc()).limit(1))
        assert attempt.answered == 1
        first = next(a for a in attempt.answers if a.position == 1)
        assert first.chosen == [first.choice_order[1]]
    assert page.locator(".flash.warning").count() == 0  # the same answer: nothing to warn about


def test_a_slow_answer_offers_to_try_again(app, phone, live_server, real_town):
    page = phone.new_page()
    page.clock.install()
    sign_in_worker(page, live_server, real_town.code_a, real_town.worker_a_no)
    page.locator("button[type=submit]").first.click()
    page.wait_for_url("**/q/1")
    held = []

    def hold_the_first(route):
        if route.request.method == "POST" and not held:
            held.append(route)  # no answer yet: a request stuck on a weak signal
        else:
            route.continue_()

    page.route("**/attempt/*/q/*", hold_the_first)
    page.locator("label.option").first.click()
    page.get_by_role("button", name="提交答案").click()
    status = page.locator(".send-status")
    status.get_by_text("正在发送").wait_for()
    page.clock.run_for(9000)
    status.get_by_role("button", name="再试一次").click()
    page.wait_for_selector(".feedback")
    held[0].continue_()  # the first arrives after all: the same answer, recorded once
    page.wait_for_timeout(300)
    with app.app_context():
        assert db.session.scalar(select(Attempt.answered).order_by(Attempt.id.desc()).limit(1)) == 1
    assert page.locator(".feedback").count() == 1


def test_signed_out_mid_quiz_the_phone_says_so_and_leads_back(phone, live_server, real_town):
    page = phone.new_page()
    sign_in_worker(page, live_server, real_town.code_a, real_town.worker_a_no)
    page.locator("button[type=submit]").first.click()
    page.wait_for_url("**/q/1")
    phone.clear_cookies(name="session")
    phone.clear_cookies(name="remember_token")
    page.locator("label.option").first.click()
    page.get_by_role("button", name="提交答案").click()
    status = page.locator(".send-status")
    status.get_by_role("link", name="登录").wait_for()
    assert "已退出登录" in status.inner_text()
    status.get_by_role("link", name="登录").click()
    page.wait_for_url(f"**/c/{real_town.code_a}")
    sign_in_worker(page, live_server, real_town.code_a, real_town.worker_a_no)
    page.get_by_role("link", name="继续").click()
    page.wait_for_url("**/q/1")
    assert page.locator("form.answer-form").is_visible()  # the answer was not saved: asked again


def test_a_browser_without_fetch_sends_the_answer_as_a_page(phone, live_server, real_town):
    """An old in-app browser without fetch: the form is sent as a page, and still works."""
    page = phone.new_page()
    page.add_init_script("delete window.fetch;")
    sign_in_worker(page, live_server, real_town.code_a, real_town.worker_a_no)
    page.locator("button[type=submit]").first.click()
    page.wait_for_url("**/q/1")
    sent = Sent(page)
    page.locator("label.option").first.click()
    page.get_by_role("button", name="提交答案").click()
    page.wait_for_url("**/q/1#feedback")
    page.wait_for_selector(".feedback")
    assert [(m, kind) for m, _, kind in sent.take()] == [("POST", "document")]


LONG_NAME = "东莞市大岭山镇恒通精密电子科技股份有限公司第二分厂"
# The header's company name, as a worker sees it: the whole text inside the visible part of the
# header (no ellipsis, no clipping, nothing under the language switch), on a page no wider than the phone.
BRAND = """() => {
    const brand = document.querySelector('.top .brand'), style = getComputedStyle(brand);
    const box = brand.getBoundingClientRect(), lang = document.querySelector('.top .lang').getBoundingClientRect();
    const range = document.createRange(); range.selectNodeContents(brand);
    const text = range.getBoundingClientRect();
    return {text: brand.textContent.trim(),
            clipped: brand.scrollWidth > brand.clientWidth || brand.scrollHeight > brand.clientHeight,
            ellipsis: style.textOverflow === 'ellipsis', nowrap: style.whiteSpace === 'nowrap',
            inside: text.left >= box.left - 1 && text.right <= box.right + 1 && text.right <= lang.left,
            page: document.documentElement.scrollWidth <= window.innerWidth};
}"""


def test_a_long_company_name_wraps_whole_on_every_worker_page(app, phone, live_server, real_town):
    """东莞市…第一分厂 and …第二分厂 differ only at the end, which an ellipsis cut off at 360 px: the
    header's name wraps onto a second line instead, on each worker page that shows it."""
    with app.app_context():
        db.session.get(Company, real_town.company_a).name = LONG_NAME
        db.session.commit()
    page = phone.new_page()
    seen = {}
    page.goto(f"{live_server}/c/{real_town.code_a}")
    seen["company"] = page.evaluate(BRAND)
    shot(page, "worker-long-company-name")
    page.goto(f"{live_server}/c/{real_town.code_a}/welcome")
    seen["first time"] = page.evaluate(BRAND)
    sign_in_worker(page, live_server, real_town.code_a, real_town.worker_a_no)
    seen["today"] = page.evaluate(BRAND)
    page.locator("button[type=submit]").first.click()
    page.wait_for_url("**/q/1")
    seen["question"] = page.evaluate(BRAND)
    answer_quiz(page, None)
    seen["result"] = page.evaluate(BRAND)
    page.goto(f"{live_server}/history")
    seen["history"] = page.evaluate(BRAND)
    page.goto(f"{live_server}/scam-report")
    seen["scam report"] = page.evaluate(BRAND)
    page.goto(f"{live_server}/scam-report/sent")
    seen["report sent"] = page.evaluate(BRAND)
    page.goto(f"{live_server}/lang/en?next=/today")
    seen["today in English"] = page.evaluate(BRAND)
    whole = {"text": LONG_NAME, "clipped": False, "ellipsis": False, "nowrap": False, "inside": True, "page": True}
    assert {name: found for name, found in seen.items() if found != whole} == {}


def overlap(a: dict, b: dict) -> bool:
    """Whether two boxes (Playwright's bounding_box) share any area."""
    return (a["x"] < b["x"] + b["width"] and b["x"] < a["x"] + a["width"]
            and a["y"] < b["y"] + b["height"] and b["y"] < a["y"] + a["height"])


def test_the_read_aloud_button_leaves_the_quiz_bar_clear(app, browser, phone, live_server, real_town):
    """The button (44 px tall on a worker's page) sat over the bar's Practice tag by about 5 px at
    360 px in English; it covers neither the bar of a practice round nor the official quiz's clock."""
    with app.app_context():
        worker = db.session.get(Employee, real_town.worker_a)
        take_quiz(worker, local_today())
        practice = take_quiz(worker, local_today(), kind="practice", finish=False).id
    page = phone.new_page()
    sign_in_worker(page, live_server, real_town.code_a, real_town.worker_a_no)
    page.goto(f"{live_server}/lang/en?next=/attempt/{practice}/q/1")
    assert page.locator(".quizbar .tag").inner_text() == "Practice"
    button = page.locator(".speak-btn").bounding_box()
    assert button and button["height"] >= 44
    for part in [page.locator(".quizbar"), *page.locator(".quizbar > *").all()]:
        assert not overlap(button, part.bounding_box())

    other = browser.new_context(viewport={"width": 360, "height": 740}, is_mobile=True, has_touch=True, locale="zh-CN")
    official = other.new_page()
    sign_in_worker(official, live_server, real_town.code_b, real_town.worker_b_no)
    official.locator("button[type=submit]").first.click()
    official.wait_for_url("**/q/1")
    button, timer = official.locator(".speak-btn").bounding_box(), official.locator(".quizbar .timer").bounding_box()
    assert button and timer and not overlap(button, timer)
    other.close()
