"""Today's board, chase lists, pre-shift counts, settings and QR codes, as use cases against the
database: what counts, what is grouped where, and that company A's staff see only company A."""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from quizapp.board import service as board
from quizapp.board.rules import IN_PROGRESS, NOT_STARTED, Tally
from quizapp.board.wording import chase_text
from quizapp.extensions import db
from quizapp.links import worker_url
from quizapp.models import Attempt, Company, Employee, Shift, StaffUser
from quizapp.posters import qr
from quizapp.rules.errors import Conflict, Invalid
from quizapp.settings import service as company_settings
from quizapp.settings.service import SettingsChange, ShiftRow
from quizapp.settings.wording import MESSAGES
from quizapp.wording import say
from tests.factories import make_employee

pytestmark = pytest.mark.usefixtures("ctx")

TODAY = date(2026, 3, 2)  # a Monday
NOW = datetime(2026, 3, 1, 23, 0)  # UTC: 07:00 on Monday in Asia/Shanghai
ZONE = ZoneInfo("Asia/Shanghai")


def staff(username: str) -> StaffUser:
    return db.session.scalar(select(StaffUser).where(StaffUser.username == username))


def company(company_id: int) -> Company:
    return db.session.get(Company, company_id)


def take(employee: Employee, finished: bool = True, kind: str = "official", day: date = TODAY,
         started: datetime = NOW - timedelta(minutes=2), answered: int | None = None) -> Attempt:
    attempt = Attempt(employee_id=employee.id, company_id=employee.company_id, local_date=day, kind=kind,
                      official_date=day if kind == "official" else None, started_at=started,
                      deadline_at=started + timedelta(minutes=5),
                      finished_at=started + timedelta(minutes=1) if finished else None,
                      total=5, slots=5, answered=(5 if finished else 0) if answered is None else answered)
    db.session.add(attempt)
    db.session.flush()
    return attempt


def add_shifts(company_id: int, *shifts: tuple[str, time]) -> None:
    for name, starts in shifts:
        db.session.add(Shift(company_id=company_id, name=name, starts_at=starts))
    db.session.flush()


@pytest.fixture
def factory(town):
    """Company A: 早班 and 夜班; workers in two teams, in every state; company B busy too."""
    a, b = company(town.company_a), company(town.company_b)
    add_shifts(a.id, ("早班", time(7, 30)), ("夜班", time(19, 30)))
    workers = {e.employee_no: e for e in db.session.scalars(select(Employee).where(Employee.company_id == a.id))}
    workers["A003"] = make_employee(a, "A003", "赵一", team="二车间", shift="夜班")
    workers["A004"] = make_employee(a, "A004", "钱二", team="二车间", shift="夜班")
    workers["A005"] = make_employee(a, "A005", "孙三", team="二车间", shift="早班")
    make_employee(a, "A006", "李走了", team="二车间", shift="早班", active=False)
    left = make_employee(a, "A007", "周离职", team="一车间", shift="早班")
    left.active_until = TODAY - timedelta(days=1)
    take(workers["A001"])  # 一车间 早班: done
    take(workers["A003"], finished=False)  # 二车间 夜班: in progress
    take(workers["A004"], finished=False, started=NOW - timedelta(minutes=20), answered=2)  # time ran out: done
    take(workers["A005"], kind="practice")  # practice never counts
    take(workers["A002"], day=TODAY - timedelta(days=1))  # yesterday's quiz does not count today
    for no in ("B002", "B003"):
        take(make_employee(b, no, f"乙{no}", team="一车间", shift="早班"))
    db.session.flush()
    return town


def test_the_board_counts_done_in_progress_and_not_started_by_shift_and_team(factory):
    view = board.today_board(staff("staff-a"), TODAY, NOW, ZONE)
    assert view.workday and view.shifts == [("早班", time(7, 30)), ("夜班", time(19, 30))]
    # Active: A001, A002 (一车间 早班), A005 (二车间 早班), A003, A004 (二车间 夜班); not A006, A007.
    assert view.board.total == Tally(expected=5, done=2, in_progress=1)
    assert dict(view.board.by_shift) == {"早班": Tally(3, 1, 0), "夜班": Tally(2, 1, 1)}
    assert dict(view.board.by_team) == {"一车间": Tally(2, 1, 0), "二车间": Tally(3, 1, 1)}
    assert view.board.total.share == pytest.approx(0.4)


