"""The map page: the same figures as a table (what a reader without JavaScript and the printout
see), the chart's data for the script, the period and figure pickers, an officer's own grids only,
no worker's name or number, and the menu link."""

import json
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from quizapp.clock import local_today
from quizapp.extensions import db
from quizapp.models import Grid, GridBoundary, Incident
from tests.pages import sign_in_staff, table_rows

WORKER_NAMES = ("王小明", "李小红", "张新来", "A001", "B001")


def square(x: float) -> dict:
    return {"type": "Polygon", "coordinates": [[[x, 22.9], [x + 0.01, 22.9], [x + 0.01, 22.91], [x, 22.9]]]}


@pytest.fixture
def town_map(app, town):
    with app.app_context():
        grids = {g.code: g.id for g in db.session.scalars(select(Grid))}
        month = local_today().replace(day=1)
        db.session.add_all([GridBoundary(grid_id=grids["g1"], geometry=square(113.84)),
                            GridBoundary(grid_id=grids["g2"], geometry=square(113.86)),
                            Incident(grid_id=grids["g1"], company_id=town.company_a, month=month, fraud_type="alpha",
                                     cases=2, loss_yuan=Decimal("1200"), longitude=Decimal("113.845"),
                                     latitude=Decimal("22.905"), datum="wgs84")])
        db.session.commit()
    return grids


def chart(page: str) -> dict:
    return json.loads(page.split('<script type="application/json" id="map-data">')[1].split("</script>")[0])


def test_an_officer_sees_their_grids_on_the_map_and_in_the_table(client, town_map):
    client.set_cookie("lang", "en")
    sign_in_staff(client, "officer-1")
    page = client.get("/reports/map?figure=losses").get_data(as_text=True)
    assert "Incident map" in page and 'href="/reports/map"' not in page  # the menu shows it as the current page
    rows = table_rows(page)
    assert rows[0][:4] == ["Grid", "Active workers", "Confirmed cases", "Confirmed cases per 10,000 active workers"]
    assert rows[1][0] == "网格一" and rows[1][2] == "2" and rows[1][4] == "1,200" and len(rows) == 2
    data = chart(page)
    assert data["figure"] == "losses" and [g["name"] for g in data["grids"]] == ["g1"]
    assert data["grids"][0]["value"] == 1200.0 and data["grids"][0]["url"] == f"/reports/?grid={town_map['g1']}"
    assert [f["properties"]["name"] for f in data["geojson"]["features"]] == ["g1"]
    assert data["points"][0]["value"] == [113.845, 22.905, 2]
    assert "vendor/echarts/echarts.min.js" in page and "js/map.js" in page
    assert not any(name in page for name in WORKER_NAMES)


def test_a_point_is_shown_to_about_100_m_not_as_stored(app, client, town_map):
    with app.app_context():
        db.session.add(Incident(grid_id=town_map["g2"], month=local_today().replace(day=1), fraud_type="alpha",
                                cases=1, loss_yuan=Decimal("0"), longitude=Decimal("113.8651234"),
                                latitude=Decimal("22.9054321"), datum="wgs84"))
        db.session.commit()
    client.set_cookie("lang", "en")
    sign_in_staff(client, "admin")
    page = client.get("/reports/map").get_data(as_text=True)
    assert [113.865, 22.905, 1] in [p["value"] for p in chart(page)["points"]]
    assert "113.8651" not in page and "22.9054" not in page


def test_the_admin_sees_every_grid_and_picks_a_period_and_a_figure(client, town_map):
    client.set_cookie("lang", "en")
    sign_in_staff(client, "admin")
    month = local_today().replace(day=1)
    before = date(month.year - 1, month.month, 1)
    page = client.get(f"/reports/map?figure=heat&from={before:%Y-%m}&to={before:%Y-%m}").get_data(as_text=True)
    assert [row[0] for row in table_rows(page)[1:]] == ["网格一", "网格二"]
    assert [row[2] for row in table_rows(page)[1:]] == ["0", "0"]  # nothing a year ago
    assert chart(page)["figure"] == "heat" and f'value="{before:%Y-%m}"' in page
    assert "Heat index (热力指数)" in page


def test_without_outlines_the_page_says_so_and_still_shows_the_table(client, town):
    sign_in_staff(client, "officer-1")
    page = client.get("/reports/map").get_data(as_text=True)
    assert "echarts.min.js" not in page and len(table_rows(page)) == 2


def test_company_staff_and_workers_cannot_open_the_map(client, town):
    sign_in_staff(client, "staff-a")
    assert client.get("/reports/map").status_code == 403


def test_the_menus_link_the_map(client, town):
    client.set_cookie("lang", "en")
    sign_in_staff(client, "admin")
    page = client.get("/admin/").get_data(as_text=True)
    assert 'href="/reports/map"' in page and 'href="/admin/places"' in page
