"""The outreach staff's board, pre-shift screen and QR posters in a real desktop browser: the
figures refresh by themselves, the WeChat text copies, a poster prints as one A4 page each."""

import re
from datetime import time, timedelta

import pytest
from playwright.sync_api import expect

from quizapp.board import views as board_views
from quizapp.clock import local_today, utcnow
from quizapp.extensions import db
from quizapp.models import Attempt, Company, Employee, Shift
from tests.browser import TEAMS, links_per_sheet, shot, sign_in_staff
from tests.factories import ON_ROSTER_SINCE, make_employee

pytestmark = pytest.mark.e2e


@pytest.fixture
def workshop(app, town):
    """Company A with two shifts, two teams and a dozen workers, a few done already."""
    with app.app_context():
        a = db.session.get(Company, town.company_a)
        a.workdays = "1234567"  # today is a workday whatever the weekday
        db.session.add_all([Shift(company_id=a.id, name="早班", starts_at=time(7, 30)),
                            Shift(company_id=a.id, name="夜班", starts_at=time(19, 30))])
        names = ["赵一", "钱二", "孙三", "李四", "周五", "吴六", "郑七", "王八", "冯九", "陈十"]
        people = [make_employee(a, f"A1{i:02d}", name, team="二车间" if i % 2 else "一车间",
                                shift="夜班" if i % 3 else "早班")
                  for i, name in enumerate(names)]
        now, today = utcnow(), local_today()
        for employee in people[:4]:
            db.session.add(Attempt(employee_id=employee.id, company_id=a.id, local_date=today, kind="official",
                                   official_date=today, started_at=now - timedelta(minutes=3),
                                   deadline_at=now + timedelta(minutes=2), finished_at=now, total=5, slots=5,
                                   answered=5))
        db.session.commit()
        return town, people[5].id


def finish(app, employee_id: int, company_id: int) -> None:
    with app.app_context():
        now, today = utcnow(), local_today()
        db.session.add(Attempt(employee_id=employee_id, company_id=company_id, local_date=today, kind="official",
                               official_date=today, started_at=now - timedelta(minutes=2),
                               deadline_at=now + timedelta(minutes=3), finished_at=now, total=5, slots=5,
                               answered=5))
        db.session.commit()


def test_the_board_refreshes_by_itself_and_the_chase_text_copies(app, desktop, live_server, workshop, monkeypatch):
    town, next_to_finish = workshop
    monkeypatch.setattr(board_views, "POLL_SECONDS", 1)  # the page polls every second instead of 30
    desktop.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server)
    page = desktop.new_page()
    sign_in_staff(page, live_server, "staff-a")
    page.goto(f"{live_server}/console/")
    done = page.locator('.tile [data-figure="total"][data-field="done"]')
    assert done.inner_text() == "4"
    assert page.locator('[data-figure="total"][data-field="expected"]').first.inner_text() == "12"
    shot(page, "console-board-1-today")

    finish(app, next_to_finish, town.company_a)
    expect(done).to_have_text("5")  # within a couple of polls, without reloading the page
    assert page.locator('.tile [data-figure="total"][data-field="share"]').inner_text() == "42%"

    page.get_by_role("link", name=re.compile("打印|printable")).click()
    page.wait_for_url("**/console/chase")
    assert page.locator("section.chase-team").count() == 2
    shot(page, "console-board-2-not-done")
    page.locator("section.chase-team").first.get_by_role("button", name=re.compile("复制|Copy")).click()
    copied = page.evaluate("navigator.clipboard.readText()")
    assert "一车间" in copied and "/c/acme" in copied and "张新来" in copied


def pdf_pages(page) -> int:
    return len(re.findall(rb"/Type\s*/Page[^s]", page.pdf(format="A4")))


def test_the_not_done_list_of_a_shift_prints_in_columns_on_a_few_pages(desktop, live_server, plant):
    """About 300 names of one shift in four columns, one A4 sheet per team (for its team leader; one
    name per row took 40 pages for 907), and only that shift's names; the whole plant's 900 on a
    sheet or two per team."""
    page = desktop.new_page()
    sign_in_staff(page, live_server, "staff-a")
    page.goto(f"{live_server}/console/chase?shift=早班")
    page.set_viewport_size({"width": 794, "height": 1123})  # A4 at 96 dpi
    page.emulate_media(media="print")
    names = page.locator(".names .person").all_inner_texts()
    assert len(names) >= 300 and sorted(names) == sorted(plant.names["早班"])
    headings = page.locator(".chase-team h2").all_inner_texts()
    assert {h.split(" · ")[0] for h in headings} == {*TEAMS, "一车间"} and all(" · 早班 · " in h for h in headings)
    assert page.locator(".chase-intro").is_hidden() and page.locator(".paste").first.is_hidden()
    columns = page.locator(".chase-team", has_text=TEAMS[0]).locator(".names td.worker").evaluate_all(
        "items => new Set(items.map(li => Math.round(li.getBoundingClientRect().left))).size")
    assert columns == 4
    shot(page, "console-board-3-not-done-print")
    assert pdf_pages(page) == len(headings)  # each team on a sheet of its own, none split
    page.goto(f"{live_server}/console/chase")
    assert page.locator(".names .person").count() == sum(len(shift) for shift in plant.names.values()) >= 900
    teams = page.locator(".chase-team").count()
    assert teams <= pdf_pages(page) <= 2 * teams