def test_company_b_is_never_on_company_a_s_board(factory):
    a = board.today_board(staff("staff-a"), TODAY, NOW, ZONE)
    b = board.today_board(staff("staff-b"), TODAY, NOW, ZONE)
    assert a.company.id == factory.company_a and b.company.id == factory.company_b
    assert b.board.total == Tally(expected=3, done=2, in_progress=0)
    names = [p.name for _, people in board.not_done(staff("staff-a"), TODAY, NOW) for p in people]
    assert not any(name.startswith("乙") or name == "李小红" for name in names)


def test_the_not_done_list_has_the_not_started_and_those_still_within_their_time(factory):
    groups = dict(board.not_done(staff("staff-a"), TODAY, NOW))
    assert [(p.employee_no, p.state) for p in groups["一车间"]] == [("A002", NOT_STARTED)]
    assert [(p.employee_no, p.state) for p in groups["二车间"]] == [("A005", NOT_STARTED), ("A003", IN_PROGRESS)]
    only = board.not_done(staff("staff-a"), TODAY, NOW, team="二车间")
    assert [team for team, _ in only] == ["二车间"]


def test_the_not_done_list_of_one_shift_has_that_shift_s_workers_only(factory):
    night = board.not_done(staff("staff-a"), TODAY, NOW, shift="夜班")
    assert [(team, [p.employee_no for p in people]) for team, people in night] == [("二车间", ["A003"])]
    morning = board.not_done(staff("staff-a"), TODAY, NOW, team="二车间", shift="早班")
    assert [(team, [p.employee_no for p in people]) for team, people in morning] == [("二车间", ["A005"])]


def test_the_shifts_to_choose_are_the_configured_ones_then_those_only_on_the_roster(factory):
    make_employee(company(factory.company_a), "A008", "吴中", team="一车间", shift="中班")
    make_employee(company(factory.company_b), "B009", "乙九", team="一车间", shift="白班")  # company B's
    assert board.shifts(staff("staff-a"), TODAY) == ["早班", "夜班", "中班"]


def test_the_chase_text_names_team_date_count_people_and_link(app, factory):
    groups = dict(board.not_done(staff("staff-a"), TODAY, NOW))
    with app.test_request_context("/console/chase", headers={"Cookie": "lang=en"}):
        link = worker_url(company(factory.company_a))
        text = chase_text("二车间", TODAY, groups["二车间"], link, "en")
    heading, names, call = text.splitlines()
    assert heading == "二车间 · 2026-03-02: 2 not done yet"
    assert names == "孙三, 赵一"
    assert link in call and link.startswith("http://localhost/c/acme")
    with app.test_request_context("/console/chase", headers={"Cookie": "lang=en"}):
        night = chase_text("二车间", TODAY, groups["二车间"][1:], link, "en", shift="夜班")
    assert night.splitlines()[:2] == ["二车间 · 夜班 · 2026-03-02: 1 not done yet", "赵一"]


def test_the_preshift_screen_defaults_to_the_next_shift_and_counts_it(factory):
    screen = board.preshift(staff("staff-a"), TODAY, NOW, ZONE)  # 07:00 local: 早班 is next
    assert screen.shift == "早班" and screen.tally == Tally(3, 1, 0)
    evening = board.preshift(staff("staff-a"), TODAY, NOW, ZONE, shift="夜班", team="二车间")
    assert evening.tally == Tally(2, 1, 1)
    assert board.preshift(staff("staff-a"), TODAY, NOW, ZONE, shift="中班") is None
    assert board.preshift(staff("staff-a"), TODAY, NOW, ZONE, team="三车间") is None


def test_without_shifts_the_preshift_screen_counts_the_whole_company(factory):
    screen = board.preshift(staff("staff-b"), TODAY, NOW, ZONE)
    assert screen.shift is None and screen.tally == Tally(3, 2, 0)


