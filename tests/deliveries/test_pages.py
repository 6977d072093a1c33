"""The town admin's messages sent: every reminder and digest newest first, filtered by status and
kind, with tries and the last error; robot keys cut short; "retry now" on a failed digest (sent
again to a local robot); officers never get in."""

from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from quizapp.clock import local_today
from quizapp.extensions import db
from quizapp.models import Delivery, StaffUser
from tests.pages import read, sign_in_staff
from tests.receivers import Receiver

SECRET_KEY = "693a91f6-7xxx-4bc4-97a0-0ec2sifa5aaa"


def signed_in(client, username: str):
    client.set_cookie("lang", "en")
    sign_in_staff(client, username)
    return client


@pytest.fixture
def robot():
    receiver = Receiver()
    yield receiver
    receiver.close()


@pytest.fixture
def sent(app, town, robot):
    """A sent reminder of company A, and a failed digest of officer-1 (who has a robot now)."""
    with app.app_context():
        officer = db.session.scalar(select(StaffUser).where(StaffUser.username == "officer-1"))
        officer.webhook_url = robot.url
        day = local_today()
        reminder = Delivery(company_id=town.company_a, kind="reminder", channel="webhook",
                            target=f"https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key={SECRET_KEY}",
                            payload={"key": f"{day.isoformat()}/早班", "body": {}}, status="sent", attempts=1,
                            created_at=datetime(2026, 1, 1, 0, 0), sent_at=datetime(2026, 1, 1, 0, 0))
        digest = Delivery(staff_user_id=officer.id, kind="digest", channel="webhook", target="http://127.0.0.1:9/gone",
                          payload={"key": f"digest:{day.isoformat()}", "body": {}}, status="failed", attempts=3,
                          last_error="URLError: [Errno 111] Connection refused",
                          created_at=datetime(2026, 1, 1, 0, 0) + timedelta(hours=13))
        db.session.add_all([reminder, digest])
        db.session.commit()
        return reminder.id, digest.id


def test_the_admin_sees_every_message_newest_first_with_its_error(client, sent):
    status, page = read(signed_in(client, "admin"), "/admin/deliveries")
    assert status == 200
    assert "Messages sent" in page and "甲厂" in page and "officer-1" in page
    assert page.index("officer-1") < page.index("甲厂")  # the digest is newer
    assert "Connection refused" in page and "Retry now" in page and "Failed in all: 1." in page
    assert SECRET_KEY not in page and "key=693a…" in page
    assert "王小明" not in page


def test_filters_by_status_and_kind(client, sent):
    admin = signed_in(client, "admin")
    _status, failed = read(admin, "/admin/deliveries?status=failed")
    assert "officer-1" in failed and "甲厂" not in failed
    _status, reminders = read(admin, "/admin/deliveries?kind=reminder")
    assert "甲厂" in reminders and "officer-1" not in reminders and "Retry now" not in reminders
    _status, none = read(admin, "/admin/deliveries?kind=digest&status=sent")
    assert "No messages match." in none


def test_retry_now_sends_a_failed_digest_again_with_fresh_figures(app, client, sent, robot):
    admin = signed_in(client, "admin")
    response = admin.post("/admin/deliveries/retry",
                          data={"delivery": sent[1], "next": "/admin/deliveries?kind=digest"})
    assert response.status_code == 302 and response.location.endswith("/admin/deliveries?kind=digest")
    _status, page = read(admin, "/admin/deliveries")
    assert "Sent again: the digest went out." in page
    [content] = robot.contents()
    assert "网格一" in content and "网格二" not in content and "王小明" not in content
    with app.app_context():
        digest = db.session.get(Delivery, sent[1])
        assert (digest.status, digest.attempts, digest.target, digest.last_error) == ("sent", 4, robot.url, None)


def test_a_reminder_or_a_stranger_s_address_is_not_retried_here(client, sent, robot):
    admin = signed_in(client, "admin")
    admin.post("/admin/deliveries/retry", data={"delivery": sent[0]})
    elsewhere = admin.post("/admin/deliveries/retry", data={"delivery": "nope", "next": "https://evil.example/"})
    assert elsewhere.location == "/admin/deliveries"  # never sent off the site
    _status, page = read(admin, "/admin/deliveries")
    assert page.count("Only a failed digest") == 2 and robot.posts == []


def test_officers_cannot_open_it(client, sent):
    officer = signed_in(client, "officer-1")
    assert read(officer, "/admin/deliveries")[0] == 403
    response = officer.post("/admin/deliveries/retry", data={"delivery": sent[1]})
    response.close()
    assert response.status_code == 403
