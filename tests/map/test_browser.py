"""An officer opens the incident map in a real browser on a desktop, in Chinese: the grids drawn
from their outlines with the vendored ECharts (no tiles, nothing from another host), a figure
picked, and a click on a grid through to its dashboard."""

import random
from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from quizapp.clock import local_today
from quizapp.demo import geography
from quizapp.extensions import db
from quizapp.models import CompanyDay, Employee, Grid, GridBoundary, Incident, StaffUser
from tests.browser import shot, sign_in_staff
from tests.factories import make_company, make_grid

pytestmark = pytest.mark.e2e


@pytest.fixture
def mapped_town(app, town):
    """Officer-1's grid g1 and eight more of theirs, outlined as the demo's town is, with companies,
    two months of rollups and incidents at points inside their grids."""
    rng = random.Random(14)
    with app.app_context():
        today = local_today()
        officer = db.session.scalar(select(StaffUser).where(StaffUser.username == "officer-1"))
        grids = [db.session.scalar(select(Grid).where(Grid.code == "g1"))]
        for code, name in geography.grid_names(8):
            grids.append(make_grid(code, name))
        officer.grids = grids
        cells = geography.town_cells(len(grids))
        for n, (grid, cell) in enumerate(zip(grids, cells, strict=True)):
            db.session.add(GridBoundary(grid_id=grid.id, geometry=cell.polygon))
            company = make_company(grid, f"map{n}", f"地图企业{n}")
            heads, share = rng.randint(50, 400), rng.uniform(0.3, 0.95)
            db.session.execute(Employee.__table__.insert(), [
                dict(company_id=company.id, employee_no=f"M{n}{i:04d}", name=f"工人{n}{i:04d}", active=True)
                for i in range(heads)])
            for back in range(1, 60):
                day = today - timedelta(days=back)
                done = round(heads * share) if day.isoweekday() < 7 else 0
                db.session.add(CompanyDay(company_id=company.id, day=day, workday=day.isoweekday() < 7,
                                          headcount=heads, completed=done, common_answered=done * 3,
                                          common_correct=round(done * 3 * rng.uniform(0.5, 0.9))))
            recorded = set()  # one record per company, month and fraud type (the key's unique index)
            for _ in range(rng.randint(0, 3)):
                lon, lat = geography.point_in(cell, rng)
                month = (today.replace(day=1) - timedelta(days=rng.randrange(300))).replace(day=1)
                kind, cases, loss = rng.choice(["shuadan", "other"]), rng.randint(1, 3), rng.randint(500, 60000)
                if (month, kind) in recorded:
                    continue
                recorded.add((month, kind))
                db.session.add(Incident(grid_id=grid.id, company_id=company.id, month=month, fraud_type=kind,
                                        cases=cases, loss_yuan=Decimal(loss), longitude=Decimal(str(lon)),
                                        latitude=Decimal(str(lat)), datum="wgs84"))
        db.session.commit()
        centre = geography.point_in(cells[4], random.Random(1))
        return {"target": grids[4].id, "centre": centre}


def test_an_officer_opens_the_map_picks_a_figure_and_clicks_a_grid_through_to_its_dashboard(
        desktop, live_server, mapped_town):
    page = desktop.new_page()
    problems, hosts = [], set()
    page.on("console", lambda message: problems.append(message.text)
            if message.type == "error" and not message.text.startswith("Failed to load resource") else None)
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on("request", lambda request: hosts.add(request.url.split("/")[2]))
    sign_in_staff(page, live_server, "officer-1")
    page.locator(".console-nav a[href='/reports/map']").click()
    page.wait_for_selector("#map.ready canvas")
    assert page.locator("table.map-table tbody tr").count() == 9

    page.locator("#figure").select_option("heat")
    page.locator("#map-form button[type=submit]").click()
    page.wait_for_url("**figure=heat**")
    page.wait_for_selector("#map.ready canvas")
    page.wait_for_timeout(300)
    assert not any(name in page.content() for name in ("王小明", "A001", "工人00001", "M00001"))
    shot(page, "reports-map")

    # Click the middle of one grid: the map opens that grid's dashboard.
    x, y = page.evaluate("""([lon, lat]) => {
        const chart = echarts.getInstanceByDom(document.getElementById('map'));
        return chart.convertToPixel({geoIndex: 0}, [lon, lat]);
    }""", list(mapped_town["centre"]))
    box = page.locator("#map").bounding_box()
    page.mouse.click(box["x"] + x, box["y"] + y)
    page.wait_for_url(f"**/reports/?grid={mapped_town['target']}")
    assert page.locator("table.dashboard-table tbody tr").count() == 1
    assert hosts == {live_server.split("/")[2]}  # nothing from any other host
    assert not problems, problems