def test_the_polled_figures_name_every_row_of_the_board(factory):
    data = board.poll(staff("staff-a"), TODAY, NOW, ZONE)
    assert data["date"] == "2026-03-02" and data["updated"] == "07:00:00"
    figures = data["figures"]
    assert figures["total"] == {"expected": 5, "done": 2, "in_progress": 1, "not_started": 2, "not_done": 3,
                                "share": "40%"}
    assert figures["shift:夜班"]["in_progress"] == 1 and figures["team:一车间"]["done"] == 1
    assert board.poll(staff("staff-a"), TODAY, NOW, ZONE, shift="夜班")["figures"]["focus"]["expected"] == 2
    assert board.poll(staff("staff-a"), TODAY, NOW, ZONE, shift="不存在") is None


def test_on_a_day_off_no_share_is_shown(factory):
    sunday = TODAY + timedelta(days=6)
    assert board.poll(staff("staff-a"), sunday, NOW + timedelta(days=6), ZONE)["figures"]["total"]["share"] == "–"


def test_teams_are_the_named_teams_with_active_workers(factory):
    assert board.teams(staff("staff-a"), TODAY) == ["一车间", "二车间"]


def change_for(company_id: int, shifts: list[ShiftRow], **overrides) -> SettingsChange:
    c = company(company_id)
    values = dict(name=c.name, questions_per_quiz=c.questions_per_quiz, workdays=c.workdays, shifts=shifts,
                  webhook_url=c.webhook_url, remind_minutes=c.remind_minutes)
    return SettingsChange(**{**values, **overrides})


def shift_rows(company_id: int) -> dict[str, ShiftRow]:
    return {s.name: ShiftRow(s.id, s.name, s.starts_at) for s in db.session.scalars(
        select(Shift).where(Shift.company_id == company_id))}


def test_settings_are_saved_and_a_renamed_shift_keeps_its_workers(factory):
    rows = shift_rows(factory.company_a)
    change = change_for(factory.company_a, [ShiftRow(rows["早班"].id, "白班", time(8, 0)), rows["夜班"],
                                            ShiftRow(None, "中班", time(12, 0))],
                        name="甲厂（新）", questions_per_quiz=6, workdays="12345", remind_minutes=45,
                        webhook_url="https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=abc")
    company_settings.update_settings(staff("staff-a"), change, TODAY)
    a = company(factory.company_a)
    assert (a.name, a.questions_per_quiz, a.workdays, a.remind_minutes) == ("甲厂（新）", 6, "12345", 45)
    assert {s.name: s.starts_at for s in a.shifts} == {"白班": time(8, 0), "夜班": time(19, 30), "中班": time(12, 0)}
    shifts = dict(db.session.execute(select(Employee.employee_no, Employee.shift).where(
        Employee.company_id == factory.company_a)).all())
    assert shifts["A001"] == "白班" and shifts["A003"] == "夜班"
    # Company B's workers on a shift of the same name are not touched.
    assert set(db.session.scalars(select(Employee.shift).where(Employee.company_id == factory.company_b))) == {"早班"}


def test_swapping_two_shift_names_swaps_their_workers_too(factory):
    rows = shift_rows(factory.company_a)
    change = change_for(factory.company_a, [ShiftRow(rows["早班"].id, "夜班", time(7, 30)),
                                            ShiftRow(rows["夜班"].id, "早班", time(19, 30))])
    company_settings.update_settings(staff("staff-a"), change, TODAY)
    shifts = dict(db.session.execute(select(Employee.employee_no, Employee.shift).where(
        Employee.company_id == factory.company_a)).all())
    assert shifts["A001"] == "夜班" and shifts["A003"] == "早班"


@pytest.fixture
def page(app):
    """A request, as the settings page has: problems are worded in the visitor's language (English)."""
    with app.test_request_context("/console/settings", headers={"Cookie": "lang=en"}):
        yield


def test_a_shift_with_active_workers_cannot_be_removed(factory, page):
    rows = shift_rows(factory.company_a)
    with pytest.raises(Conflict) as refused:
        company_settings.update_settings(staff("staff-a"), change_for(factory.company_a, [rows["早班"]]), TODAY)
    assert (refused.value.code, refused.value.data) == ("settings.shift_has_workers", {"count": 2, "name": "夜班"})
    assert say(refused.value, MESSAGES) == ("2 active workers are on shift 夜班: move them to another shift in the "
                                            "roster before removing it.")
    assert set(shift_rows(factory.company_a)) == {"早班", "夜班"}


