"""The admin's places and boundaries pages, and an incident recorded with a point on the form: happy
paths, the refusals, and officers kept out of the admin pages."""

import io
import json
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from quizapp.clock import local_today
from quizapp.extensions import db
from quizapp.models import AuditLog, BoundaryUpload, Grid, GridBoundary, GridPlace, Incident
from tests.pages import sign_in_staff, table_rows


@pytest.fixture
def admin(client, town):
    client.set_cookie("lang", "en")
    sign_in_staff(client, "admin")
    return client


@pytest.fixture
def officer(client, town):
    client.set_cookie("lang", "en")
    sign_in_staff(client, "officer-1")
    return client


def grid_id(app, code: str) -> int:
    with app.app_context():
        return db.session.scalar(select(Grid.id).where(Grid.code == code))


def test_the_admin_keeps_a_grid_s_places(app, admin):
    g1 = grid_id(app, "g1")
    page = admin.get("/admin/places").get_data(as_text=True)
    assert "Places and boundaries" in page and f"/admin/places/{g1}" in page
    response = admin.post(f"/admin/places/{g1}", data={"names": "新塘村\n大沙社区"}, follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "Added 2 places." in page
    assert [row[0] for row in table_rows(page)[1:]] == ["大沙社区", "新塘村"]
    with app.app_context():
        place = db.session.scalar(select(GridPlace).where(GridPlace.name == "新塘村"))
        place_id = place.id
    response = admin.post(f"/admin/places/{g1}/remove", data={"place": place_id, "confirm": "yes"},
                          follow_redirects=True)
    assert "Removed 新塘村." in response.get_data(as_text=True)
    assert admin.get("/admin/places/999").status_code == 404


def _place(app, grid: int, name: str) -> int:
    with app.app_context():
        place = GridPlace(grid_id=grid, name=name)
        db.session.add(place)
        db.session.commit()
        return place.id


def _removals(app) -> int:
    with app.app_context():
        return len(db.session.scalars(select(AuditLog.id).where(AuditLog.action == "places.remove")).all())


def test_removing_a_place_asks_first_naming_it(app, admin):
    g1 = grid_id(app, "g1")
    place_id = _place(app, g1, "新塘村")
    page = admin.get(f"/admin/places/{g1}").get_data(as_text=True)
    assert f'<form method="get" action="/admin/places/{g1}/remove" class="inline">' in page  # JavaScript off
    response = admin.get(f"/admin/places/{g1}/remove?place={place_id}")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Remove this place?" in page and "新塘村" in page and "网格一" in page and ">Remove</button>" in page
    assert f'<input type="hidden" name="place" value="{place_id}">' in page  # carried to the POST
    assert f'href="/admin/places/{g1}">Cancel</a>' in page
    below_menu = page.split('class="console-nav admin-nav"')[1]  # in the admin's layout, its menu kept
    assert '<a href="/admin/grids">' in below_menu and "Remove this place?" in below_menu


def test_a_post_without_the_confirmation_removes_nothing(app, admin):
    g1 = grid_id(app, "g1")
    place_id = _place(app, g1, "新塘村")
    for data in ({"place": place_id}, {"place": place_id, "confirm": "no"}):
        response = admin.post(f"/admin/places/{g1}/remove", data=data)
        assert response.status_code == 200 and "Remove this place?" in response.get_data(as_text=True)
    assert admin.post(f"/admin/places/{g1}/remove", data={}).status_code == 302  # no place: back to the grid
    with app.app_context():
        assert db.session.get(GridPlace, place_id) is not None
    assert _removals(app) == 0
    assert admin.post(f"/admin/places/{g1}/remove", data={"place": place_id, "confirm": "yes"}).status_code == 302
    with app.app_context():
        assert db.session.get(GridPlace, place_id) is None
    assert _removals(app) == 1


def test_another_grid_s_place_and_a_used_place_get_no_confirmation(app, admin, town):
    g1, g2 = grid_id(app, "g1"), grid_id(app, "g2")
    other = _place(app, g2, "大沙社区")
    assert admin.get(f"/admin/places/{g1}/remove?place={other}").status_code == 404
    assert admin.post(f"/admin/places/{g1}/remove", data={"place": other, "confirm": "yes"}).status_code == 404
    used = _place(app, g1, "新塘村")
    with app.app_context():
        db.session.add(Incident(grid_id=g1, place_id=used, month=local_today().replace(day=1), fraud_type="shuadan",
                                cases=1, loss_yuan=Decimal(0)))
        db.session.commit()
    response = admin.get(f"/admin/places/{g1}/remove?place={used}", follow_redirects=True)
    assert "is the place of some incident records" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(GridPlace, other) and db.session.get(GridPlace, used)


def test_a_too_long_place_name_is_shown_on_the_form(app, admin):
    response = admin.post(f"/admin/places/{grid_id(app, 'g1')}", data={"names": "村" * 120})
    assert response.status_code == 200 and "at most 100 characters" in response.get_data(as_text=True)


def boundary(code: str) -> dict:
    return {"type": "Feature", "properties": {"grid": code}, "geometry": {"type": "Polygon", "coordinates": [
        [[113.84, 22.9], [113.85, 22.9], [113.85, 22.91], [113.84, 22.9]]]}}


def upload(client, features, name="town.geojson"):
    data = json.dumps({"type": "FeatureCollection", "features": features}).encode()
    return client.post("/admin/places/boundaries", data={"file": (io.BytesIO(data), name)},
                       content_type="multipart/form-data")


def test_the_admin_uploads_the_boundaries_sees_them_and_applies_them(app, admin):
    page = upload(admin, [boundary("g1"), boundary("g2")]).get_data(as_text=True)
    assert "2 grids outlined: 2 new, 0 replace stored outlines" in page
    response = admin.post("/admin/places/boundaries/apply", data=apply_form(page), follow_redirects=True)
    assert "Stored the outlines of 2 grids." in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(db.func.count()).select_from(GridBoundary)) == 2
    again = admin.post("/admin/places/boundaries/apply", data=apply_form(page), follow_redirects=True)  # 2nd click
    assert "This boundary file was applied already." in again.get_data(as_text=True)


