"""The town admin's accounts pages: list and filters, create and reset with a one-time password
(shown once; the person sets their own before any other page), edit, unlock, sign out everywhere,
deactivate (the person's open session ends), reactivate (old sessions stay ended); forged forms are
form errors; CSRF is checked; other roles are refused."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from quizapp.clock import utcnow
from quizapp.extensions import db
from quizapp.models import AuditLog, Company, Grid, StaffUser
from tests.factories import make_staff
from tests.pages import read, sign_in_staff, sign_in_staff_in_english


@pytest.fixture
def admin(app, town):
    """The town admin's browser. Not pytest-flask's `client`: that one keeps its last request's
    context pushed, and a second person's requests would then share its signed-in user."""
    client = app.test_client()
    sign_in_staff_in_english(client, "admin")
    return client


def ids(app, town):
    with app.app_context():
        g1 = db.session.scalar(select(Grid).where(Grid.code == "g1"))
        officer = db.session.scalar(select(StaffUser).where(StaffUser.username == "officer-1"))
        admin_id = db.session.scalar(select(StaffUser.id).where(StaffUser.username == "admin"))
        return {"g1": g1.id, "g2": db.session.scalar(select(Grid.id).where(Grid.code == "g2")),
                "officer": officer.id, "admin": admin_id}


def account(app, username):
    with app.app_context():
        user = db.session.scalar(select(StaffUser).where(StaffUser.username == username))
        db.session.expunge(user) if user else None
        return user


def shown_password(page: str) -> str:
    return re.search(r'class="code secret">([^<]+)<', page).group(1)


def test_the_list_shows_every_staff_account_and_filters(admin, town):
    status, page = read(admin, "/admin/accounts")
    assert status == 200
    for username in ("staff-a", "staff-b", "officer-1", "admin"):
        assert username in page
    assert "甲厂" in page and "网格一" in page and "王小明" not in page
    _, officers = read(admin, "/admin/accounts?role=grid_officer")
    assert "officer-1" in officers and "staff-a" not in officers
    _, found = read(admin, "/admin/accounts?q=STAFF-B")
    assert "staff-b" in found and "staff-a" not in found
    _, forged = read(admin, "/admin/accounts?role=root&grid=abc&company=-1&active=maybe&page=zz")
    assert "officer-1" in forged  # unusable filters are ignored, never a crash


def test_the_list_pages(app, admin, town):
    with app.app_context():
        for i in range(55):
            make_staff(f"bulk-{i:02d}", "company_staff", company=db.session.get(Company, town.company_a))
        db.session.commit()
    _, first = read(admin, f"/admin/accounts?company={town.company_a}")
    _, second = read(admin, f"/admin/accounts?company={town.company_a}&page=2")
    assert "Page 1 of 2" in first and "bulk-00" in first and "bulk-54" not in first
    assert "bulk-54" in second and "bulk-00" not in second


def test_create_an_officer_the_password_is_generated_and_shown_once(app, admin, town):
    known = ids(app, town)
    response = admin.post("/admin/accounts/new", data={
        "username": "officer-9", "display_name": "赵网格", "role": "grid_officer", "grids": [str(known["g1"])],
        "email": "zhao@example.cn", "webhook_url": "http://127.0.0.1:9/hook", "password": ""})
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    password = shown_password(page)
    created = account(app, "officer-9")
    assert created.role == "grid_officer" and created.email == "zhao@example.cn"
    _, edit = read(admin, f"/admin/accounts/{created.id}")
    assert password not in edit  # shown once: never again
    _, log = read(admin, "/admin/audit")
    assert "Created an account" in log and password not in log
    other = app.test_client()  # another person's browser
    assert sign_in_staff(other, "officer-9", password).location == "/login/password"
    assert other.get("/reports/").location == "/login/password"  # nothing else until the own password is set
    changed = other.post("/login/password", data={"current": password, "password": "my own secret",
                                                  "password_again": "my own secret"})
    assert changed.location == "/reports/" and other.get("/reports/").status_code == 200
    assert not account(app, "officer-9").must_change_password


