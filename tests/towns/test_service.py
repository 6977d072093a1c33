"""The city admin's towns (towns.service): a new town and its admin accounts, each town's counts,
the audit trail in the city's rows; and a town admin, who manages their own town's accounts and
never makes a city admin or another town's account."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from sqlalchemy import select

from quizapp.accounts import service as accounts
from quizapp.accounts.service import AccountInput
from quizapp.extensions import db
from quizapp.models import AuditLog, City, StaffUser
from quizapp.rules.errors import Conflict, Forbidden, Invalid, NotFound
from quizapp.rules.vocab import Role
from quizapp.towns import service
from tests.factories import first_town, make_company, make_employee, make_grid, make_staff, make_town_row

pytestmark = pytest.mark.usefixtures("ctx")

TODAY = date(2026, 11, 24)
NOW = datetime(2026, 11, 24, 1, 0)


def staff(username: str) -> StaffUser:
    return db.session.scalar(select(StaffUser).where(StaffUser.username == username))


@pytest.fixture
def city(town):
    return make_staff("city", "city_admin")


def test_the_city_admin_creates_a_town_audited_in_the_city_s_rows(city):
    made = service.create_town(city, "hm", "虎门镇")
    assert (made.code, made.name, made.city_id) == ("hm", "虎门镇", first_town().city_id)
    (row,) = db.session.scalars(select(AuditLog).where(AuditLog.action == "city.town.create"))
    assert row.town_id is None and row.actor_id == city.id and '"town": "hm"' in row.detail
    for code, name, field in (("HM", "另一个", "code"), ("cp", "虎门镇", "name")):
        with pytest.raises(Conflict) as refused:
            service.create_town(city, code, name)
        assert refused.value.field == field


def test_the_first_town_makes_the_city_and_only_the_city_admin_makes_towns(app):
    with app.app_context():
        city_admin = make_staff("city", "city_admin")
        assert service.city() is None and service.town_rows(city_admin, TODAY) == []
        service.create_town(city_admin, "dls", "大岭山镇")
        assert db.session.scalar(select(City.name)) == service.CITY_NAME_DEFAULT
        town_admin = make_staff("admin", "town_admin", town=service.find_town(city_admin, first_town().id))
        with pytest.raises(NotFound):
            service.create_town(town_admin, "hm", "虎门镇")
        db.session.rollback()


def test_each_town_is_counted_and_a_town_admin_reads_only_their_own(city, town):
    other = make_town_row("hm", "虎门镇")
    grid = make_grid("g1", "虎门网格", town=other)
    company = make_company(grid, "hm-co", "虎门厂")
    make_employee(company, "H001", "陈一")
    make_staff("admin-hm", "town_admin", town=other)
    rows = {r.town.code: (r.grids, r.companies, r.workers, r.admins) for r in service.town_rows(city, TODAY)}
    assert rows == {"dls": (2, 2, 3, 1), "hm": (1, 1, 1, 1)}
    assert [r.town.code for r in service.town_rows(staff("admin"), TODAY)] == ["dls"]
    assert service.find_town(staff("admin"), other.id) is None and service.find_town(city, other.id) is other


def test_the_city_admin_makes_town_admins_only(city, town):
    other = make_town_row("hm", "虎门镇")
    account, password = accounts.create_account(city, "hm-admin", AccountInput("虎门管理员", Role.TOWN_ADMIN), NOW,
                                                town_id=other.id)
    assert (account.town_id, account.role, account.must_change_password) == (other.id, Role.TOWN_ADMIN, True)
    assert len(password) == 14 and service.town_admins(other) == [account]
    (row,) = db.session.scalars(select(AuditLog).where(AuditLog.action == "admin.account.create"))
    assert row.town_id is None  # the city admin's act: a city row
    for role in (Role.COMPANY_STAFF, Role.GRID_OFFICER, Role.CITY_ADMIN):
        with pytest.raises(Forbidden):
            accounts.create_account(city, f"x-{role}", AccountInput("某人", role), NOW, town_id=other.id)
    with pytest.raises(Forbidden):
        accounts.create_account(city, "no-town", AccountInput("某人", Role.TOWN_ADMIN), NOW)


def test_a_town_admin_makes_accounts_of_their_own_town_only(city, town):
    other = make_town_row("hm", "虎门镇")
    foreign_grid = make_grid("g9", "虎门网格", town=other)
    foreign_company = make_company(foreign_grid, "hm-co", "虎门厂")
    admin = staff("admin")
    made, _ = accounts.create_account(admin, "admin-2", AccountInput("第二管理员", Role.TOWN_ADMIN), NOW,
                                      town_id=other.id)  # the town is always the admin's own
    assert made.town_id == admin.town_id
    with pytest.raises(Invalid) as refused:
        accounts.create_account(admin, "boss", AccountInput("市里", Role.CITY_ADMIN), NOW)
    assert refused.value.code == "accounts.unknown_role"
    with pytest.raises(Invalid):
        accounts.create_account(admin, "o9", AccountInput("网格员", Role.GRID_OFFICER, grid_ids=[foreign_grid.id]), NOW)
    with pytest.raises(Invalid):
        accounts.create_account(admin, "s9", AccountInput("专员", Role.COMPANY_STAFF, company_id=foreign_company.id),
                                NOW)
    foreign = make_staff("admin-hm", "town_admin", town=other)
    assert accounts.find_account(admin, foreign.id) is None and accounts.find_account(admin, made.id) is made
    assert "admin-hm" not in {a.username for a in accounts.list_accounts(admin, accounts.AccountFilter()).accounts}
    assert foreign_grid not in accounts.grid_choices(admin) and foreign_company not in accounts.company_choices(admin)



def test_the_first_city_admin_is_made_on_the_server_with_a_one_time_password(app, runner):
    result = runner.invoke(args=["city-admin", "boss", "--name", "市反诈中心", "--city", "东莞市"])
    assert result.exit_code == 0, result.output
    password = result.output.split("one-time password ")[1].split()[0]
    with app.app_context():
        account = db.session.scalar(select(StaffUser).where(StaffUser.username == "boss"))
        assert (account.role, account.town_id, account.must_change_password) == (Role.CITY_ADMIN, None, True)
        assert account.check_password(password) and db.session.scalar(select(City.name)) == "东莞市"
        assert db.session.scalar(select(AuditLog.action).where(AuditLog.town_id.is_(None))) == "city.admin.create"
    again = runner.invoke(args=["city-admin", "boss"])
    assert again.exit_code == 2 and "accounts.username_taken" in again.output
