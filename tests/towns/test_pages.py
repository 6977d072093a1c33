"""The city admin's pages: signing in lands on the towns' counts; a new town, then its admin's
account shown once; that admin signs in to an empty town of their own. Other roles get 403."""

from __future__ import annotations

from sqlalchemy import select

from quizapp.extensions import db
from quizapp.models import StaffUser, Town
from tests.factories import make_staff
from tests.pages import read, sign_in_staff


def test_the_city_admin_makes_a_town_and_its_admin_who_signs_in_to_an_empty_town(app, client, town):
    with app.app_context():
        make_staff("city", "city_admin")
        db.session.commit()
    response = sign_in_staff(client, "city")
    assert response.location.endswith("/city/")
    status, page = read(client, "/city/")
    assert status == 200 and "大岭山镇" in page and "甲厂" not in page
    assert client.post("/city/towns", data={"code": "", "name": "虎门镇"}).status_code == 400
    response = client.post("/city/towns", data={"code": "hm", "name": "虎门镇"})
    with app.app_context():
        town_id = db.session.scalar(select(Town.id).where(Town.code == "hm"))
    assert response.location.endswith(f"/city/towns/{town_id}")
    response = client.post(f"/city/towns/{town_id}/admins", data={"username": "hm-admin", "display_name": "虎门管理员"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store" and "hm-admin" in page
    with app.app_context():
        account = db.session.scalar(select(StaffUser).where(StaffUser.username == "hm-admin"))
        assert account.town_id == town_id and account.role == "town_admin"
        account.set_password("the new admin's own")  # as if they had set their own at the first sign-in
        account.must_change_password = False
        db.session.commit()
    client.post("/logout").close()
    other = client
    sign_in_staff(other, "hm-admin", "the new admin's own")
    status, page = read(other, "/admin/grids")
    assert status == 200 and "网格一" not in page
    assert read(other, "/city/")[0] == 403


def test_only_the_city_admin_opens_the_city_s_pages(client, town):
    sign_in_staff(client, "admin")
    for url in ("/city/", "/city/towns"):
        assert client.get(url).status_code == 403