def test_the_admin_cannot_type_a_password_for_company_staff(app, admin, town):
    _, form = read(admin, "/admin/accounts/new")
    assert 'name="password"' not in form
    response = admin.post("/admin/accounts/new", data={
        "username": "staff-c", "display_name": "小陈", "role": "company_staff", "company": str(town.company_a),
        "password": "a typed password"})
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    password = shown_password(response.get_data(as_text=True))
    assert account(app, "staff-c").company_id == town.company_a
    other = app.test_client()
    assert sign_in_staff(other, "staff-c", "a typed password").status_code == 200  # ignored: not the password
    assert sign_in_staff(other, "staff-c", password).location == "/login/password"
    for page in ("/console/", "/console/roster", "/console/chase"):
        assert other.get(page).location == "/login/password"


def test_setting_the_own_password_refuses_mistakes(app, admin, town):
    password = shown_password(admin.post("/admin/accounts/new", data={
        "username": "staff-c", "display_name": "小陈", "role": "company_staff",
        "company": str(town.company_a)}).get_data(as_text=True))
    other = app.test_client()
    sign_in_staff(other, "staff-c", password)
    other.set_cookie("lang", "en")
    for data, message in (({"current": "wrong", "password": "my own secret"}, "not the password you were given"),
                          ({"current": password, "password": "short"}, "at least 10 characters"),
                          ({"current": password, "password": password}, "not the one you were given")):
        response = other.post("/login/password", data={**data, "password_again": data["password"]})
        assert response.status_code == 400 and message in response.get_data(as_text=True)
    assert account(app, "staff-c").must_change_password


