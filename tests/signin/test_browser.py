"""A worker's sign-in in a real browser at a phone's 360 px, in WeChat's in-app browser, in Chinese:
the first PIN with the one-time code (typed as phones type: lower case, full-width digits, a weak PIN
refused at its field), then signing in again; a stranger's guesses show no name and never keep the
worker out of their own phone."""

import pytest
from sqlalchemy import select

from quizapp.clock import utcnow
from quizapp.extensions import db
from quizapp.models import Employee
from quizapp.signin import workers
from tests.browser import WECHAT_UA, shot
from tests.factories import PIN
from tests.quiz.test_browser import TAP_TARGETS

pytestmark = pytest.mark.e2e


def _no_sideways_scrolling(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= 360


def _sign_in(page, base_url: str, code: str, number: str, pin: str) -> None:
    page.goto(f"{base_url}/c/{code}")
    page.get_by_label("工号").fill(number)
    page.locator("#pin").fill(pin)
    page.locator("button[type=submit]").click()


def test_the_first_pin_with_a_one_time_code_typed_as_a_phone_types_it(app, phone, live_server, town):
    with app.app_context():
        code = workers.issue_code(db.session.scalar(select(Employee).where(Employee.employee_no == "A002")), utcnow())
        db.session.commit()
    page = phone.new_page()
    page.goto(f"{live_server}/c/{town.code_a}")
    assert page.locator("#employee_no").get_attribute("autocapitalize") == "characters"
    assert page.locator("#pin").get_attribute("inputmode") == "numeric"
    assert "张新来" not in page.content()
    assert page.evaluate(TAP_TARGETS) == []
    page.get_by_role("link", name="首次登录或新验证码").click()
    page.wait_for_url("**/welcome")
    assert page.evaluate(TAP_TARGETS) == []  # every link and button at least 44 px
    for field in ("#code", "#pin", "#pin_again"):
        assert page.locator(field).get_attribute("inputmode") == "numeric"
    page.get_by_label("工号").fill("a002")
    page.locator("#code").fill(code)
    page.locator("#pin").fill("1234")
    page.locator("#pin_again").fill("1234")
    page.locator("button[type=submit]").click()
    page.wait_for_load_state()
    assert page.locator(".field-error").inner_text() == "连续数字（如1234或4321）太容易被猜到，请换一个密码。"
    assert page.locator("#pin").get_attribute("aria-invalid") == "true"
    _no_sideways_scrolling(page)
    shot(page, "worker-signin-weak-pin")
    page.locator("#code").fill(code)
    page.locator("#pin").fill("２５８０")  # a Chinese keyboard in full-width mode
    page.locator("#pin_again").fill("２５８０")
    page.locator("button[type=submit]").click()
    page.wait_for_url("**/today")
    assert "张新来" in page.content()  # the greeting, only now
    page.get_by_role("button", name="退出登录（不是我的手机）").click()
    page.wait_for_url(f"**/c/{town.code_a}")
    _sign_in(page, live_server, town.code_a, "A002", "2580")  # the number pad's digits
    page.wait_for_url("**/today")


def test_a_strangers_guesses_show_no_name_and_never_keep_the_worker_off_their_own_phone(browser, phone, live_server,
                                                                                        town):
    own = phone.new_page()
    _sign_in(own, live_server, town.code_a, town.worker_a_no, PIN)
    own.wait_for_url("**/today")
    # The session ends (staff signed the worker out everywhere), the phone stays the worker's own;
    # "not my phone" would take it off the device cookie too.
    phone.clear_cookies(name="session")
    phone.clear_cookies(name="remember_token")
    own.goto(f"{live_server}/c/{town.code_a}")

    stranger = browser.new_context(viewport={"width": 360, "height": 740}, is_mobile=True, has_touch=True,
                                   user_agent=WECHAT_UA, locale="zh-CN")
    page = stranger.new_page()
    wrong = "工号或密码不对，请检查后再试。多次输错后须等几分钟再试。"
    # The last PIN is right, but other phones must wait by then; this phone is told so (its own
    # tries made it wait: the same words for any number, on the roster or not).
    told = [wrong, wrong, "工号或密码不对。尝试次数太多，请 1 分钟后再试。", "尝试次数太多，请 1 分钟后再试。"]
    for pin, words in zip(("1357", "8642", "9753", "2468"), told, strict=True):
        _sign_in(page, live_server, town.code_a, town.worker_a_no, pin)
        page.wait_for_load_state()
        assert page.locator(".flash.error").inner_text() == words
        assert "王小明" not in page.content()
    _no_sideways_scrolling(page)
    shot(page, "worker-signin-refused")
    stranger.close()

    _sign_in(own, live_server, town.code_a, town.worker_a_no, PIN)
    own.wait_for_url("**/today")
    assert "王小明" in own.content()


def _drop_session_cookie(context) -> None:
    """What WeChat does to session cookies: gone, while the remember and device cookies stay."""
    kept = [cookie for cookie in context.cookies() if cookie["name"] != "session"]
    assert any(cookie["name"] == "remember_token" for cookie in kept)
    context.clear_cookies()
    context.add_cookies(kept)


def test_start_and_not_my_phone_work_after_wechat_dropped_the_session_cookie(app, phone, live_server, town):
    """CSRF on, as in production: the pages' tokens are the lost session's, yet "开始" starts the quiz
    and "退出登录（不是我的手机）" signs out (the browser's Origin says the form came from this site)."""
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        page = phone.new_page()
        _sign_in(page, live_server, town.code_a, town.worker_a_no, PIN)
        page.wait_for_url("**/today")
        _drop_session_cookie(phone)
        page.get_by_role("button", name="开始").click()
        page.wait_for_url("**/q/1")
        page.goto(f"{live_server}/today")
        _drop_session_cookie(phone)
        page.get_by_role("button", name="退出登录（不是我的手机）").click()
        page.wait_for_url(f"**/c/{town.code_a}")
        assert "这个页面已过期" not in page.content()
        page.goto(f"{live_server}/today")
        page.wait_for_url(f"**/c/{town.code_a}")  # signed out: back at the sign-in page
        assert not any(cookie["name"] == "remember_token" for cookie in phone.cookies())
    finally:
        app.config["WTF_CSRF_ENABLED"] = False


def test_a_phone_told_to_wait_after_its_own_typos_then_the_right_pin_works(app, phone, live_server, town):
    page = phone.new_page()
    for _ in range(3):
        _sign_in(page, live_server, town.code_a, town.worker_a_no, "1357")
        page.wait_for_load_state()
    assert page.locator(".flash").inner_text() == "工号或密码不对。尝试次数太多，请 1 分钟后再试。"
    _sign_in(page, live_server, town.code_a, town.worker_a_no, PIN)
    page.wait_for_load_state()
    assert page.locator(".flash").inner_text() == "尝试次数太多，请 1 分钟后再试。"
    _no_sideways_scrolling(page)
    shot(page, "worker-signin-wait")


def test_an_old_or_mistyped_company_code_says_where_to_go(phone, live_server, town):
    page = phone.new_page()
    page.goto(f"{live_server}/c/{town.code_a.upper()}")
    page.wait_for_url(f"**/c/{town.code_a}")
    page.goto(f"{live_server}/c/zzzzzz")
    assert page.locator("h1").inner_text() == "找不到这家公司"
    assert page.evaluate(TAP_TARGETS) == []
    _no_sideways_scrolling(page)
    shot(page, "worker-unknown-company")
    page.get_by_label("公司代码").fill(f"  {town.code_a.upper()} ")
    page.get_by_role("button", name="进入我的公司页面").click()
    page.wait_for_url(f"**/c/{town.code_a}")
