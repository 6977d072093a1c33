"""Sessions end when they should: a browser's cookies (the session, and a worker's remember-me
cookie) are saved, something happens, and the saved cookies are replayed in a fresh browser: after
signing out (staff and worker), a PIN or password reset, deactivation and reactivation, and "sign
out everywhere" (by the admin, by company staff for a worker), the old cookies sign nobody in."""

import re

import pytest
from sqlalchemy import select

from quizapp.extensions import db
from quizapp.models import Employee, StaffUser
from tests.pages import sign_in_staff, sign_in_worker

SESSION, REMEMBER = "session", "remember_token"


def saved(client) -> dict[str, str]:
    """The browser's sign-in cookies, to replay later."""
    return {name: cookie.value for name in (SESSION, REMEMBER) if (cookie := client.get_cookie(name)) is not None}


def replay(app, cookies: dict[str, str], only: tuple[str, ...] = (SESSION, REMEMBER)):
    """A fresh browser holding the saved cookies (or only some of them)."""
    client = app.test_client()
    for name, value in cookies.items():
        if name in only:
            client.set_cookie(name, value)
    return client


def signed_in_worker(app, client, town) -> dict[str, str]:
    sign_in_worker(client, town.code_a, town.worker_a_no)
    assert client.get("/today").status_code == 200
    cookies = saved(client)
    assert REMEMBER in cookies  # a worker's phone is remembered for weeks
    # The remember-me cookie alone signs the phone in (a new browser session).
    assert replay(app, cookies, only=(REMEMBER,)).get("/today").status_code == 200
    return cookies


def assert_worker_signed_out(app, cookies):
    for only in ((SESSION, REMEMBER), (REMEMBER,), (SESSION,)):
        response = replay(app, cookies, only=only).get("/today")
        assert response.status_code == 302 and "/today" not in response.location, only


def assert_staff_signed_out(app, cookies, page):
    response = replay(app, cookies).get(page)
    assert response.status_code == 302 and response.location.startswith("/login"), page


def staff_browser(app, username):
    client = app.test_client()
    sign_in_staff(client, username)
    return client


def account_id(app, username):
    with app.app_context():
        return db.session.scalar(select(StaffUser.id).where(StaffUser.username == username))


@pytest.mark.parametrize("username, page", [("officer-1", "/reports/"), ("staff-a", "/console/"),
                                            ("admin", "/admin/")])
def test_staff_sign_out_ends_the_saved_session(app, town, username, page):
    client = staff_browser(app, username)
    assert client.get(page).status_code == 200
    cookies = saved(client)
    client.post("/logout")
    assert_staff_signed_out(app, cookies, page)


def test_signing_out_ends_every_device_of_the_account(app, town):
    laptop, phone = staff_browser(app, "officer-1"), staff_browser(app, "officer-1")
    laptop.post("/logout")
    assert phone.get("/reports/").status_code == 302


def test_a_worker_s_not_my_phone_button_ends_the_session_and_the_remember_me_cookie(app, town):
    client = app.test_client()
    cookies = signed_in_worker(app, client, town)
    page = client.get("/today").get_data(as_text=True)
    assert re.search(r'<form method="post" action="/logout"', page)  # the "not my phone" button
    client.post("/logout")
    assert_worker_signed_out(app, cookies)


def test_a_fresh_sign_in_gets_a_new_remember_me_cookie(app, town):
    client = app.test_client()
    first = signed_in_worker(app, client, town)
    client.post("/logout")
    second = signed_in_worker(app, app.test_client(), town)
    third = signed_in_worker(app, app.test_client(), town)  # another phone, without signing out
    assert len({first[REMEMBER], second[REMEMBER], third[REMEMBER]}) == 3
    assert_worker_signed_out(app, first)
    assert replay(app, second, only=(REMEMBER,)).get("/today").status_code == 200


