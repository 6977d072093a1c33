"""Today's board, the not-done lists and the pre-shift screen through the test client (no
JavaScript: the refresh link and the plain-text block must do), and company B's staff seeing
nothing of company A."""

from datetime import time, timedelta

import pytest

from quizapp.board.rules import next_shift
from quizapp.clock import local_today, to_local, utcnow
from quizapp.extensions import db
from quizapp.models import Attempt, Company, Employee, Shift
from tests.factories import make_employee
from tests.pages import sign_in_staff, table_rows, texts


def page(response) -> str:
    return response.get_data(as_text=True)


@pytest.fixture
def busy(app, town):
    """Company A: 早班 and 夜班; 王小明 (一车间 早班) done, 赵一 (二车间 夜班) started, the rest not."""
    with app.app_context():
        a = db.session.get(Company, town.company_a)
        db.session.add_all([Shift(company_id=a.id, name="早班", starts_at=time(7, 30)),
                            Shift(company_id=a.id, name="夜班", starts_at=time(19, 30))])
        started = make_employee(a, "A003", "赵一", team="二车间", shift="夜班")
        make_employee(a, "A004", "钱二", team="二车间", shift="夜班")
        now, today = utcnow(), local_today()
        for employee_id, finished in ((town.worker_a, now), (started.id, None)):
            db.session.add(Attempt(employee_id=employee_id, company_id=a.id, local_date=today, kind="official",
                                   official_date=today, started_at=now - timedelta(minutes=1),
                                   deadline_at=now + timedelta(minutes=4), finished_at=finished, total=5, slots=5,
                                   answered=5 if finished else 0))
        db.session.commit()
    return town


def test_the_board_shows_today_by_shift_and_team_with_a_refresh_link(client, busy):
    sign_in_staff(client, "staff-a")
    html = page(client.get("/console/"))
    assert "甲厂" in html
    for text in ("早班", "夜班", "一车间", "二车间", 'href="/console/"', "js/board.js", "css/board.css",
                 'data-poll-url="/console/board.json"', 'data-figure="team:二车间"'):
        assert text in html, text
    assert 'http-equiv="refresh"' not in html
    # 4 active workers, 1 done, 1 in progress, 2 not started.
    assert 'data-figure="total" data-field="expected">4<' in html
    assert 'data-figure="total" data-field="done">1<' in html
    assert 'data-figure="total" data-field="in_progress">1<' in html
    assert 'data-figure="total" data-field="not_started">2<' in html
    assert "乙厂" not in html and "李小红" not in html


def test_the_json_endpoint_feeds_the_refresh(client, busy):
    sign_in_staff(client, "staff-a")
    response = client.get("/console/board.json")
    data = response.get_json()
    assert response.headers["Cache-Control"] == "no-store"
    assert data["date"] == local_today().isoformat()
    assert data["figures"]["total"]["done"] == 1 and data["figures"]["team:二车间"]["in_progress"] == 1
    assert client.get("/console/board.json?shift=夜班").get_json()["figures"]["focus"]["expected"] == 2
    assert client.get("/console/board.json?shift=中班").status_code == 404


def test_the_not_done_lists_are_printable_and_ready_to_paste(client, busy):
    sign_in_staff(client, "staff-a")
    html = page(client.get("/console/chase"))
    assert "张新来" in html and "A002" in html and "赵一" in html and "钱二" in html
    assert "王小明" not in html.split("</nav>", 1)[1]  # done: not on the list (the nav shows the staff name)
    assert html.count('class="card chase-team"') == 2 and html.count('class="paste-text"') == 2
    # On paper each team is a sheet of its own (board.css): each section carries the company's name.
    heads = texts(html, "p", class_="chase-print-head")
    assert len(heads) == 2 and len(set(heads)) == 1 and heads[0]
    client.set_cookie("lang", "en")
    team = page(client.get("/console/chase/二车间"))
    [text] = texts(team, "textarea", raw=True, class_="paste-text")
    lines = text.splitlines()
    assert lines[0] == f"二车间 · {local_today().isoformat()}: 2 not done yet"
    assert sorted(lines[1].split(", ")) == ["赵一", "钱二"]
    assert "http://localhost/c/acme" in lines[2]
    assert "张新来" not in team


def test_each_team_s_heading_heads_its_table_so_it_prints_on_every_sheet_of_the_team(client, busy):
    """A team whose names run onto a second A4 sheet: the company's name, the team's heading and the
    column headings are the head of the team's table (thead, repeated on each printed page; board.css
    keeps a row of four names whole), the names its body."""
    with client.application.app_context():
        a = db.session.get(Company, busy.company_a)
        for i, name in enumerate(["孙一", "孙二", "孙三", "孙四", "孙五"], start=1):
            make_employee(a, f"B00{i}", name, team="二车间", shift="早班")
        db.session.commit()
    sign_in_staff(client, "staff-a")
    client.set_cookie("lang", "en")
    html = page(client.get("/console/chase"))
    today = local_today().isoformat()
    columns = ["Name Employee number Shift"] * 4  # a heading for each column the team's names fill
    assert table_rows(html) == [
        [f"甲厂 一车间 · {today} · 1 not done"], columns[:1],
        ["张新来 A002 早班"],
        [f"甲厂 二车间 · {today} · 7 not done"], columns,
        ["孙一 B001 早班", "孙二 B002 早班", "孙三 B003 早班", "孙四 B004 早班"],  # 早班 starts first
        ["孙五 B005 早班", "赵一 A003 夜班 ◐", "钱二 A004 夜班"]]
    heads, headings = texts(html, "thead"), texts(html, "h2")
    assert html.count("<h2") == len(headings) == len(heads) == 2  # no team heading outside its table's head
    assert all(h2 in head and head.startswith("甲厂 ") for h2, head in zip(headings, heads, strict=True))
    assert texts(html, "tbody") == ["张新来 A002 早班", "孙一 B001 早班 孙二 B002 早班 孙三 B003 早班 孙四 B004 早班 "
                                    "孙五 B005 早班 赵一 A003 夜班 ◐ 钱二 A004 夜班"]
    one_shift = page(client.get("/console/chase/二车间?shift=夜班"))
    assert table_rows(one_shift) == [[f"甲厂 二车间 · 夜班 · {today} · 2 not done"], ["Name Employee number"] * 2,
                                     ["赵一 A003 ◐", "钱二 A004"]]  # the shift in the heading, not a column


