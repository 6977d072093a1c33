"""The map's figures per grid: an officer's own grids only, the period's cases, losses, workers,
participation and knowledge as the dashboard reads them, months without a case, the heat index,
outlines and points (a GCJ-02 point drawn in WGS-84)."""

from datetime import date, datetime
from decimal import Decimal

import pytest
from sqlalchemy import select

from quizapp.extensions import db
from quizapp.map import service
from quizapp.map.rules import Period
from quizapp.models import CompanyDay, Grid, GridBoundary, Incident, StaffUser
from quizapp.places import rules as places
from quizapp.rules import metrics

pytestmark = pytest.mark.usefixtures("ctx")

TODAY = date(2026, 11, 24)
NOW = datetime(2026, 11, 24, 3, 0)
PERIOD = Period(date(2026, 9, 1), date(2026, 11, 1))


def staff(username: str) -> StaffUser:
    return db.session.scalar(select(StaffUser).where(StaffUser.username == username))


def grid(code: str) -> Grid:
    return db.session.scalar(select(Grid).where(Grid.code == code))


def square(x: float) -> dict:
    return {"type": "Polygon", "coordinates": [[[x, 22.9], [x + 0.01, 22.9], [x + 0.01, 22.91], [x, 22.9]]]}


@pytest.fixture
def recorded(town):
    g1, g2 = grid("g1"), grid("g2")
    shifted = places.wgs84_to_gcj02(113.845, 22.905)
    db.session.add_all([
        GridBoundary(grid_id=g1.id, geometry=square(113.84)), GridBoundary(grid_id=g2.id, geometry=square(113.86)),
        Incident(grid_id=g1.id, company_id=town.company_a, month=date(2026, 10, 1), fraud_type="alpha", cases=2,
                 loss_yuan=Decimal("3000.50"), longitude=Decimal(str(round(shifted[0], 7))),
                 latitude=Decimal(str(round(shifted[1], 7))), datum="gcj02"),
        Incident(grid_id=g1.id, company_id=None, month=date(2026, 3, 1), fraud_type="alpha", cases=4,
                 loss_yuan=Decimal("100")),
        Incident(grid_id=g2.id, company_id=town.company_b, month=date(2026, 9, 1), fraud_type="alpha", cases=1,
                 loss_yuan=Decimal("50"), longitude=Decimal("113.865"), latitude=Decimal("22.905"), datum="wgs84"),
        CompanyDay(company_id=town.company_a, day=date(2026, 11, 2), workday=True, headcount=10, completed=6,
                   common_correct=3, common_answered=4),
        CompanyDay(company_id=town.company_b, day=date(2026, 11, 2), workday=True, headcount=4, completed=1),
    ])
    db.session.commit()


def test_an_officer_sees_their_grids_figures_and_points_only(recorded):
    view = service.map_view(staff("officer-1"), PERIOD, TODAY, NOW, "zh")
    assert [g.code for g in view.grids] == ["g1"] and list(view.outlines) == ["g1"]
    g1 = view.grids[0]
    assert (g1.cases, g1.loss_yuan, g1.months_without_case) == (2, Decimal("3000.50"), 1)
    assert g1.workers == 2  # the roster's active workers now: the period includes today
    # 6 of 10 on 2 November, 0 of the 2 on the roster so far today (read live, as the dashboard does)
    assert g1.participation == pytest.approx(0.5) and g1.knowledge == pytest.approx(0.75)
    assert g1.cases_by_age == ((1, 2), (8, 4))  # the heat index counts the 12 months to the period's end
    assert g1.heat == metrics.heat_index(((1, 2), (8, 4)), 2, 0.5, 0.75)
    [point] = view.points
    assert (point.longitude, point.latitude) == pytest.approx((113.845, 22.905), abs=1e-6)
    assert (point.grid, point.cases, view.located, view.records) == ("网格一", 2, 1, 1)


def test_the_admin_sees_the_whole_town(recorded):
    view = service.map_view(staff("admin"), PERIOD, TODAY, NOW, "zh")
    assert [g.code for g in view.grids] == ["g1", "g2"] and set(view.outlines) == {"g1", "g2"}
    assert [p.grid for p in view.points] == ["网格一", "网格二"]
    g2 = view.grids[1]
    assert (g2.cases, g2.participation, g2.months_without_case) == (1, 0.2, 2)


def test_a_period_before_a_case_counts_none(recorded):
    view = service.map_view(staff("admin"), Period(date(2026, 4, 1), date(2026, 8, 1)), TODAY, NOW, "zh")
    assert [(g.cases, g.months_without_case) for g in view.grids] == [(0, 5), (0, None)]
    assert view.points == []
