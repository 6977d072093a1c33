"""The register import with towns as tenants: a town admin's import creates grids in their own town,
never touches another town's grids or companies, and a company code another town uses is a
problem at its row (grid codes are per town: another town's g1 is not this town's)."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from sqlalchemy import select

from quizapp.extensions import db
from quizapp.models import Company, Grid, StaffUser
from quizapp.register import service
from tests.factories import make_company, make_grid, make_staff, make_town_row

TODAY = date(2026, 11, 24)
HEAD = "网格编码,网格名称,企业编码,企业名称,每次题数,工作日,班次,启用\n"

pytestmark = pytest.mark.usefixtures("ctx")


def staff(username: str) -> StaffUser:
    return db.session.scalar(select(StaffUser).where(StaffUser.username == username))


@pytest.fixture
def humen(town):
    """A second town with a grid coded like the first town's g1, a company, and its own admin."""
    other = make_town_row("hm", "虎门镇")
    grid = make_grid("g1", "虎门网格一", town=other)
    make_company(grid, "theirs01", "虎门厂")
    make_staff("admin-hm", "town_admin", town=other)
    db.session.commit()
    return other


def test_another_town_s_company_code_is_a_problem_at_its_row(humen):
    admin = staff("admin")
    record = service.start_import(admin, "r.csv", (HEAD + "g1,,acme,甲厂,,,,\ng1,,theirs01,虎门厂,,,,\n").encode(),
                                  datetime(2026, 11, 24, 2))
    plan = service.plan_for(admin, record, TODAY)
    assert [(p["row"], p["column"], p["reason"]) for p in plan.problems] == [(3, "企业编码", "company_other_town")]
    # The other town's grid and company are neither "changed" nor "not in the file" here.
    assert [c.code for c in plan.missing_companies] == ["bolt"] and [g.code for g in plan.missing_grids] == ["g2"]
    assert plan.changed_companies == [] and plan.unchanged_grids == 1


def test_an_import_creates_grids_in_the_admin_s_town_and_leaves_the_other_town_alone(humen):
    admin = staff("admin")
    before = db.session.execute(select(Grid.code, Grid.name, Grid.active).where(Grid.town_id == humen.id)).all()
    record = service.start_import(admin, "r.csv", (HEAD + "g1,网格一改名,acme,甲厂,,,,\nG7,新网格,newco001,新厂,,,,\n")
                                  .encode(), datetime(2026, 11, 24, 2))
    plan = service.plan_for(admin, record, TODAY)
    service.apply_import(admin, record.id, plan.fingerprint(), True, TODAY, datetime(2026, 11, 24, 2), "closed")
    db.session.commit()
    assert db.session.scalar(select(Grid.town_id).where(Grid.code == "G7")) == admin.town_id
    assert db.session.execute(select(Grid.code, Grid.name, Grid.active).where(Grid.town_id == humen.id)).all() == before
    assert db.session.scalar(select(Company.active).where(Company.code == "theirs01")) is True
    assert db.session.scalar(select(Company.active).where(Company.code == "bolt")) is False  # the own town's
    # The other town's admin neither sees the import nor exports this town's register.
    other = staff("admin-hm")
    assert service.find_import(other, record.id) is None
    assert [r.get("company_code") for r in service.register_rows(other)] == ["theirs01"]