def test_the_not_done_list_of_one_shift_names_that_shift_s_workers_only(client, busy):
    sign_in_staff(client, "staff-a")
    client.set_cookie("lang", "en")
    today = local_today().isoformat()
    html = page(client.get("/console/chase?shift=夜班"))
    assert texts(html, "h2") == [f"二车间 · 夜班 · {today} · 2 not done"]
    names = texts(html, "td", class_="worker")
    assert names == ["赵一 A003 ◐", "钱二 A004"]  # the shift is in the heading, not on each name
    [text] = texts(html, "textarea", raw=True, class_="paste-text")
    assert text.splitlines()[0] == f"二车间 · 夜班 · {today}: 2 not done yet"
    assert texts(html, "p", class_="chase-shifts") == ["Shift: All shifts 早班 夜班"]
    everyone = page(client.get("/console/chase"))
    assert texts(everyone, "td", class_="worker") == ["张新来 A002 早班", "赵一 A003 夜班 ◐", "钱二 A004 夜班"]
    morning = page(client.get("/console/chase/二车间?shift=早班"))
    assert texts(morning, "h2") == [f"二车间 · 早班 · {today} · 0 not done"]
    assert texts(morning, "td", class_="worker") == []
    assert client.get("/console/chase?shift=中班").status_code == 404
    assert client.get("/console/chase/二车间?shift=中班").status_code == 404


def test_a_team_that_is_all_done_says_so(client, busy):
    sign_in_staff(client, "staff-a")
    with client.application.app_context():
        db.session.get(Employee, busy.worker_a).team = "三车间"
        db.session.commit()
    client.set_cookie("lang", "en")
    html = page(client.get("/console/chase/三车间"))
    today = local_today().isoformat()
    assert texts(html, "h2") == [f"三车间 · {today} · 0 not done"]
    assert texts(html, "textarea", raw=True) == [
        f"三车间 · {today}: everyone has done today's anti-fraud quiz. Thank you!"]
    assert "王小明" not in html.split("</nav>", 1)[1]


def test_an_unknown_team_is_404(client, busy):
    sign_in_staff(client, "staff-a")
    assert client.get("/console/chase/四车间").status_code == 404
    assert client.get("/console/preshift?team=四车间").status_code == 404


def test_the_preshift_screen_shows_the_qr_code_and_the_shift_s_count(client, busy):
    sign_in_staff(client, "staff-a")
    html = page(client.get("/console/preshift?shift=夜班"))
    assert "<svg" in html and 'class="qr"' in html and "甲厂" in html and "http://localhost/c/acme" in html
    assert 'data-figure="focus" data-field="done">0<' in html
    assert 'data-figure="focus" data-field="expected">2<' in html
    assert "shift=%E5%A4%9C%E7%8F%AD" in html  # the poll URL keeps the shift on screen
    team = page(client.get("/console/preshift?shift=夜班&team=二车间"))
    assert "http://localhost/c/acme?team=" in team and "二车间" in team
    assert client.get("/console/preshift?shift=中班").status_code == 404
    client.set_cookie("lang", "en")
    default = page(client.get("/console/preshift"))
    expected = next_shift([("早班", time(7, 30)), ("夜班", time(19, 30))], to_local(utcnow()).replace(tzinfo=None))
    assert texts(default, "p", class_="count-label") == [f"Done today, {expected}"]


def test_company_b_s_staff_see_nothing_of_company_a(client, busy):
    sign_in_staff(client, "staff-b")
    html = page(client.get("/console/"))
    assert "乙厂" in html and "甲厂" not in html and "二车间" not in html
    assert "张新来" not in page(client.get("/console/chase"))
    assert client.get("/console/chase/二车间").status_code == 404
    assert client.get("/console/preshift?shift=夜班").status_code == 404  # A's shift, not B's
    assert client.get("/console/preshift?team=二车间").status_code == 404
    assert client.get("/console/board.json?team=二车间").status_code == 404
    data = client.get("/console/board.json").get_json()
    assert data["figures"]["total"]["expected"] == 1 and "team:二车间" not in data["figures"]
    assert "http://localhost/c/bolt" in page(client.get("/console/preshift"))


def test_signed_out_visitors_and_workers_are_kept_out(client, busy):
    assert client.get("/console/board.json").status_code == 302
    assert client.get("/console/preshift").status_code == 302