def test_a_shift_with_nobody_on_it_can_be_removed(factory):
    add_shifts(factory.company_a, ("中班", time(12, 0)))
    rows = shift_rows(factory.company_a)
    change = change_for(factory.company_a, [rows["早班"], rows["夜班"]])
    company_settings.update_settings(staff("staff-a"), change, TODAY)
    assert set(shift_rows(factory.company_a)) == {"早班", "夜班"}


def test_duplicate_shift_names_are_refused(factory, page):
    rows = shift_rows(factory.company_a)
    change = change_for(factory.company_a, [rows["早班"], rows["夜班"], ShiftRow(None, "早班", time(9, 0))])
    with pytest.raises(Invalid) as refused:
        company_settings.update_settings(staff("staff-a"), change, TODAY)
    assert (refused.value.code, refused.value.data) == ("settings.shift_name_twice", {"name": "早班"})
    assert say(refused.value, MESSAGES) == "Two shifts are named 早班: shift names must be different."


def test_staff_of_company_a_cannot_touch_company_b_s_shifts(factory, page):
    add_shifts(factory.company_b, ("早班", time(6, 0)))
    theirs = shift_rows(factory.company_b)["早班"]
    mine = shift_rows(factory.company_a)
    change = change_for(factory.company_a, [mine["早班"], mine["夜班"], ShiftRow(theirs.id, "被改了", time(1, 0))])
    with pytest.raises(Conflict) as refused:
        company_settings.update_settings(staff("staff-a"), change, TODAY)
    assert refused.value.code == "settings.shift_gone"
    assert say(refused.value, MESSAGES) == ("A shift on this page was changed or removed meanwhile. Reload the page "
                                            "and try again.")
    db.session.expire_all()
    assert shift_rows(factory.company_b)["早班"].starts_at == time(6, 0)
    assert company(factory.company_b).name == "乙厂"


def test_the_qr_code_holds_the_company_link_and_renders_as_png_and_svg(app, town):
    with app.test_request_context("/console/posters"):
        a = company(town.company_a)
        assert worker_url(a) == "http://localhost/c/acme"
        assert worker_url(a, "一车间") == "http://localhost/c/acme?team=%E4%B8%80%E8%BD%A6%E9%97%B4"
        svg = str(qr.inline_svg(worker_url(a), "甲厂 <&>"))
    assert svg.startswith("<svg") and 'class="qr"' in svg and "&lt;&amp;&gt;" in svg
    assert qr.render("http://localhost/c/acme", "png").startswith(b"\x89PNG")
    assert b"<svg" in qr.render("http://localhost/c/acme", "svg")
    with pytest.raises(ValueError):
        qr.render("http://localhost/c/acme", "gif")


def test_teams_and_shifts_are_listed_in_their_natural_order_on_the_board_filters_and_chase_list(town):
    """一车间, 二车间, 三车间, 四车间 by number (not 一, 三, 二, 四 by character code); configured shifts by
    start time, then the others in the order of the day (早, 中, 夜)."""
    a = company(town.company_a)
    db.session.execute(Employee.__table__.update().where(Employee.company_id == a.id)
                       .values(team="四车间", shift="早班"))
    for no, team, shift in (("N1", "三车间", "夜班"), ("N2", "二车间", "中班"), ("N3", "十车间", "中班"),
                            ("N4", "一车间", "早班")):
        make_employee(a, no, f"工{no}", team=team, shift=shift)
    db.session.commit()
    user = staff("staff-a")
    assert board.teams(user, TODAY) == ["一车间", "二车间", "三车间", "四车间", "十车间"]
    assert board.shifts(user, TODAY) == ["早班", "中班", "夜班"]
    add_shifts(a.id, ("夜班", time(0, 0)))  # a shift the company starts at midnight comes first
    assert board.shifts(user, TODAY) == ["夜班", "早班", "中班"]
    assert [team for team, _ in board.not_done(user, TODAY, NOW)] == ["一车间", "二车间", "三车间", "四车间", "十车间"]
    assert [t for t, _ in board.today_board(user, TODAY, NOW, ZONE).board.by_team] == [
        "一车间", "二车间", "三车间", "四车间", "十车间"]
