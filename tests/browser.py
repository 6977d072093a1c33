"""Browser fixtures: the app served on 127.0.0.1 in a thread, and Debian's Chromium under Playwright.

The test command installs Chromium (and CJK fonts, so Chinese renders in screenshots); the path
comes from QUIZAPP_CHROMIUM or defaults to /usr/bin/chromium. Screenshots go to
tests/screenshots/. The `plant` fixture is a big company as staff see it on a phone.
"""

from __future__ import annotations

import os
import re
import threading
from dataclasses import dataclass
from datetime import time, timedelta
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from quizapp.bank.rules.checker import read_bank
from quizapp.bank.service import load_bank
from quizapp.clock import local_today, utcnow
from quizapp.extensions import db
from quizapp.models import Attempt, Company, Employee, Shift, StaffUser
from quizapp.roster.service import start_import
from tests.factories import ON_ROSTER_SINCE

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


def links_per_sheet(pdf: bytes) -> list[set[str]]:
    """Each PDF page's link addresses (its /Annots' /URI), in page order: Chromium writes the PDF
    uncompressed enough to read these without a PDF library. A print test adds links to what it
    follows (a heading, a row) to see which sheet each lands on."""
    objects = {int(m[1]): m[2] for m in re.finditer(rb"(\d+) 0 obj\s*(.*?)endobj", pdf, re.S)}
    pages = []
    for body in objects.values():
        if re.search(rb"/Type\s*/Page[^s]", body):
            annots = re.search(rb"/Annots\s*\[([^\]]*)\]", body)
            refs = [int(r) for r in re.findall(rb"(\d+) 0 R", annots[1])] if annots else []
            pages.append({uri.decode() for r in refs for uri in re.findall(rb"/URI \(([^)]*)\)", objects.get(r, b""))})
    return pages


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


SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂"
TEAMS = ["一车间A组", "一车间B组", "二车间A组", "二车间B组", "三车间喷涂组", "四车间包装组", "仓储物流部", "品质检验部"]
SHIFTS = [("早班", time(7, 30)), ("中班", time(15, 30)), ("夜班", time(23, 30))]


def person_name(i: int) -> str:
    """A plausible name: mostly three characters, some two, a few four (复姓)."""
    given = GIVEN[i % len(GIVEN)] + GIVEN[(i * 7) % len(GIVEN)]
    if i % 11 == 0:
        return "欧阳" + given
    return SURNAMES[(i // 3) % len(SURNAMES)] + (given[0] if i % 5 == 0 else given)


@dataclass(frozen=True)
class Plant:
    town: object
    names: dict[str, list[str]]  # shift: the names of the workers on it who have not done today's quiz
    employee_id: int
    import_id: int


@pytest.fixture
def plant(app, town):
    """Company A as a big plant on a phone sees it: a long name, 8 teams, 3 shifts, 960 more workers
    of whom 900 have not done today's quiz (300 per shift; a few started), and a roster import
    waiting in preview with added, changed, left-out and missing rows."""
    with app.app_context():
        company = db.session.get(Company, town.company_a)
        company.name = "岭南精密家具制造（东莞）有限公司大岭山分厂"
        db.session.add_all([Shift(company_id=company.id, name=name, starts_at=starts) for name, starts in SHIFTS])
        now, today = utcnow(), local_today()
        names: dict[str, list[str]] = {name: [] for name, _ in SHIFTS}
        for worker in db.session.scalars(db.select(Employee).where(Employee.company_id == company.id)):
            names[worker.shift].append(worker.name)  # the town's own workers: none has done today's quiz
        employees = []
        for i in range(960):
            shift = SHIFTS[i % 3][0]
            employee = Employee(company_id=company.id, employee_no=f"YLF{i:05d}", name=person_name(i),
                                team=TEAMS[(i // 3) % len(TEAMS)], shift=shift, active=True, created_at=ON_ROSTER_SINCE)
            employees.append(employee)
        db.session.add_all(employees)
        db.session.flush()
        for i, employee in enumerate(employees):
            if i % 16 in (0, 1):
                finished = now if i % 16 == 0 else None
                db.session.add(Attempt(employee_id=employee.id, company_id=company.id, local_date=today,
                                       kind="official", official_date=today, started_at=now - timedelta(minutes=1),
                                       deadline_at=now + timedelta(minutes=4), finished_at=finished, total=5, slots=5,
                                       answered=5 if finished else 0))
            if i % 16 != 0:
                names[employee.shift].append(employee.name)
        staff = db.session.scalar(db.select(StaffUser).where(StaffUser.username == "staff-a"))
        roster = "工号,姓名,班组,班次\r\n" + "".join(
            f"YLF{i:05d},{person_name(i)},{TEAMS[(i + 1) % len(TEAMS)]},早班\r\n" for i in range(0, 30, 3))
        roster += "YLF90001,新来的欧阳小明,仓储物流部,早班\r\nYLF90002,,仓储物流部,早班\r\n"
        record = start_import(staff, "二〇二六年十二月 全厂花名册（最新版本，请勿外传）.csv", roster.encode("utf-8"),
                              utcnow())
        db.session.commit()
        return Plant(town, names, employees[5].id, record.id)


def page_width(page) -> tuple[int, list[str]]:
    """The document's width, and what sticks out past the viewport's right edge (to say why)."""
    return page.evaluate("""() => {
        const width = document.documentElement.clientWidth, out = [];
        for (const el of document.querySelectorAll('body *')) {
            const box = el.getBoundingClientRect();
            if (box.width > 0 && box.right > width + 1) {
                out.push(`${el.tagName}.${el.className} (${Math.round(box.right)} px)`);
            }
        }
        return [document.documentElement.scrollWidth, out.slice(0, 5)];
    }""")
