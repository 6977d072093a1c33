"""The settings page: saving, every validation message, CSRF, company A's staff never changing
company B, and the robot test button showing the robot's answer."""

from datetime import time

import pytest
from sqlalchemy import select

from quizapp.extensions import db
from quizapp.models import Company, Delivery, Employee, Shift
from tests.factories import make_employee
from tests.pages import sign_in_staff, table_rows, texts
from tests.receivers import free_port


@pytest.fixture(autouse=True)
def _english(client):
    """These tests read the pages' English wording (Chinese is the default)."""
    client.set_cookie("lang", "en")

WEBHOOK = "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=693a91f6-7xxx-4bc4-97a0-0ec2sifa5aaa"


def page(response) -> str:
    return response.get_data(as_text=True)


def form(**overrides) -> dict:
    data = {"name": "甲厂新名", "questions_per_quiz": "6", "workdays": ["1", "2", "3", "4", "5"],
            "shifts-0-id": "", "shifts-0-name": "早班", "shifts-0-starts_at": "07:30",
            "shifts-1-id": "", "shifts-1-name": "", "shifts-1-starts_at": "",
            "webhook_url": WEBHOOK, "remind_minutes": "20"}
    data.update(overrides)
    return data


@pytest.fixture
def staff_a(client, town):
    sign_in_staff(client, "staff-a")
    return client


def company(app, company_id: int) -> Company:
    with app.app_context():
        c = db.session.get(Company, company_id)
        db.session.expunge(c)
        return c


def shifts(app, company_id: int) -> dict[str, time]:
    with app.app_context():
        return {s.name: s.starts_at for s in db.session.scalars(select(Shift).where(Shift.company_id == company_id))}


def test_the_page_shows_the_current_settings(staff_a):
    html = page(staff_a.get("/console/settings"))
    assert 'value="甲厂"' in html and 'name="questions_per_quiz"' in html and 'value="5"' in html
    assert html.count('type="checkbox" value=') >= 7 and 'name="shifts-0-name"' in html
    assert 'name="webhook_url"' in html and 'name="remind_minutes"' in html and 'value="30"' in html


def test_saving_changes_the_company_and_adds_a_shift(app, staff_a, town):
    response = staff_a.post("/console/settings", data=form())
    assert response.status_code == 302 and response.location == "/console/settings"
    c = company(app, town.company_a)
    assert (c.name, c.questions_per_quiz, c.workdays, c.webhook_url, c.remind_minutes) == \
        ("甲厂新名", 6, "12345", WEBHOOK, 20)
    assert shifts(app, town.company_a) == {"早班": time(7, 30)}
    html = page(staff_a.get("/console/settings"))
    assert 'value="07:30"' in html and 'value="甲厂新名"' in html


def test_renaming_and_removing_shifts(app, staff_a, town):
    staff_a.post("/console/settings", data=form(**{"shifts-1-name": "中班", "shifts-1-starts_at": "12:00"}))
    with app.app_context():
        ids = {s.name: s.id for s in db.session.scalars(select(Shift).where(Shift.company_id == town.company_a))}
    response = staff_a.post("/console/settings", data=form(**{
        "shifts-0-id": str(ids["早班"]), "shifts-0-name": "白班", "shifts-0-starts_at": "8:00",
        "shifts-1-id": str(ids["中班"]), "shifts-1-name": "中班", "shifts-1-starts_at": "12:00",
        "shifts-1-remove": "y"}))
    assert response.status_code == 302
    assert shifts(app, town.company_a) == {"白班": time(8, 0)}
    with app.app_context():
        assert db.session.get(Employee, town.worker_a).shift == "白班"  # the workers moved with the name


def test_removing_a_shift_that_workers_are_on_is_refused(app, staff_a, town):
    staff_a.post("/console/settings", data=form())
    with app.app_context():
        shift_id = db.session.scalar(select(Shift.id).where(Shift.company_id == town.company_a))
    response = staff_a.post("/console/settings", data=form(**{"shifts-0-id": str(shift_id), "shifts-0-remove": "y"}))
    assert response.status_code == 400
    assert texts(page(response), "p", class_="error") == [
        "2 active workers are on shift 早班: move them to another shift in the roster before removing it."]
    assert shifts(app, town.company_a) == {"早班": time(7, 30)}


