"""Company staff see their company's staff accounts: who created each and who reset its password,
when, and its last sign-in, so an account the town admin made or reset, or signed in with, is seen
by the company. Another company's accounts are not there; other roles are refused."""

import re

from tests.pages import read, sign_in_staff, sign_in_staff_in_english, table_rows


def test_company_staff_see_who_created_and_reset_their_accounts(app, town):
    admin = app.test_client()
    sign_in_staff_in_english(admin, "admin")
    admin.post("/admin/accounts/new", data={"username": "staff-c", "display_name": "小陈", "role": "company_staff",
                                            "company": str(town.company_a)})
    staff = app.test_client()
    sign_in_staff_in_english(staff, "staff-a")
    status, page = read(staff, "/console/staff")
    assert status == 200
    rows = {row[0]: row for row in table_rows(page)[1:]}
    assert set(rows) == {"staff-a", "staff-c"}  # not staff-b, of another company
    created, reset, last, state = rows["staff-c"][2:]
    assert "by admin" in created and re.match(r"\d{4}-\d\d-\d\d \d\d:\d\d", created)
    assert (reset, last, state) == ("never", "never", "waiting for its own password")
    assert re.match(r"\d{4}-\d\d-\d\d \d\d:\d\d$", rows["staff-a"][4])  # signed in just now
    admin.post(f"/admin/accounts/{staff_id(app, 'staff-c')}/password")
    _, page = read(staff, "/console/staff")
    assert "by admin" in {row[0]: row for row in table_rows(page)[1:]}["staff-c"][3]


def staff_id(app, username):
    from sqlalchemy import select

    from quizapp.extensions import db
    from quizapp.models import StaffUser

    with app.app_context():
        return db.session.scalar(select(StaffUser.id).where(StaffUser.username == username))


def test_other_roles_cannot_see_a_company_s_accounts(app, town):
    for username in ("officer-1", "admin"):
        client = app.test_client()
        sign_in_staff(client, username)
        assert client.get("/console/staff").status_code == 403


def test_signing_oneself_out_everywhere_from_the_page(app, town):
    laptop, phone = app.test_client(), app.test_client()
    sign_in_staff(laptop, "staff-a")
    sign_in_staff(phone, "staff-a")
    _, page = read(laptop, "/console/staff")
    assert 'action="/logout"' in page
    laptop.post("/logout")
    assert phone.get("/console/").status_code == 302