def apply_form(page: str) -> dict:
    return {name: page.split(f'name="{name}" type="hidden" value="')[1].split('"')[0]
            for name in ("upload", "outlines")}


def test_an_older_preview_is_refused_once_a_newer_file_was_applied(app, admin):
    older = upload(admin, [boundary("g1")], "older.geojson").get_data(as_text=True)
    moved = boundary("g1")
    moved["geometry"]["coordinates"][0][0] = moved["geometry"]["coordinates"][0][-1] = [113.8, 22.9]
    newer = upload(admin, [moved], "newer.geojson").get_data(as_text=True)
    admin.post("/admin/places/boundaries/apply", data=apply_form(newer)).close()
    response = admin.post("/admin/places/boundaries/apply", data=apply_form(older), follow_redirects=True)
    assert "The stored outlines changed after this file was checked" in response.get_data(as_text=True)
    with app.app_context():
        [stored] = db.session.scalars(select(GridBoundary)).all()
        assert stored.geometry["coordinates"][0][0] == [113.8, 22.9]  # the newer file's outline
        assert db.session.scalar(select(BoundaryUpload.applied_at).where(
            BoundaryUpload.filename == "older.geojson")) is None


def test_a_bad_boundary_file_lists_its_problems_and_offers_nothing_to_apply(app, admin):
    bad = boundary("g2")
    bad["geometry"]["coordinates"][0].pop()  # no longer closes, and only 3 positions
    page = upload(admin, [boundary("g1"), bad, boundary("nowhere")]).get_data(as_text=True)
    rows = table_rows(page)
    assert ["1", "g2", "Ring 1 (3) has fewer than 4 positions."] in rows
    assert ["2", "nowhere", "No grid has this code."] in rows
    assert "Nothing can be stored from this file" in page and "/admin/places/boundaries/apply" not in page
    with app.app_context():
        assert db.session.scalar(select(GridBoundary)) is None


def test_officers_cannot_open_the_admin_pages(app, officer):
    assert officer.get("/admin/places").status_code == 403
    assert officer.get("/admin/places/boundaries").status_code == 403


def test_an_officer_records_an_incident_with_a_point_and_a_bad_point_is_shown(app, officer, town):
    month = f"{local_today().replace(day=1):%Y-%m}"
    base = {"company": str(town.company_a), "grid": "", "month": month, "fraud_type": "beta", "cases": "1",
            "loss_yuan": "100", "note": ""}
    page = officer.post("/reports/incidents/new", data={**base, "longitude": "213.8", "latitude": "22.9",
                                                         "datum": "wgs84"}).get_data(as_text=True)
    assert "Not a longitude" in page
    page = officer.post("/reports/incidents/new", data={**base, "longitude": "113.8", "datum": "wgs84"}
                        ).get_data(as_text=True)
    assert "Give both the longitude and the latitude" in page
    response = officer.post("/reports/incidents/new", data={**base, "longitude": "113.84", "latitude": "22.90",
                                                             "datum": "gcj02"})
    assert response.status_code == 302
    with app.app_context():
        incident = db.session.scalar(select(Incident))
        assert (str(incident.longitude), str(incident.latitude), incident.datum) == ("113.8400000", "22.9000000",
                                                                                    "gcj02")
        assert incident.month == date.fromisoformat(month + "-01")


def test_the_incidents_list_says_where_each_record_happened(app, officer, town):
    with app.app_context():
        g1 = db.session.scalar(select(Grid.id).where(Grid.code == "g1"))
        place = GridPlace(grid_id=g1, name="新塘村")
        db.session.add(place)
        db.session.flush()
        month = local_today().replace(day=1)
        db.session.add_all([
            Incident(grid_id=g1, company_id=town.company_a, month=month, fraud_type="alpha", cases=1, loss_yuan=10,
                     longitude=Decimal("113.8412345"), latitude=Decimal("22.9035"), datum="gcj02"),
            Incident(grid_id=g1, company_id=None, month=month, fraud_type="alpha", cases=1, loss_yuan=10,
                     place_id=place.id)])
        db.session.commit()
    rows = table_rows(officer.get("/reports/incidents").get_data(as_text=True))
    where = [row[-2] for row in rows if len(row) > 7]
    assert "113.841, 22.904 (GCJ-02)" in where and "新塘村" in where  # shown to about 100 m
