"""The town admin's account rules: roles tie an account to a company or grids, the admin never
chooses a password (a one-time one is generated, to be replaced at the first sign-in), the admin
cannot lock themselves or the town out, resets and deactivation end every session, and every
change is audit-logged without a password or webhook key in it."""

import json
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from quizapp.accounts import service as staff_admin
from quizapp.accounts.service import AccountFilter, AccountInput
from quizapp.extensions import db
from quizapp.models import AuditLog
from quizapp.rules.errors import Conflict, Forbidden, Invalid, ServiceError
from quizapp.rules.vocab import Role
from quizapp.signin import staff as accounts
from tests.factories import make_company, make_grid, make_staff

pytestmark = pytest.mark.usefixtures("ctx")


WEBHOOK = "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=secret-key-123"


@pytest.fixture
def org():
    g1, g2 = make_grid("g1", "网格一"), make_grid("g2", "网格二")
    closed_grid = make_grid("g9", "旧网格")
    closed_grid.active = False
    a = make_company(g1, "acme", "甲厂")
    shut = make_company(g2, "shut", "关厂")
    shut.active = False
    admin = make_staff("admin", "town_admin")
    db.session.flush()
    return {"g1": g1, "g2": g2, "g9": closed_grid, "a": a, "shut": shut, "admin": admin}


def audit_rows(action=None):
    query = select(AuditLog).order_by(AuditLog.id)
    if action:
        query = query.where(AuditLog.action == action)
    return list(db.session.scalars(query))


NOW = datetime(2026, 3, 2, 8)


def test_create_an_officer_with_a_one_time_password(org):
    data = AccountInput("王网格", "grid_officer", grid_ids=[org["g1"].id, org["g2"].id], email="wang@example.cn",
                        webhook_url=WEBHOOK)
    account, password = staff_admin.create_account(org["admin"], " officer-wang ", data, NOW)
    assert account.username == "officer-wang" and [g.code for g in account.grids] == ["g1", "g2"]
    assert password and len(password) == 14 and account.check_password(password)
    assert account.must_change_password and account.created_by == org["admin"].id and account.created_at == NOW
    assert accounts.verify_staff("officer-wang", password, datetime(2026, 3, 2)).account is account
    (row,) = audit_rows("admin.account.create")
    detail = json.loads(row.detail)
    assert detail["account"] == "officer-wang" and detail["grids"] == ["g1", "g2"] and detail["webhook"] is True
    assert detail["password"] == "one-time"
    assert password not in row.detail and "secret-key" not in row.detail


def test_company_staff_get_a_one_time_password_too(org):
    account, password = staff_admin.create_account(org["admin"], "staff-x", AccountInput("小张", "company_staff",
                                                    company_id=org["a"].id), NOW)
    assert account.check_password(password) and account.must_change_password and account.company_id == org["a"].id
    assert password not in audit_rows()[0].detail


@pytest.mark.parametrize("password, code", [("short", "accounts.password_too_short"),
                                            ("x" * 201, "accounts.password_too_long"),
                                            (" " * 12, "accounts.password_blank"),
                                            ("given-password", "signin.same_password")])
def test_the_own_password_must_be_long_enough_and_new(org, password, code):
    account, given = staff_admin.create_account(org["admin"], "staff-x", AccountInput("小张", "town_admin"), NOW)
    with pytest.raises(Invalid) as refused:
        accounts.change_own_password(account, given, given if code == "signin.same_password" else password, NOW)
    assert refused.value.code == code and account.must_change_password


def test_the_own_password_needs_the_one_given_and_ends_other_sessions(org):
    account, given = staff_admin.create_account(org["admin"], "staff-x", AccountInput("小张", "town_admin"), NOW)
    with pytest.raises(Invalid) as refused:
        accounts.change_own_password(account, "not the one", "my own password", NOW)
    assert (refused.value.field, refused.value.code) == ("current", "signin.wrong_current_password")
    generation = account.session_generation
    accounts.change_own_password(account, given, "my own password", NOW)
    assert account.check_password("my own password") and not account.must_change_password
    assert account.session_generation == generation + 1
    assert audit_rows("account.password_changed")[0].actor_id == account.id
    assert "my own password" not in "".join(r.detail for r in audit_rows())


def test_generated_passwords_differ_and_use_the_readable_alphabet():
    passwords = {staff_admin.generate_password() for _ in range(50)}
    assert len(passwords) == 50
    assert all(set(p.replace("-", "")) <= set(staff_admin.PASSWORD_ALPHABET) for p in passwords)


