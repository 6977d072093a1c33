"""Withdrawing a published alert takes a confirmation (quizapp/deleting.py): the alert's page leads
(GET) to a page naming the alert, how many workers answered it so far, and that workers stop meeting
it and it cannot be published again; only that page's POST withdraws. A bare POST (an old form, a
crafted request, the access walk's) changes nothing. Only those who may withdraw (the town admin, an
officer whose grids it all targets) get the button or the page."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from quizapp.alerts import service
from quizapp.clock import local_today, utcnow
from quizapp.extensions import db
from quizapp.models import Alert, AuditLog, Employee, Grid, StaffUser, Topic
from tests.alerts import drafts
from tests.factories import take_quiz
from tests.pages import sign_in_staff


@pytest.fixture
def live(app, town) -> int:
    """A live alert for grid 1, answered by worker A (one worker reached)."""
    with app.app_context():
        alert = drafts.published(days=3)
        take_quiz(db.session.get(Employee, town.worker_a), local_today())
        db.session.commit()
        return alert.id


def _officer(client) -> None:
    client.set_cookie("lang", "en")
    sign_in_staff(client, "officer-1")


def _status(app, alert_id: int) -> str:
    with app.app_context():
        return db.session.get_one(Alert, alert_id).status


def _withdrawals(app) -> int:
    with app.app_context():
        return len(db.session.scalars(select(AuditLog.id).where(AuditLog.action == "alert.withdraw")).all())


def test_the_alert_page_s_button_leads_to_the_confirmation(client, live):
    _officer(client)
    page = client.get(f"/reports/alerts/{live}").get_data(as_text=True)
    assert f'<form method="get" action="/reports/alerts/{live}/withdraw"' in page  # works with JavaScript off


def test_the_confirmation_says_what_withdrawing_does(client, live):
    _officer(client)
    response = client.get(f"/reports/alerts/{live}/withdraw")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Withdraw this alert?" in page and drafts.FORM["title"] in page and "网格一" in page
    assert "the workers of its grids no longer meet it" in page
    assert "<dt>Workers who answered it so far</dt><dd>1</dd>" in page
    assert "1 worker has answered its question so far" in page
    assert "cannot be published again or edited" in page and "draft a new alert" in page
    assert ">Withdraw</button>" in page and 'name="confirm" type="hidden" value="yes"' in page
    assert f'href="/reports/alerts/{live}">Cancel</a>' in page


def test_a_post_without_the_confirmation_changes_nothing(app, client, live):
    _officer(client)
    for data in ({}, {"confirm": ""}, {"confirm": "no"}):
        response = client.post(f"/reports/alerts/{live}/withdraw", data=data)
        assert response.status_code == 200 and "Withdraw this alert?" in response.get_data(as_text=True)
    assert _status(app, live) == "published" and _withdrawals(app) == 0


def test_confirming_withdraws(app, client, live):
    _officer(client)
    response = client.post(f"/reports/alerts/{live}/withdraw", data={"confirm": "yes"})
    assert response.status_code == 302 and response.location == f"/reports/alerts/{live}"
    assert _status(app, live) == "withdrawn" and _withdrawals(app) == 1
    page = client.get(response.location).get_data(as_text=True)
    assert "withdrawn" in page and "/withdraw" not in page


def test_an_alert_not_in_the_quiz_has_no_confirmation(app, client, town):
    with app.app_context():
        officer = db.session.scalar(select(StaffUser).where(StaffUser.username == "officer-1"))
        target = service.Target(db.session.scalar(select(Topic.id)), [db.session.scalar(select(Grid.id))],
                                local_today() + timedelta(days=3))
        draft = service.save_draft(officer, drafts.draft(), target, local_today(), utcnow())
        db.session.commit()
        draft_id = draft.id
    _officer(client)
    response = client.get(f"/reports/alerts/{draft_id}/withdraw")
    assert response.status_code == 302 and response.location == f"/reports/alerts/{draft_id}"
    assert _status(app, draft_id) == "draft"


def test_an_officer_gets_no_withdraw_for_an_alert_also_for_other_grids(app, client, town):
    with app.app_context():
        admin = db.session.scalar(select(StaffUser).where(StaffUser.username == "admin"))
        target = service.Target(db.session.scalar(select(Topic.id)), list(db.session.scalars(select(Grid.id))),
                                local_today() + timedelta(days=3))
        alert = service.publish(admin, service.save_draft(admin, drafts.draft(), target, local_today(), utcnow()),
                                local_today())
        db.session.commit()
        alert_id = alert.id
    _officer(client)
    assert "/withdraw" not in client.get(f"/reports/alerts/{alert_id}").get_data(as_text=True)
    response = client.get(f"/reports/alerts/{alert_id}/withdraw")
    assert response.status_code == 302 and response.location == f"/reports/alerts/{alert_id}"
    assert "This alert is also for grids that are not yours." in client.get(response.location).get_data(as_text=True)
    assert client.post(f"/reports/alerts/{alert_id}/withdraw", data={"confirm": "yes"}).status_code == 302
    assert _status(app, alert_id) == "published"