def test_refusals_name_the_shifts_in_the_order_of_the_day(app, staff_a, town):
    """Listed by start time, as the page and the roster list shifts (quizapp/rules/ordering.py), not
    by character code (中 < 夜 < 早)."""
    staff_a.post("/console/settings", data=form(**{"shifts-1-name": "夜班", "shifts-1-starts_at": "20:00",
                                                   "shifts-2-name": "中班", "shifts-2-starts_at": "12:00"}))
    with app.app_context():
        ids = {s.name: s.id for s in db.session.scalars(select(Shift).where(Shift.company_id == town.company_a))}
        a = db.session.get(Company, town.company_a)
        make_employee(a, "A101", "周夜", shift="夜班")
        make_employee(a, "A102", "吴中", shift="中班")
        db.session.commit()
    rows = {f"shifts-{n}-{key}": value for n, name in enumerate(("夜班", "中班", "早班"))
            for key, value in (("id", str(ids[name])), ("name", name), ("remove", "y"))}
    rows.update({"shifts-0-starts_at": "20:00", "shifts-1-starts_at": "12:00", "shifts-2-starts_at": "07:30"})
    response = staff_a.post("/console/settings", data=form(**rows))
    assert response.status_code == 400
    assert [message.split("shift ")[1].split(":")[0] for message in texts(page(response), "p", class_="error")] == \
        ["早班", "中班", "夜班"]
    # Typed twice, on a new page of rows: also in the order of the day.
    typed = (("夜班", "20:00"), ("夜班", "21:00"), ("早班", "07:30"),
             ("早班", "08:00"), ("中班", "12:00"), ("中班", "13:00"))
    twice = {f"shifts-{n}-{key}": value for n, (name, start) in enumerate(typed)
             for key, value in (("id", ""), ("name", name), ("starts_at", start))}
    response = staff_a.post("/console/settings", data=form(**twice))
    assert texts(page(response), "p", class_="error") == [
        f"Two shifts are named {name}: shift names must be different." for name in ("早班", "中班", "夜班")]


@pytest.mark.parametrize("field, value, message", [
    ("questions_per_quiz", "9", "from 3 to 8"),
    ("questions_per_quiz", "two", "from 3 to 8"),
    ("name", "  ", "Give the company"),
    ("shifts-0-starts_at", "25:00", "HH:MM"),
    ("shifts-0-starts_at", "", "HH:MM"),
    ("shifts-0-name", "", "Give the shift a name"),
    ("webhook_url", "ftp://example.com/hook", "WeChat Work group robot address"),
    ("remind_minutes", "1", "from 5 to 180"),
    ("shifts-0-id", "²", "not one of your shifts"),
    ("shifts-0-id", "99999999999999999999", "not one of your shifts"),
    ("name", "甲厂\x00", "control characters"),
])
def test_each_mistake_is_named_and_nothing_is_saved(app, staff_a, town, field, value, message):
    response = staff_a.post("/console/settings", data=form(**{field: value}))
    assert response.status_code == 400
    assert message in page(response), page(response)
    assert company(app, town.company_a).name == "甲厂" and shifts(app, town.company_a) == {}


def test_no_workday_and_duplicate_shift_names_are_named(app, staff_a, town):
    response = staff_a.post("/console/settings", data=form(workdays=[], **{
        "shifts-1-name": "早班", "shifts-1-starts_at": "08:00"}))
    html = page(response)
    assert response.status_code == 400 and "at least one workday" in html and "Two shifts are named 早班" in html


def test_outside_tests_only_a_wechat_work_robot_address_is_accepted(app, staff_a, town, monkeypatch):
    monkeypatch.setitem(app.config, "TESTING", False)
    response = staff_a.post("/console/settings", data=form(webhook_url="https://example.com/hook"))
    assert response.status_code == 400 and "qyapi.weixin.qq.com" in page(response)
    assert staff_a.post("/console/settings", data=form()).status_code == 302


def test_an_empty_webhook_turns_reminders_off(app, staff_a, town):
    staff_a.post("/console/settings", data=form())
    staff_a.post("/console/settings", data=form(webhook_url=""))
    assert company(app, town.company_a).webhook_url is None


def test_a_post_without_the_csrf_token_is_refused(app, staff_a, town, monkeypatch):
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    response = staff_a.post("/console/settings", data=form())
    assert response.status_code == 400
    assert company(app, town.company_a).name == "甲厂"


def test_company_a_s_staff_cannot_change_company_b(app, client, town):
    with app.app_context():
        b_shift = Shift(company_id=town.company_b, name="早班", starts_at=time(6, 0))
        db.session.add(b_shift)
        db.session.commit()
        b_shift_id = b_shift.id
    sign_in_staff(client, "staff-a")
    response = client.post("/console/settings", data=form(**{
        "shifts-0-id": str(b_shift_id), "shifts-0-name": "改掉", "shifts-0-starts_at": "01:00"}))
    assert response.status_code == 400 and "Reload the page" in page(response)
    assert company(app, town.company_b).name == "乙厂" and shifts(app, town.company_b) == {"早班": time(6, 0)}
    assert company(app, town.company_a).name == "甲厂"
    # Removing: B's shift is not in A's list, so it can neither be removed nor touched.
    client.post("/console/settings", data=form(**{"shifts-0-id": str(b_shift_id), "shifts-0-remove": "y"}))
    assert shifts(app, town.company_b) == {"早班": time(6, 0)}
    html = page(client.get("/console/settings"))
    assert "乙厂" not in html and 'value="06:00"' not in html