@pytest.mark.parametrize("change, message", [
    ({"role": "superuser"}, "Choose one of the roles in the list."),
    ({"role": "company_staff", "company": "999999"}, "Choose one of the active companies in the list."),
    ({"role": "company_staff", "company": "abc"}, "Choose one of the active companies in the list."),
    ({"role": "company_staff"}, "Choose the company this account works for."),
    ({"grids": ["999999"]}, "Choose grids from the list of active grids."),
    ({"grids": ["x'; drop"]}, "Choose grids from the list of active grids."),
    ({"grids": []}, "Choose at least one grid for a grid officer."),
    ({"username": "officer-1"}, "The username officer-1 is taken"),
    ({"username": "has space"}, "A username is 2 to 64 letters"),
    ({"email": "zhao@"}, "This is not an e-mail address"),
    ({"webhook_url": "ftp://example.cn/x"}, "The webhook must be a WeChat Work group robot address"),
    ({"display_name": ""}, "name as colleagues know it."),
])
def test_bad_and_forged_forms_are_form_errors(app, admin, town, change, message):
    known = ids(app, town)
    data = {"username": "officer-9", "display_name": "赵网格", "role": "grid_officer",
            "grids": [str(known["g1"])], **change}
    response = admin.post("/admin/accounts/new", data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and message in page
    assert account(app, "officer-9") is None


def test_an_inactive_grid_is_not_offered_nor_accepted(app, admin, town):
    known = ids(app, town)
    with app.app_context():
        db.session.get(Grid, known["g2"]).active = False
        db.session.commit()
    _, form = read(admin, "/admin/accounts/new")
    assert "网格一" in form and "网格二" not in form
    response = admin.post("/admin/accounts/new", data={
        "username": "officer-9", "display_name": "x", "role": "grid_officer", "grids": [str(known["g2"])]})
    assert response.status_code == 400 and account(app, "officer-9") is None


def test_edit_changing_the_role_clears_the_grids(app, admin, town):
    known = ids(app, town)
    _, page = read(admin, f"/admin/accounts/{known['officer']}")
    assert 'value="officer-1"' in page and "Reset the password" in page
    response = admin.post(f"/admin/accounts/{known['officer']}", data={
        "display_name": "改名", "role": "company_staff", "company": str(town.company_b), "grids": [str(known["g1"])]})
    assert response.status_code == 302
    with app.app_context():
        changed = db.session.get(StaffUser, known["officer"])
        assert changed.role == "company_staff" and changed.company_id == town.company_b and changed.grids == []
        assert changed.display_name == "改名"
    assert admin.get(f"/admin/accounts/{known['officer']}").status_code == 200
    assert admin.get("/admin/accounts/999999").status_code == 404


def test_the_admin_cannot_demote_or_deactivate_themselves(app, admin, town):
    known = ids(app, town)
    response = admin.post(f"/admin/accounts/{known['admin']}", data={"display_name": "admin", "role": "grid_officer",
                                                                    "grids": [str(known["g1"])]})
    assert response.status_code == 400 and "You cannot change your own role" in response.get_data(as_text=True)
    response = admin.post(f"/admin/accounts/{known['admin']}/deactivate", follow_redirects=True)
    assert "You cannot deactivate your own account." in response.get_data(as_text=True)
    assert account(app, "admin").active and account(app, "admin").role == "town_admin"


def test_the_last_active_town_admin_cannot_be_removed(app, admin, town):
    with app.app_context():
        deputy = make_staff("deputy", "town_admin")
        db.session.commit()
        deputy_id = deputy.id
    admin.post(f"/admin/accounts/{deputy_id}/deactivate")
    assert not account(app, "deputy").active
    other = app.test_client()
    sign_in_staff(other, "deputy")  # deactivated: cannot sign in to remove the other admin
    assert other.get("/admin/accounts").status_code == 302


def test_deactivating_ends_the_open_session_and_sign_in(app, admin, town):
    known = ids(app, town)
    officer = app.test_client()
    sign_in_staff_in_english(officer, "officer-1")
    assert officer.get("/reports/").status_code == 200
    response = admin.post(f"/admin/accounts/{known['officer']}/deactivate", follow_redirects=True)
    assert "can no longer sign in" in response.get_data(as_text=True)
    ended = officer.get("/reports/")
    assert ended.status_code == 302 and ended.location.startswith("/login?next=")  # signed out at once
    again = sign_in_staff(officer, "officer-1")
    assert again.status_code == 200 and "This account is deactivated" in again.get_data(as_text=True)
    admin.post(f"/admin/accounts/{known['officer']}/reactivate")
    assert officer.get("/reports/").status_code == 302  # reactivating does not bring the old session back
    assert sign_in_staff(officer, "officer-1").location == "/reports/"
    with app.app_context():
        actions = list(db.session.scalars(select(AuditLog.action).where(AuditLog.action.like("admin.%"))
                                          .order_by(AuditLog.id)))
    assert actions == ["admin.account.deactivate", "admin.account.reactivate"]


def test_reset_password_and_unlock(app, admin, town):
    known = ids(app, town)
    with app.app_context():
        officer = db.session.get(StaffUser, known["officer"])
        officer.failed_logins, officer.locked_until = 0, utcnow() + timedelta(minutes=15)
        db.session.commit()
    _, page = read(admin, f"/admin/accounts/{known['officer']}")
    assert "locked" in page and "Unlock" in page
    admin.post(f"/admin/accounts/{known['officer']}/unlock")
    assert account(app, "officer-1").locked_until is None
    response = admin.post(f"/admin/accounts/{known['officer']}/password")
    password = shown_password(response.get_data(as_text=True))
    other = app.test_client()
    assert sign_in_staff(other, "officer-1").status_code == 200  # the old password is gone
    assert sign_in_staff(other, "officer-1", password).location == "/login/password"


def test_posts_without_the_csrf_token_are_refused(app, admin, town, monkeypatch):
    known = ids(app, town)
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    assert admin.post(f"/admin/accounts/{known['officer']}/deactivate").status_code == 400
    assert admin.post("/admin/accounts/new", data={"username": "x1", "display_name": "x", "role": "town_admin"}
                      ).status_code == 400
    assert account(app, "officer-1").active and account(app, "x1") is None


@pytest.mark.parametrize("username", ["officer-1", "staff-a"])
def test_other_roles_are_refused(client, town, username):
    sign_in_staff(client, username)
    assert client.get("/admin/accounts").status_code == 403
    assert client.post("/admin/accounts/new", data={}).status_code == 403