@pytest.mark.parametrize("action", ["reset-pin", "deactivate", "sign-out"])
def test_company_staff_end_a_worker_s_sessions(app, town, action):
    client = app.test_client()
    cookies = signed_in_worker(app, client, town)
    staff = staff_browser(app, "staff-a")
    # A PIN reset answers with the page that shows the one-time code once; the others go back.
    expected = 200 if action == "reset-pin" else 302
    data = {} if action == "sign-out" else {"confirm": "yes"}  # from the confirmation page
    assert staff.post(f"/console/roster/{town.worker_a}/{action}", data=data).status_code == expected
    assert_worker_signed_out(app, cookies)


def test_reactivating_a_worker_does_not_bring_old_cookies_back(app, town):
    client = app.test_client()
    cookies = signed_in_worker(app, client, town)
    staff = staff_browser(app, "staff-a")
    staff.post(f"/console/roster/{town.worker_a}/deactivate", data={"confirm": "yes"})
    staff.post(f"/console/roster/{town.worker_a}/reactivate", data={"confirm": "yes"})
    assert_worker_signed_out(app, cookies)
    signed_in_worker(app, app.test_client(), town)  # the worker signs in again with the PIN


@pytest.mark.parametrize("actions", [("password",), ("sign-out",), ("deactivate",), ("deactivate", "reactivate")])
def test_the_admin_ends_a_staff_account_s_sessions(app, town, actions):
    officer = staff_browser(app, "officer-1")
    assert officer.get("/reports/").status_code == 200
    cookies = saved(officer)
    admin = staff_browser(app, "admin")
    for action in actions:
        assert admin.post(f"/admin/accounts/{account_id(app, 'officer-1')}/{action}").status_code in (200, 302)
    assert_staff_signed_out(app, cookies, "/reports/")


def test_a_session_from_before_generations_existed_is_refused(app, town):
    from quizapp.signin.sessions import load_account

    with app.app_context():
        assert load_account(f"s:{account_id(app, 'officer-1')}") is None
        assert load_account(f"s:{account_id(app, 'officer-1')}:0:abcd") is not None
        assert load_account(f"s:{account_id(app, 'officer-1')}:1:abcd") is None
        assert load_account("x:1:0:abcd") is None and load_account("e:abc:0:abcd") is None


def test_not_my_phone_takes_the_worker_off_the_phone_s_device_cookie(app, town):
    """After "not my phone" the phone is no longer the worker's own: their wrong PINs on it count
    with other phones' guesses, and a lock there can never be the owner's. A shared phone keeps the
    other workers who signed in on it; the last one out deletes the cookie."""
    phone = app.test_client()
    sign_in_worker(phone, town.code_b, town.worker_b_no)
    phone.post("/logout")
    sign_in_worker(phone, town.code_a, town.worker_a_no)
    assert phone.get_cookie("device") is not None
    phone.post("/logout")
    assert sign_in_worker(phone, town.code_a, town.worker_a_no, "1357").status_code == 200  # wrong PIN
    with app.app_context():
        worker_a = db.session.get(Employee, town.worker_a)
        assert (worker_a.stranger_failures, worker_a.pin_failures) == (1, 0)
    assert sign_in_worker(phone, town.code_b, town.worker_b_no, "1357").status_code == 200
    with app.app_context():
        worker_b = db.session.get(Employee, town.worker_b)
        assert (worker_b.stranger_failures, worker_b.pin_failures) == (1, 0)  # B signed out too, earlier
    sign_in_worker(phone, town.code_b, town.worker_b_no)
    sign_in_worker(phone, town.code_a, town.worker_a_no)  # a second worker on the same phone
    phone.post("/logout")  # A: not my phone
    sign_in_worker(phone, town.code_b, town.worker_b_no, "1357")
    with app.app_context():
        assert db.session.get(Employee, town.worker_b).pin_failures == 1  # still B's own phone
    sign_in_worker(phone, town.code_b, town.worker_b_no)
    phone.post("/logout")
    assert phone.get_cookie("device") is None
