"""The digest page: an officer's own addresses (checked), today's preview (their grids only, no
worker), "send me a test now" against a local robot and a local SMTP server, their last
deliveries; another grid's officer never hears about company A; CSRF on the test button."""

import pytest
from sqlalchemy import select

from quizapp.clock import local_today
from quizapp.extensions import db
from quizapp.models import Delivery, Grid, StaffUser, SupervisionCase
from tests.factories import make_staff
from tests.pages import read, sign_in_staff
from tests.receivers import Mailbox, Receiver

WORKERS = ("王小明", "李小红", "张新来", "A001", "A002", "B001")


def signed_in(client, username: str):
    client.set_cookie("lang", "en")
    sign_in_staff(client, username)
    return client


def no_workers(text: str) -> None:
    assert not any(worker in text for worker in WORKERS)


@pytest.fixture
def flagged_a(app, town):
    """Company A newly on the supervision list today; a second officer for grid g2 only."""
    with app.app_context():
        db.session.add(SupervisionCase(company_id=town.company_a, rule="manual", reason="low", opened_on=local_today()))
        make_staff("officer-2", "grid_officer", grids=[db.session.scalar(select(Grid).where(Grid.code == "g2"))])
        db.session.commit()
    return town


@pytest.fixture
def robot():
    receiver = Receiver()
    yield receiver
    receiver.close()


def account(app, username: str) -> StaffUser:
    with app.app_context():
        user = db.session.scalar(select(StaffUser).where(StaffUser.username == username))
        db.session.expunge(user)
        return user


def test_the_page_shows_today_s_preview_of_the_officer_s_own_grids(client, flagged_a):
    status, page = read(signed_in(client, "officer-1"), "/reports/digest")
    assert status == 200
    assert "Daily digest" in page and "网格一" in page and "甲厂" in page and "网格二" not in page
    assert "Send me a test now" in page and "Nothing sent yet." in page
    no_workers(page)


def test_another_grid_s_officer_never_hears_about_company_a(client, flagged_a):
    status, page = read(signed_in(client, "officer-2"), "/reports/digest")
    assert status == 200 and "网格二" in page and "网格一" not in page and "甲厂" not in page
    no_workers(page)


def test_an_officer_saves_their_addresses(app, client, flagged_a, robot):
    officer = signed_in(client, "officer-1")
    response = officer.post("/reports/digest", data={"email": " officer1@town.example ", "webhook_url": robot.url})
    assert response.status_code == 302
    saved = account(app, "officer-1")
    assert (saved.email, saved.webhook_url) == ("officer1@town.example", robot.url)
    status, page = read(officer, "/reports/digest")
    assert "officer1@town.example" in page and "Your digest addresses are saved." in page
    officer.post("/reports/digest", data={"email": "", "webhook_url": ""})
    assert (account(app, "officer-1").email, account(app, "officer-1").webhook_url) == (None, None)


def test_bad_addresses_are_refused_with_a_reason(app, client, flagged_a):
    officer = signed_in(client, "officer-1")
    response = officer.post("/reports/digest", data={"email": "officer at town", "webhook_url": "ftp://robot"})
    page = response.get_data(as_text=True)
    response.close()
    assert response.status_code == 400
    assert "Give an e-mail address such as name@example.com." in page
    assert "The webhook must be a WeChat Work group robot address" in page
    assert account(app, "officer-1").email is None


def test_outside_tests_only_a_wechat_work_robot_is_accepted(app, client, flagged_a, monkeypatch):
    monkeypatch.setitem(app.config, "TESTING", False)
    officer = signed_in(client, "officer-1")
    refused = officer.post("/reports/digest", data={"webhook_url": "https://example.com/hook"})
    refused.close()
    assert refused.status_code == 400
    wechat = "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=abcd-1234"
    assert officer.post("/reports/digest", data={"webhook_url": wechat}).status_code == 302
    assert account(app, "officer-1").webhook_url == wechat


def test_send_me_a_test_now_goes_through_the_robot_and_the_mail_server(app, client, flagged_a, robot, monkeypatch):
    mailbox = Mailbox()
    try:
        monkeypatch.setitem(app.config, "QUIZAPP_SMTP_HOST", "127.0.0.1")
        monkeypatch.setitem(app.config, "QUIZAPP_SMTP_PORT", mailbox.port)
        officer = signed_in(client, "officer-1")
        officer.post("/reports/digest", data={"email": "officer1@town.example", "webhook_url": robot.url})
        response = officer.post("/reports/digest/test")
        assert response.status_code == 302
        status, page = read(officer, "/reports/digest")
    finally:
        mailbox.close()
    assert "Test sent by e-mail to officer1@town.example." in page
    assert "Test sent by WeChat Work robot" in page
    [content] = robot.contents()
    [text] = mailbox.texts()
    for message in (content, text):
        assert "网格一" in message and "甲厂" in message and "网格二" not in message
        no_workers(message)
    assert page.count("sent</span>") == 2  # both listed among the last deliveries
    with app.app_context():
        kinds = {d.kind for d in db.session.scalars(select(Delivery))}
    assert kinds == {"digest-test"}  # a test never stands in for the day's digest


def test_a_failed_test_says_why(client, flagged_a, robot):
    robot.answer = "500"
    officer = signed_in(client, "officer-1")
    officer.post("/reports/digest", data={"webhook_url": robot.url})
    officer.post("/reports/digest/test")
    status, page = read(officer, "/reports/digest")
    assert "could not be sent: HTTP 500" in page and "failed</span>" in page
    assert len(robot.posts) == 1  # one try from the page: the officer sees the outcome at once


def test_a_test_without_an_address_asks_for_one(client, flagged_a):
    officer = signed_in(client, "officer-1")
    officer.post("/reports/digest/test")
    status, page = read(officer, "/reports/digest")
    assert "Save an e-mail address or a robot address first." in page


def test_the_test_button_needs_the_csrf_token(app, client, flagged_a, monkeypatch, robot):
    officer = signed_in(client, "officer-1")
    officer.post("/reports/digest", data={"webhook_url": robot.url})
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    response = officer.post("/reports/digest/test")
    response.close()
    assert response.status_code == 400 and robot.posts == []


def test_company_staff_and_strangers_cannot_open_it(client, town):
    status, _page = read(signed_in(client, "staff-a"), "/reports/digest")
    assert status == 403
