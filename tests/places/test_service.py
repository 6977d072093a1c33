"""The town admin's places and boundaries: adding and removing a grid's places, a boundary file
checked, previewed and applied whole, and incidents recorded with a point or a place."""

import json
from datetime import date, datetime
from decimal import Decimal

import pytest
from sqlalchemy import select, update

from quizapp.extensions import db
from quizapp.incidents import service as incidents
from quizapp.incidents.service import IncidentInput
from quizapp.models import AuditLog, BoundaryUpload, Grid, GridBoundary, GridPlace, Incident, StaffUser
from quizapp.places import rules, service
from quizapp.places.rules import Datum
from quizapp.rules.errors import Conflict, Invalid, NotFound
from tests.factories import make_staff

pytestmark = pytest.mark.usefixtures("ctx")

TODAY = date(2026, 11, 24)
NOW = datetime(2026, 11, 24, 3, 0)


def staff(username: str) -> StaffUser:
    return db.session.scalar(select(StaffUser).where(StaffUser.username == username))


def grid(code: str) -> Grid:
    return db.session.scalar(select(Grid).where(Grid.code == code))


def outline(code: str, x: float = 113.84) -> dict:
    return {"type": "Feature", "properties": {"grid": code}, "geometry": {"type": "Polygon", "coordinates": [
        [[x, 22.9], [x + 0.01, 22.9], [x + 0.01, 22.91], [x, 22.91], [x, 22.9]]]}}


def geojson(*features) -> bytes:
    return json.dumps({"type": "FeatureCollection", "features": list(features)}).encode()


def test_the_admin_adds_a_grid_s_places_once_each(town):
    added = service.add_places(staff("admin"), grid("g1").id, "新塘村\n\n 大沙 社区 \n新塘 村\n")
    assert added.added == ["新塘村", "大沙 社区"] and added.already == ["新塘 村"]
    again = service.add_places(staff("admin"), grid("g1").id, "新塘村")
    assert again.added == [] and again.already == ["新塘村"]
    assert [p.name for p, used in service.grid_places(grid("g1").id)] == ["大沙 社区", "新塘村"]
    assert db.session.scalar(select(AuditLog.action).order_by(AuditLog.id.desc())) == "places.add"
    with pytest.raises(Invalid) as raised:
        service.add_places(staff("admin"), grid("g2").id, "好村\n" + "长" * 101)
    assert raised.value.code == "places.too_long"
    assert service.grid_places(grid("g2").id) == []  # the whole list refused, nothing half added


def test_a_place_an_incident_names_cannot_be_removed(town):
    service.add_places(staff("admin"), grid("g1").id, "新塘村\n大沙村")
    xintang, dasha = (p for p, _ in sorted(service.grid_places(grid("g1").id), key=lambda pu: pu[0].name != "新塘村"))
    incidents.save_incident(staff("officer-1"), TODAY, IncidentInput(
        town.company_a, None, date(2026, 10, 1), "alpha", 1, Decimal(100), "", place_id=xintang.id))
    with pytest.raises(Conflict):
        service.remove_place(staff("admin"), grid("g1").id, xintang.id)
    with pytest.raises(NotFound):
        service.remove_place(staff("admin"), grid("g2").id, dasha.id)  # not that grid's
    assert service.remove_place(staff("admin"), grid("g1").id, dasha.id) == "大沙村"
    assert [used for _p, used in service.grid_places(grid("g1").id)] == [1]


def test_an_incident_gets_a_point_or_a_place_of_its_own_grid(town):
    service.add_places(staff("admin"), grid("g2").id, "乙村")
    service.add_places(staff("admin"), grid("g1").id, "甲村")
    other = db.session.scalar(select(GridPlace).where(GridPlace.name == "乙村"))
    own = db.session.scalar(select(GridPlace).where(GridPlace.name == "甲村"))
    point = rules.Point(Decimal("113.8412"), Decimal("22.9035"), Datum.GCJ02)
    entry = IncidentInput(town.company_a, None, date(2026, 10, 1), "alpha", 1, Decimal(100), "", point=point)
    incident = incidents.save_incident(staff("officer-1"), TODAY, entry)
    assert (incident.longitude, incident.latitude, incident.datum, incident.place_id) == (
        Decimal("113.8412"), Decimal("22.9035"), "gcj02", None)
    with pytest.raises(Invalid) as raised:
        incidents.save_incident(staff("officer-1"), TODAY, IncidentInput(
            town.company_a, None, date(2026, 9, 1), "alpha", 1, Decimal(100), "", place_id=other.id))
    assert raised.value.code == "incidents.place_outside_grid"
    moved = incidents.save_incident(staff("officer-1"), TODAY, IncidentInput(
        town.company_a, None, date(2026, 10, 1), "alpha", 1, Decimal(100), "", place_id=own.id), incident)
    assert (moved.longitude, moved.datum, moved.place_id) == (None, None, own.id)
    db.session.commit()
    stored = db.session.get(Incident, incident.id)
    assert stored.place_id == own.id