@pytest.mark.parametrize("username, data, field, code", [
    ("admin", AccountInput("重名", "town_admin"), "username", "username_taken"),
    ("ADMIN", AccountInput("重名", "town_admin"), "username", "username_taken"),
    ("a b", AccountInput("空格", "town_admin"), "username", "bad_username"),
    ("new-1", AccountInput("x", "superuser"), "role", "unknown_role"),
    ("new-1", AccountInput("x", "company_staff"), "company", "company_needed"),
    ("new-1", AccountInput("x", "company_staff", company_id=999999), "company", "company_inactive"),
    ("new-1", AccountInput("x", "grid_officer"), "grids", "grids_needed"),
    ("new-1", AccountInput("x", "grid_officer", grid_ids=[999999]), "grids", "grids_inactive"),
    ("new-1", AccountInput("x", "town_admin", email="not-an-address"), "email", "bad_email"),
    ("new-1", AccountInput("  ", "town_admin"), "display_name", "name_needed"),
])
def test_what_cannot_be_created(org, username, data, field, code):
    with pytest.raises(Invalid) as refused:
        staff_admin.create_account(org["admin"], username, data, None)
    assert (refused.value.field, refused.value.code) == (field, f"accounts.{code}")


def test_inactive_companies_and_grids_cannot_be_given(org):
    with pytest.raises(ServiceError) as refused:
        staff_admin.create_account(org["admin"], "s1", AccountInput("x", "company_staff", company_id=org["shut"].id),
                                   None)
    assert refused.value.field == "company"
    with pytest.raises(ServiceError) as refused:
        staff_admin.create_account(org["admin"], "o1", AccountInput("x", "grid_officer", grid_ids=[org["g9"].id]), None)
    assert refused.value.field == "grids"
    assert org["shut"] not in staff_admin.company_choices(org["admin"])
    assert org["g9"] not in staff_admin.grid_choices(org["admin"])


def test_changing_the_role_drops_what_the_new_role_does_not_use(org):
    officer = make_staff("officer-1", "grid_officer", grids=[org["g1"]])
    changed = staff_admin.update_account(org["admin"], officer, AccountInput(
        "小李", "company_staff", company_id=org["a"].id, grid_ids=[org["g1"].id]))
    assert officer.role == "company_staff" and officer.company_id == org["a"].id and officer.grids == []
    assert set(changed) >= {"name", "role", "company", "grids"}
    staff_admin.update_account(org["admin"], officer, AccountInput("小李", "town_admin", company_id=org["a"].id))
    assert officer.company_id is None and officer.grids == []
    first = json.loads(audit_rows("admin.account.update")[0].detail)
    assert first["changed"][0] == "name"
    assert first["role"] == {"old": "grid_officer", "new": "company_staff"}  # old and new, put into words when read
    assert first["grids"] == {"old": ["g1"], "new": []}


def test_an_officer_keeps_a_grid_that_was_closed_meanwhile_but_cannot_get_a_new_closed_one(org):
    officer = make_staff("officer-1", "grid_officer", grids=[org["g1"], org["g9"]])
    assert org["g9"] in staff_admin.grid_choices(org["admin"], officer)
    staff_admin.update_account(org["admin"], officer,
                               AccountInput("o", "grid_officer", grid_ids=[org["g1"].id, org["g9"].id]))
    assert {g.code for g in officer.grids} == {"g1", "g9"}
    other = make_staff("officer-2", "grid_officer", grids=[org["g2"]])
    with pytest.raises(ServiceError):
        staff_admin.update_account(org["admin"], other, AccountInput("o", "grid_officer", grid_ids=[org["g9"].id]))


def test_nothing_changed_is_not_logged(org):
    officer = make_staff("officer-1", "grid_officer", grids=[org["g1"]])
    assert staff_admin.update_account(org["admin"], officer, AccountInput("officer-1", "grid_officer",
                                                                          grid_ids=[org["g1"].id])) == []
    assert audit_rows("admin.account.update") == []


def test_a_new_webhook_address_is_logged_without_its_key(org):
    officer = make_staff("officer-1", "grid_officer", grids=[org["g1"]])
    officer.webhook_url = WEBHOOK
    changed = staff_admin.update_account(org["admin"], officer, AccountInput(
        "officer-1", "grid_officer", grid_ids=[org["g1"].id], webhook_url=WEBHOOK.replace("123", "456")))
    assert changed == ["webhook"]
    assert "secret-key" not in audit_rows("admin.account.update")[0].detail
    assert json.loads(audit_rows("admin.account.update")[0].detail)["webhook"] == "replaced"


def test_the_admin_cannot_change_their_own_role_or_deactivate_themselves(org):
    admin = org["admin"]
    with pytest.raises(Forbidden) as refused:
        staff_admin.update_account(admin, admin, AccountInput("admin", "grid_officer", grid_ids=[org["g1"].id]))
    assert (refused.value.code, refused.value.field) == ("accounts.own_role", "role")
    with pytest.raises(Forbidden) as refused:
        staff_admin.set_active(admin, admin, False)
    assert refused.value.code == "accounts.own_account"
    assert admin.active and admin.role == "town_admin"


