"""Browser fixtures: the app served on 127.0.0.1 in a thread, and Debian's Chromium under Playwright.

The test command installs Chromium (and CJK fonts, so Chinese renders in screenshots); the path
comes from QUIZAPP_CHROMIUM or defaults to /usr/bin/chromium. Screenshots go to
tests/screenshots/.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from quizapp.bank.rules.checker import read_bank
from quizapp.bank.service import load_bank
from quizapp.extensions import db

ROOT = Path(__file__).resolve().parents[1]
SHOTS = ROOT / "tests" / "screenshots"
CHROMIUM = os.environ.get("QUIZAPP_CHROMIUM", "/usr/bin/chromium")
# WeChat's in-app browser on Android announces itself like this; pages must not depend on it.
WECHAT_UA = ("Mozilla/5.0 (Linux; Android 13; V2134A Build/TP1A.220624.014; wv) AppleWebKit/537.36 "
             "(KHTML, like Gecko) Version/4.0 Chrome/116.0.0.0 Mobile Safari/537.36 XWEB/1160065 "
             "MMWEBSDK/20231202 MicroMessenger/8.0.47.2560(0x28002F30) WeChat/arm64 Weixin NetType/4G Language/zh_CN")


@pytest.fixture(scope="session")
def live_server(app):
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    assert Path(CHROMIUM).exists(), f"Chromium not found at {CHROMIUM}: the test command installs it (scripts/test)"
    with sync_playwright() as playwright:
        # A busy machine now and then loses Chromium during start-up; a second start succeeds.
        for attempt in range(3):
            try:
                browser = playwright.chromium.launch(
                    executable_path=CHROMIUM, headless=True,
                    args=["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                          "--disable-background-networking", "--disable-component-update", "--disable-sync"])
                break
            except Exception:
                if attempt == 2:
                    raise
        yield browser
        browser.close()


@pytest.fixture
def real_town(app, town):
    """The test town with the real question bank loaded (it retires the small test bank), so
    screenshots show real questions and scenes."""
    with app.app_context():
        parsed = read_bank(ROOT / "question_bank")
        assert parsed.ok, parsed.problems
        load_bank(parsed)
        db.session.commit()
    return town


@pytest.fixture
def phone(browser):
    context = browser.new_context(viewport={"width": 360, "height": 740}, device_scale_factor=2,
                                  is_mobile=True, has_touch=True, user_agent=WECHAT_UA, locale="zh-CN")
    context.set_default_timeout(15000)
    yield context
    context.close()


def shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


@pytest.fixture
def desktop(browser):
    """A desktop browser for staff and officer pages."""
    context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="zh-CN", accept_downloads=True)
    context.set_default_timeout(15000)
    yield context
    context.close()


def sign_in_staff(page, base_url: str, username: str, password: str = "correct horse battery") -> None:
    page.goto(f"{base_url}/login")
    page.locator("#username").fill(username)
    page.locator("#password").fill(password)
    page.locator("button[type=submit]").click()
    page.wait_for_load_state()