def test_an_import_writes_the_location_and_a_blank_one_keeps_the_stored(town, app):
    service.add_places(staff("admin"), grid("g1").id, "甲村")
    header = "月份,网格,企业编码,诈骗类型,案件数,损失金额(元),备注,经度,纬度,坐标系,村/社区\r\n"
    now = datetime(2026, 11, 24, 2, 0)
    preview = incidents.preview_import(staff("officer-1"), TODAY, now, "a.csv", (
        header + "2026-10,,acme,alpha,1,100,,113.85,22.91,WGS-84,\r\n2026-10,g1,,alpha,1,100,,,,,甲村\r\n").encode())
    assert preview.parsed.problems == []
    assert incidents.preview_names(preview, "zh")["place"] == {db.session.scalar(select(GridPlace.id)): "甲村"}
    incidents.apply_import(staff("officer-1"), TODAY, now, preview.import_id)
    first = db.session.scalar(select(Incident).where(Incident.company_id == town.company_a))
    whole = db.session.scalar(select(Incident).where(Incident.company_id.is_(None)))
    assert (first.longitude, first.datum) == (Decimal("113.85"), "wgs84") and whole.place_id is not None
    again = incidents.preview_import(staff("officer-1"), TODAY, now, "b.csv",
                                     (header + "2026-10,,acme,alpha,3,100,,,,,\r\n").encode())
    incidents.apply_import(staff("officer-1"), TODAY, now, again.import_id)
    assert (first.cases, first.longitude, first.datum) == (3, Decimal("113.85"), "wgs84")


def test_a_good_boundary_file_is_shown_then_applied_whole(town):
    admin = staff("admin")
    preview = service.preview_boundaries(admin, "town.geojson", geojson(outline("g1"), outline("G2", 113.9)))
    assert preview.upload is not None and preview.new == ["g1", "g2"] and preview.replaced == []
    assert db.session.scalar(select(GridBoundary)) is None  # nothing stored before applying
    assert service.apply_boundaries(admin, preview.upload.id, preview.outlines, NOW) == 2
    assert set(service.outlines()) == {grid("g1").id, grid("g2").id}
    with pytest.raises(Conflict):
        service.apply_boundaries(admin, preview.upload.id, preview.outlines, NOW)
    again = service.preview_boundaries(admin, "g1.geojson", geojson(outline("g1", 114.0)))
    assert again.replaced == ["g1"] and again.kept == ["g2"]
    service.apply_boundaries(admin, again.upload.id, again.outlines, NOW)
    assert service.outlines()[grid("g1").id]["coordinates"][0][0] == [114.0, 22.9]
    assert service.outlines({grid("g2").id}).keys() == {grid("g2").id}
    assert db.session.scalar(select(AuditLog.detail).where(AuditLog.action == "boundaries.apply")) == \
        '{"filename": "town.geojson", "grids": 2}'


def test_an_older_preview_does_not_overwrite_outlines_applied_after_it(town):
    admin = staff("admin")
    older = service.preview_boundaries(admin, "older.geojson", geojson(outline("g1", 113.0)))
    newer = service.preview_boundaries(admin, "newer.geojson", geojson(outline("g1", 114.0)))
    assert older.outlines == newer.outlines  # both shown against no outlines
    service.apply_boundaries(admin, newer.upload.id, newer.outlines, NOW)
    db.session.commit()
    with pytest.raises(Conflict) as refused:
        service.apply_boundaries(admin, older.upload.id, older.outlines, NOW)
    assert refused.value.code == "places.outlines_changed"
    assert service.outlines()[grid("g1").id]["coordinates"][0][0] == [114.0, 22.9]  # the newer kept
    # Checked again, the same file shows it would replace g1's outline, and applies.
    again = service.preview_boundaries(admin, "older.geojson", geojson(outline("g1", 113.0)))
    assert again.replaced == ["g1"] and again.outlines != older.outlines
    service.apply_boundaries(admin, again.upload.id, again.outlines, NOW)
    assert service.outlines()[grid("g1").id]["coordinates"][0][0] == [113.0, 22.9]


def test_an_upload_is_applied_once_even_when_its_row_was_read_before_the_other_click_applied_it(town):
    admin = staff("admin")
    preview = service.preview_boundaries(admin, "town.geojson", geojson(outline("g1")))
    db.session.commit()
    upload = db.session.get(BoundaryUpload, preview.upload.id)
    assert upload.applied_at is None  # this request has read the row: not applied yet
    # The other click's request applies it meanwhile (its UPDATE, not seen by this session's object).
    db.session.execute(update(BoundaryUpload).where(BoundaryUpload.id == upload.id).values(applied_at=NOW)
                       .execution_options(synchronize_session=False))
    assert upload.applied_at is None
    with pytest.raises(Conflict) as refused:
        service.apply_boundaries(admin, upload.id, preview.outlines, NOW)
    assert refused.value.code == "places.applied"
    assert db.session.scalar(select(GridBoundary)) is None
    assert db.session.scalar(select(AuditLog).where(AuditLog.action == "boundaries.apply")) is None


def test_a_bad_boundary_file_keeps_nothing_and_another_admin_cannot_apply_an_upload(town):
    admin = staff("admin")
    bad = service.preview_boundaries(admin, "bad.geojson", geojson(outline("g1"), outline("nope")))
    assert bad.upload is None and [(p.index, p.grid, p.reason) for p in bad.parsed.problems] == [
        (1, "nope", "unknown_grid")]
    assert db.session.scalar(select(BoundaryUpload)) is None
    good = service.preview_boundaries(admin, "ok.geojson", geojson(outline("g1")))
    other = make_staff("admin-2", "town_admin")
    with pytest.raises(NotFound):
        service.apply_boundaries(other, good.upload.id, good.outlines, NOW)
    assert [line.has_boundary for line in service.grid_lines(admin)] == [False, False]