def _deliveries(app) -> list[Delivery]:
    with app.app_context():
        rows = list(db.session.scalars(select(Delivery).order_by(Delivery.id)))
        db.session.expunge_all()
        return rows


def test_the_test_button_posts_to_the_robot_typed_and_shows_its_answer_without_saving(app, staff_a, town, receivers):
    robot = receivers("ok")
    response = staff_a.post("/console/settings/webhook-test", data=form(webhook_url=robot.url, name="还没保存的名字"))
    html = page(response)
    assert response.status_code == 200 and texts(html, "p", role="status") == [
        "The robot accepted the test message: it should now be in the WeChat Work group. "
        "The address is not saved yet: press Save settings to keep it."]
    assert 'value="还没保存的名字"' in html  # what was typed stays on the page
    assert len(robot.posts) == 1 and "甲厂" in robot.contents()[0]
    assert company(app, town.company_a).name == "甲厂" and company(app, town.company_a).webhook_url is None
    [delivery] = _deliveries(app)
    assert (delivery.kind, delivery.company_id, delivery.status, delivery.attempts) == \
        ("reminder-test", town.company_a, "sent", 1)


@pytest.mark.parametrize(("answer", "shown"), [("errcode", "errcode 93000: invalid webhook url"), ("500", "HTTP 500")])
def test_a_refusal_by_the_robot_is_shown_as_the_robot_said_it(app, staff_a, town, receivers, answer, shown):
    robot = receivers(answer)
    html = page(staff_a.post("/console/settings/webhook-test", data=form(webhook_url=robot.url)))
    assert texts(html, "p", role="alert") == [f"The robot did not take the test message: {shown}"]
    assert len(robot.posts) == 1  # tried once: the answer is shown at once
    assert [(d.kind, d.status, d.last_error) for d in _deliveries(app)] == [("reminder-test", "failed", shown)]


def test_a_robot_that_cannot_be_reached_is_a_network_error(app, staff_a, town):
    unreachable = f"http://127.0.0.1:{free_port()}/cgi-bin/webhook/send?key=test"
    html = page(staff_a.post("/console/settings/webhook-test", data=form(webhook_url=unreachable)))
    [refusal] = texts(html, "p", role="alert")
    assert refusal.startswith("The robot did not take the test message: URLError: ")


def test_the_saved_address_sends_without_the_not_saved_note(app, staff_a, town, receivers):
    robot = receivers("ok")
    staff_a.post("/console/settings", data=form(webhook_url=robot.url))
    html = page(staff_a.post("/console/settings/webhook-test", data=form(webhook_url=robot.url)))
    assert texts(html, "p", role="status") == [
        "The robot accepted the test message: it should now be in the WeChat Work group."]


def test_no_address_or_a_refused_one_sends_nothing(app, staff_a, town, receivers, monkeypatch):
    response = staff_a.post("/console/settings/webhook-test", data=form(webhook_url=""))
    assert response.status_code == 400
    assert texts(page(response), "span", class_="field-error") == ["Enter the robot's webhook address first."]
    monkeypatch.setitem(app.config, "TESTING", False)
    robot = receivers("ok")
    response = staff_a.post("/console/settings/webhook-test", data=form(webhook_url=robot.url))
    assert response.status_code == 400 and "qyapi.weixin.qq.com" in page(response)
    assert robot.posts == [] and _deliveries(app) == []


def test_the_test_needs_the_csrf_token(app, staff_a, town, receivers, monkeypatch):
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    robot = receivers("ok")
    assert staff_a.post("/console/settings/webhook-test", data=form(webhook_url=robot.url)).status_code == 400
    assert robot.posts == []


def test_the_town_admin_sees_the_test_among_the_messages_sent(app, client, town, receivers):
    robot = receivers("ok")
    sign_in_staff(client, "staff-a")
    client.post("/console/settings/webhook-test", data=form(webhook_url=robot.url))
    client.post("/logout", data={})
    sign_in_staff(client, "admin")
    html = page(client.get("/admin/deliveries?kind=reminder-test"))
    [row] = [r for r in table_rows(html) if "Reminder test" in r]
    assert row[1] == "Reminder test" and row[3] == "甲厂" and row[6] == "sent"