def test_the_last_active_town_admin_stays(org):
    deputy = make_staff("deputy", "town_admin")
    staff_admin.set_active(deputy, org["admin"], False)  # two admins: one may go
    with pytest.raises(Conflict) as refused:
        staff_admin.set_active(org["admin"], deputy, False)
    assert refused.value.code == "accounts.last_admin_active"
    staff_admin.set_active(deputy, org["admin"], True)
    staff_admin.update_account(deputy, org["admin"], AccountInput("admin", "grid_officer", grid_ids=[org["g1"].id]))
    with pytest.raises(Conflict) as refused:
        staff_admin.update_account(org["admin"], deputy,
                                   AccountInput("deputy", "grid_officer", grid_ids=[org["g1"].id]))
    assert refused.value.code == "accounts.last_admin_role"


def test_deactivate_reactivate_reset_and_unlock_are_logged(org):
    staff = make_staff("staff-a", "company_staff", company=org["a"])
    now = datetime(2026, 3, 2, 8)
    staff.failed_logins, staff.locked_until = 3, now + timedelta(minutes=10)
    assert staff_admin.is_locked(staff, now)
    staff_admin.unlock(org["admin"], staff)
    assert staff.failed_logins == 0 and staff.locked_until is None
    staff_admin.set_active(org["admin"], staff, False)
    assert accounts.verify_staff("staff-a", "correct horse battery", now).error == "inactive"
    staff_admin.set_active(org["admin"], staff, False)  # already deactivated: no second row
    staff_admin.set_active(org["admin"], staff, True)
    staff.locked_until = now + timedelta(minutes=10)
    password = staff_admin.reset_password(org["admin"], staff, now)
    assert staff.check_password(password) and not staff.check_password("correct horse battery")
    assert staff.locked_until is None and staff.must_change_password
    assert (staff.password_reset_by, staff.password_reset_at) == (org["admin"].id, now)
    staff_admin.sign_out_everywhere(org["admin"], staff)
    admin_rows = [r for r in audit_rows() if r.actor_id == org["admin"].id]
    assert [r.action for r in admin_rows] == ["admin.account.unlock", "admin.account.deactivate",
                                              "admin.account.reactivate", "admin.account.reset_password",
                                              "admin.account.sign_out"]
    assert all(json.loads(r.detail)["account"] == "staff-a" for r in admin_rows)
    assert password not in "".join(r.detail for r in audit_rows())


def test_deactivating_reactivating_resetting_and_signing_out_each_end_the_sessions(org):
    staff = make_staff("staff-a", "company_staff", company=org["a"])
    generations = [staff.session_generation]
    for change in (lambda: staff_admin.set_active(org["admin"], staff, False),
                   lambda: staff_admin.set_active(org["admin"], staff, True),
                   lambda: staff_admin.reset_password(org["admin"], staff, NOW),
                   lambda: staff_admin.sign_out_everywhere(org["admin"], staff)):
        change()
        generations.append(staff.session_generation)
    assert generations == [0, 1, 2, 3, 4]


def test_the_list_filters_and_pages(org):
    make_staff("staff-a", "company_staff", company=org["a"])
    o1 = make_staff("officer-1", "grid_officer", grids=[org["g1"]])
    make_staff("officer-2", "grid_officer", grids=[org["g2"]])
    o1.email = "o1@example.cn"
    gone = make_staff("gone", "company_staff", company=org["a"])
    gone.active = False
    for i in range(12):
        make_staff(f"bulk-{i:02d}", "grid_officer", grids=[org["g2"]])
    db.session.flush()

    def names(**kwargs):
        listed = staff_admin.list_accounts(org["admin"], AccountFilter(**kwargs), per_page=100)
        return [a.username for a in listed.accounts]

    assert names(role=Role.TOWN_ADMIN) == ["admin"]
    assert names(grid_id=org["g1"].id) == ["gone", "staff-a", "officer-1"]  # staff of its companies, its officers
    assert names(company_id=org["a"].id, active=True) == ["staff-a"]
    assert names(active=False) == ["gone"]
    assert names(search="O1@EXAMPLE") == ["officer-1"]
    assert names(search="%") == [] and names(search="cer-1") == ["officer-1"]
    assert names(role=None) == names()  # no role: every role (the page reads an unknown one as none)
    first = staff_admin.list_accounts(org["admin"], AccountFilter(role=Role.GRID_OFFICER, page=1), per_page=5)
    last = staff_admin.list_accounts(org["admin"], AccountFilter(role=Role.GRID_OFFICER, page=99), per_page=5)
    assert first.total == 14 and first.pages == 3 and len(first.accounts) == 5
    assert last.page == 3 and len(last.accounts) == 4
    seen = [a.username for p in (1, 2, 3) for a in staff_admin.list_accounts(org["admin"],
        AccountFilter(role="grid_officer", page=p), per_page=5).accounts]
    assert len(seen) == len(set(seen)) == 14
