"""Resetting a worker's PIN, deactivating and reactivating a worker take a confirmation
(quizapp/deleting.py): the worker's page leads (GET) to a page naming the worker (name, number,
team) and saying what will happen (reactivating: the days the worker was away, named, stay not
counted); only that page's POST acts. A bare POST (an old form, a crafted request, the access
walk's) changes nothing."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from quizapp.clock import local_today
from quizapp.extensions import db
from quizapp.models import AuditLog, Employee, StaffUser
from quizapp.roster import service
from tests.pages import sign_in_staff

ACTIONS = {"deactivate": ("Deactivate this worker?", "no longer expected at the quiz", ">Deactivate</button>",
                          "roster.worker.deactivate"),
           "reset-pin": ("Reset this worker&#39;s PIN?", "PIN stops working at once", ">Reset PIN</button>",
                         "worker.reset_pin")}


@pytest.fixture
def staff_a(client, town):
    client.set_cookie("lang", "en")
    sign_in_staff(client, "staff-a")
    return client


def _worker(app, town) -> tuple[bool, bool, int]:
    with app.app_context():
        worker = db.session.get_one(Employee, town.worker_a)
        return worker.active, worker.pin_hash is not None, worker.session_generation


def _audited(app, action) -> int:
    with app.app_context():
        return len(db.session.scalars(select(AuditLog.id).where(AuditLog.action == action)).all())


def test_the_worker_page_s_buttons_lead_to_the_confirmation(staff_a, town):
    page = staff_a.get(f"/console/roster/{town.worker_a}").get_data(as_text=True)
    for action in ACTIONS:
        assert f'<form method="get" action="/console/roster/{town.worker_a}/{action}">' in page  # JavaScript off


@pytest.mark.parametrize("action", sorted(ACTIONS))
def test_the_confirmation_names_the_worker_and_what_will_happen(staff_a, town, action):
    question, happens, button, _ = ACTIONS[action]
    response = staff_a.get(f"/console/roster/{town.worker_a}/{action}")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert question in page and happens in page and button in page
    assert "王小明" in page and town.worker_a_no in page and "一车间" in page  # name, number, team
    assert 'name="confirm" type="hidden" value="yes"' in page
    assert f'href="/console/roster/{town.worker_a}">Cancel</a>' in page


@pytest.mark.parametrize("action", sorted(ACTIONS))
def test_a_post_without_the_confirmation_changes_nothing(app, staff_a, town, action):
    before = _worker(app, town)
    assert before[:2] == (True, True)
    for data in ({}, {"confirm": ""}, {"confirm": "no"}):
        response = staff_a.post(f"/console/roster/{town.worker_a}/{action}", data=data)
        assert response.status_code == 200 and "王小明" in response.get_data(as_text=True)  # the page again
        assert "shown only now" not in response.get_data(as_text=True)
    assert _worker(app, town) == before  # still active, PIN kept, still signed in
    assert _audited(app, ACTIONS[action][3]) == 0


def test_confirming_deactivates(app, staff_a, town):
    response = staff_a.post(f"/console/roster/{town.worker_a}/deactivate", data={"confirm": "yes"})
    assert response.status_code == 302 and response.location == f"/console/roster/{town.worker_a}"
    assert _worker(app, town)[0] is False
    assert _audited(app, "roster.worker.deactivate") == 1


def test_confirming_resets_the_pin_and_shows_the_code_once(app, staff_a, town):
    before = _worker(app, town)
    response = staff_a.post(f"/console/roster/{town.worker_a}/reset-pin", data={"confirm": "yes"})
    assert response.status_code == 200 and "shown only now" in response.get_data(as_text=True)
    active, has_pin, sessions = _worker(app, town)
    assert (active, has_pin) == (True, False) and sessions != before[2]  # signed out everywhere
    assert _audited(app, "worker.reset_pin") == 1


@pytest.mark.parametrize("action", sorted(ACTIONS))
def test_another_company_s_staff_get_no_confirmation_page(app, client, town, action):
    sign_in_staff(client, "staff-b")
    assert client.get(f"/console/roster/{town.worker_a}/{action}").status_code == 404
    assert client.post(f"/console/roster/{town.worker_a}/{action}", data={"confirm": "yes"}).status_code == 404
    assert _worker(app, town)[:2] == (True, True)


# --- reactivating: a confirmation naming the days the worker was away -----------------------------

def _away_since(app, town, days: int):
    """Worker A deactivated `days` days ago (as staff did then); (that day, yesterday)."""
    with app.app_context():
        today = local_today()
        actor = db.session.scalar(select(StaffUser).where(StaffUser.username == "staff-a"))
        service.set_active(actor, db.session.get_one(Employee, town.worker_a), False, today - timedelta(days=days))
        db.session.commit()
        return (today - timedelta(days=days)).isoformat(), (today - timedelta(days=1)).isoformat()


def test_reactivating_names_the_days_away_that_stay_not_counted_and_only_the_confirmation_acts(app, staff_a, town):
    first, last = _away_since(app, town, 10)
    worker_page = staff_a.get(f"/console/roster/{town.worker_a}").get_data(as_text=True)
    assert f'<form method="get" action="/console/roster/{town.worker_a}/reactivate">' in worker_page
    response = staff_a.get(f"/console/roster/{town.worker_a}/reactivate")
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "Reactivate this worker?" in page and ">Reactivate</button>" in page
    assert "王小明" in page and town.worker_a_no in page and "一车间" in page
    assert "From today the worker is expected at the quiz again" in page
    assert f"The days the worker was away, {first} to {last}, stay not counted" in page
    for data in ({}, {"confirm": "no"}):  # a bare POST: the page again, nothing done
        assert staff_a.post(f"/console/roster/{town.worker_a}/reactivate", data=data).status_code == 200
    assert _worker(app, town)[0] is False and _audited(app, "roster.worker.reactivate") == 0
    response = staff_a.post(f"/console/roster/{town.worker_a}/reactivate", data={"confirm": "yes"})
    assert response.status_code == 302 and response.location == f"/console/roster/{town.worker_a}"
    assert _worker(app, town)[0] is True and _audited(app, "roster.worker.reactivate") == 1
    page = staff_a.get(f"/console/roster/{town.worker_a}").get_data(as_text=True)
    assert f"Days away, not counted in any figure: {first} – {last}" in page
    assert f'action="/console/roster/{town.worker_a}/deactivate"' in page


def test_reactivating_a_worker_deactivated_today_leaves_no_day_out(app, staff_a, town):
    _away_since(app, town, 0)
    page = staff_a.get(f"/console/roster/{town.worker_a}/reactivate").get_data(as_text=True)
    assert "The worker was away on no past day: no past day&#39;s figures change." in page


def test_a_worker_on_the_roster_has_nothing_to_reactivate(app, staff_a, town):
    for response in (staff_a.get(f"/console/roster/{town.worker_a}/reactivate"),
                     staff_a.post(f"/console/roster/{town.worker_a}/reactivate", data={"confirm": "yes"})):
        assert response.status_code == 302 and response.location == f"/console/roster/{town.worker_a}"
    assert _audited(app, "roster.worker.reactivate") == 0