def test_a_team_on_two_sheets_has_its_heading_on_both(app, desktop, live_server, workshop):
    """400 workers of one team not done: two A4 sheets or more, each headed by the team (the heading
    is the table's head, which the browser repeats). Each heading gets a link for the check, so that
    every printed copy of it leaves a link on its page of the PDF."""
    town, _ = workshop
    with app.app_context():
        a = db.session.get(Company, town.company_a)
        db.session.add_all([Employee(company_id=a.id, employee_no=f"C{i:04d}", name=f"三车间{i}号", team="三车间",
                                     shift="早班", active=True, created_at=ON_ROSTER_SINCE) for i in range(400)])
        db.session.commit()
    page = desktop.new_page()
    sign_in_staff(page, live_server, "staff-a")
    page.goto(f"{live_server}/console/chase")
    page.emulate_media(media="print")
    teams = page.locator(".chase-team h2").evaluate_all("""headings => headings.map((h, i) => {
        const mark = document.createElement("a");
        mark.href = `https://heading.test/${i}`;
        mark.textContent = "#";
        h.append(mark);
        return h.textContent.split(" · ")[0];
    })""")
    assert teams == ["一车间", "二车间", "三车间"]
    sheets = links_per_sheet(page.pdf(format="A4"))
    assert [len(marks) for marks in sheets] == [1] * len(sheets)  # every sheet names one team, and only one
    heads = [marks.pop().rsplit("/", 1)[1] for marks in sheets]
    assert len(heads) >= 4 and heads == ["0", "1"] + ["2"] * (len(heads) - 2)  # 三车间 on every sheet of its own


def test_the_preshift_screen_shows_a_big_code_and_the_live_count(desktop, live_server, workshop):
    page = desktop.new_page()
    sign_in_staff(page, live_server, "staff-a")
    page.goto(f"{live_server}/console/preshift?shift=夜班")
    code = page.locator("svg.qr")
    box = code.bounding_box()
    assert box["width"] > 450 and box["height"] > 450  # readable across a workshop
    assert page.locator('[data-figure="focus"][data-field="expected"]').inner_text() == "6"
    assert page.locator(".top").is_hidden()  # full screen: no site header
    assert page.evaluate("document.documentElement.scrollWidth") <= 1366
    shot(page, "console-preshift-1-tv")


def test_a_poster_prints_as_one_a4_page_per_poster(desktop, live_server, workshop):
    page = desktop.new_page()
    sign_in_staff(page, live_server, "staff-a")
    page.goto(f"{live_server}/console/posters")
    assert page.locator("article.poster").count() == 3
    assert page.locator("article.poster svg.qr").first.bounding_box()["width"] > 250
    shot(page, "console-posters-1-screen")
    page.emulate_media(media="print")
    page.set_viewport_size({"width": 794, "height": 1123})  # A4 at 96 dpi
    assert page.locator(".console-nav").is_hidden() and page.locator(".poster-intro").is_hidden()
    shot(page, "console-posters-2-print")
    pdf = page.pdf(format="A4", print_background=True)
    assert len(re.findall(rb"/Type\s*/Page[^s]", pdf)) == 3


def test_settings_add_a_shift_with_the_add_button_and_save(app, desktop, live_server, town):
    page = desktop.new_page()
    sign_in_staff(page, live_server, "staff-a")
    page.goto(f"{live_server}/console/settings")
    page.locator("#shifts-0-name").fill("早班")
    page.locator("#shifts-0-starts_at").fill("07:30")
    page.locator("#shifts-1-name").fill("中班")
    page.locator("#shifts-1-starts_at").fill("15:30")
    page.get_by_role("button", name=re.compile("添加|Add a shift")).click()
    page.locator("#shifts-2-name").fill("夜班")
    page.locator("#shifts-2-starts_at").fill("23:30")
    shot(page, "console-settings-1-shifts")
    page.locator("#settings-form button[type=submit]").click()
    page.wait_for_load_state()
    assert page.locator(".flash").count() == 1
    with app.app_context():
        names = set(db.session.scalars(db.select(Shift.name).where(Shift.company_id == town.company_a)))
    assert names == {"早班", "中班", "夜班"}
