"""The access matrix: every endpoint in the url_map, for every role, including a worker of company A
against company B's attempt, a town admin of another town against everything of the first town's,
and the city admin. A new endpoint fails this test until its blueprint has a rule here."""

from pathlib import Path

import pytest

from quizapp.alerts import service as alerts
from quizapp.audiences import CITY_REPORTS
from quizapp.clock import local_today, utcnow
from quizapp.extensions import db
from quizapp.models import (
    ApiToken,
    Company,
    Employee,
    FollowUp,
    Incident,
    OutreachActivity,
    StaffUser,
    SupervisionCase,
    Topic,
)
from quizapp.quiz import service as quiz
from quizapp.register import service as register
from quizapp.roster import service as roster
from quizapp.rounds import service as rounds
from tests.alerts import drafts
from tests.factories import first_town, make_activity, make_grid, make_lead, make_staff, make_town_row
from tests.pages import sign_in_staff, sign_in_worker

ROLES = ["anonymous", "worker_a", "worker_b", "staff_a", "staff_b", "officer", "admin", "admin_other", "city_admin"]
PUBLIC = {"auth", "favicon", "healthz", "set_language", "static"}
# The API is read with a token, never with a session: every role without a token gets 401.
TOKEN_ONLY = {"api"}
# Who may use each audience's blueprint.
ALLOWED = {
    "quiz": {"worker_a", "worker_b"},
    "console": {"staff_a", "staff_b"},
    "reports": {"officer", "admin", "admin_other"},
    "admin": {"admin", "admin_other"},
    "city": {"city_admin"},
}
# URL parts that name something of company A's (worker A's attempt, a worker, a roster import): for
# the other company's staff or worker these do not exist (404).
OWNED_BY_A = {"attempt_id", "employee_id", "import_id", "company_id", "case_id", "incident_id", "activity_id",
              "follow_up_id", "round_id"}
# URL parts that name something of the first town's: for the admin of another town none exists (404).
OWNED_BY_TOWN = OWNED_BY_A | {"grid_id", "account_id", "token_id", "alert_id", "lead_id", "register_id"}
# Deleting a record, resetting a worker's PIN or deactivating a worker takes a confirmation page
# (quizapp/deleting.py): a GET shows it, and a POST without its `confirm` (the walk's bare POST) changes
# nothing, so the record is still there, and worker A still active with a PIN, after the walk.
CONFIRMED_DELETES = {"reports.incident_delete": "incident", "reports.outreach_delete": "activity",
                     "console.outreach_delete": "activity", "reports.supervision_follow_up_delete": "follow_up",
                     "console.worker_deactivate": "worker", "console.worker_reset_pin": "worker"}
# URL parts that name something of the first town's on the city's own pages: for the city admin none exists (404).
OWNED_BY_CITY_NOT = {"token_id"}


def sign_in(client, role, town):
    if role == "worker_a":
        sign_in_worker(client, town.code_a, town.worker_a_no)
    elif role == "worker_b":
        sign_in_worker(client, town.code_b, town.worker_b_no)
    elif role != "anonymous":
        usernames = {"staff_a": "staff-a", "staff_b": "staff-b", "officer": "officer-1", "admin": "admin",
                     "admin_other": "admin-other", "city_admin": "city"}
        sign_in_staff(client, usernames[role])


def endpoints(app):
    rules = []
    for rule in app.url_map.iter_rules():
        methods = sorted(rule.methods - {"HEAD", "OPTIONS"})
        rules.append((rule, methods))
    # Signing out ends the role's session, so it comes last.
    return sorted(rules, key=lambda r: r[0].endpoint == "auth.logout")


def url_for_rule(rule, town, owned):
    values = {"code": town.code_a, "position": 1, "filename": "css/app.css", "team": "一车间", "shift": "早班",
              "fmt": "csv", "image_fmt": "png", "days": 30, "period": "week", **owned}
    if rule.endpoint == "set_language":
        values["code"] = "en"
    return rule.build({k: values[k] for k in rule.arguments})[1]


@pytest.mark.parametrize("role", ROLES)
def test_every_endpoint_for_every_role(app, client, town, role):
    with app.app_context():
        attempt = quiz.start_attempt(db.session.get(Employee, town.worker_a), "official",
                                     local_today(), utcnow(), "test-town")
        staff_a = db.session.scalar(db.select(StaffUser).where(StaffUser.username == "staff-a"))
        # A roster import waiting for company A's staff: a real preview (one with no rows is no preview).
        roster_import = roster.start_import(staff_a, "a.csv", "工号,姓名,班组,班次\nA900,新员工,一车间,早班\n".encode(),
                                            utcnow())
        case = SupervisionCase(company_id=town.company_a, rule="manual", reason="test", opened_on=local_today())
        incident = Incident(grid_id=db.session.get(Company, town.company_a).grid_id, company_id=town.company_a,
                            month=local_today().replace(day=1), fraud_type="shuadan", cases=1, loss_yuan=100)
        officer = db.session.scalar(db.select(StaffUser).where(StaffUser.username == "officer-1"))
        token = ApiToken(name="analysis", token_hash="0" * 64, hint="0000", town_id=first_town().id)
        # Another town with a grid and its admin, and the city admin.
        other_town = make_town_row("other", "另一镇")
        make_staff("admin-other", "town_admin", town=other_town)
        make_grid("g1", "另一网格", town=other_town)  # the same grid code as the first town's: codes are per town
        make_staff("city", "city_admin")
        # A register import waiting for the town admin who uploaded it (the admin's own).
        admin = db.session.scalar(db.select(StaffUser).where(StaffUser.username == "admin"))
        register_import = register.start_import(admin, "register.csv", (
            "网格编码,网格名称,企业编码,企业名称,每次题数,工作日,班次,启用\ng1,,new-co,新厂,,,,\n").encode(), utcnow())
        # Outreach records with a photo each: company A's (its staff's to change) and grid 1's (the officers').
        photo = "a" * 24 + ".jpg"
        Path(app.config["QUIZAPP_PHOTO_DIR"], photo).write_bytes(b"\xff\xd8\xff\xe0 kept photo")
        company_activity = make_activity(incident.grid_id, local_today(), company_id=town.company_a,
                                         created_by=staff_a.id, photo=photo)
        grid_activity = make_activity(incident.grid_id, local_today(), created_by=officer.id, photo=photo)
        db.session.add_all([roster_import, case, incident, token, register_import])
        db.session.flush()
        follow_up = FollowUp(case_id=case.id, kind="visit", happened_on=local_today(), who="张三",
                             created_by=officer.id)
        db.session.add(follow_up)
        # A draft alert for grid 1, by its officer (the town admin may publish it, the officer not).
        alert = alerts.save_draft(officer, drafts.draft(), alerts.Target(db.session.scalar(db.select(Topic.id)),
                                                                         [incident.grid_id], local_today()),
                                  local_today(), utcnow())
        lead = make_lead(db.session.get(Employee, town.worker_a))  # a worker's report, in grid 1
        # A pre-shift round of company A's (the day's common questions on its pre-shift screen).
        preshift_round = rounds.start_round(staff_a, local_today(), utcnow(), None, None, "test-town")
        db.session.commit()
        owned = {"attempt_id": attempt.id, "employee_id": town.worker_a, "import_id": roster_import.id,
                 "company_id": town.company_a, "case_id": case.id, "incident_id": incident.id,
                 "grid_id": officer.grids[0].id, "account_id": officer.id, "token_id": token.id,
                 "activity_id": grid_activity.id if role in ("officer", "admin") else company_activity.id,
                 "follow_up_id": follow_up.id, "alert_id": alert.id, "lead_id": lead.id,
                 "round_id": preshift_round.id, "register_id": register_import.id, "town_id": first_town().id}
    sign_in(client, role, town)
    checked = 0
    for rule, methods in endpoints(app):
        blueprint = rule.endpoint.split(".")[0]
        assert blueprint in PUBLIC | TOKEN_ONLY or blueprint in ALLOWED, f"no access rule for {rule.endpoint}"
        url = url_for_rule(rule, town, owned)
        for method in methods:
            response = client.open(url, method=method, data={})
            response.close()
            checked += 1
            status = response.status_code
            where = f"{role} {method} {url} -> {status}"
            assert status != 500, where
            if blueprint in PUBLIC:
                continue
            if blueprint in TOKEN_ONLY:
                assert status == 401 or (rule.endpoint == "api.openapi" and status == 200), where
                continue
            if rule.endpoint in CITY_REPORTS and role in ALLOWED["reports"]:
                assert status == 403, where  # the towns compared: the city's page, no officer's or town's
                continue
            allowed = role in ALLOWED[blueprint] or (role == "city_admin" and rule.endpoint in CITY_REPORTS)
            if allowed:
                if role in ("worker_b", "staff_b") and OWNED_BY_A & set(rule.arguments):
                    assert status == 404, where  # company A's things do not exist for company B
                elif role == "admin_other" and OWNED_BY_TOWN & set(rule.arguments):
                    assert status == 404, where  # the first town's things do not exist for another town's admin
                elif role == "city_admin" and OWNED_BY_CITY_NOT & set(rule.arguments):
                    assert status == 404, where  # a town's token is not the city's (/city/tokens/<id>/revoke)
                elif rule.endpoint in CONFIRMED_DELETES:
                    assert status == 200, where  # the confirmation page, on a GET and on a POST without `confirm`
                else:
                    assert status in (200, 302, 303, 400), where
                    if status == 302:
                        assert "/login" not in response.location, where
            elif role == "anonymous":
                assert status == 302, where
                assert response.location.startswith("/login") or response.location == "/", where
            else:
                assert status == 403, where
    assert checked > 10
    assert set(CONFIRMED_DELETES) <= {rule.endpoint for rule, methods in endpoints(app) if "GET" in methods}
    with app.app_context():  # no bare POST of the walk deleted a record that takes a confirmation
        kept = {"incident": db.session.get(Incident, incident.id), "follow_up": db.session.get(FollowUp, follow_up.id),
                "activity": db.session.get(OutreachActivity, owned["activity_id"])}
        assert all(row is not None for row in kept.values()), kept
        worker = db.session.get_one(Employee, town.worker_a)
        assert worker.active and worker.pin_hash, role


def test_company_staff_see_only_their_own_company(client, town):
    sign_in_staff(client, "staff-a")
    page = client.get("/console/").get_data(as_text=True)
    assert "甲厂" in page and "乙厂" not in page


def test_officers_see_only_their_grids_and_no_worker_names(client, town):
    sign_in_staff(client, "officer-1")
    page = client.get("/reports/").get_data(as_text=True)
    assert "甲厂" in page and "乙厂" not in page
    assert "王小明" not in page and "A001" not in page


def test_officers_see_the_heat_table_of_their_own_grids_only(client, town):
    # Once 403 for officers (it lived on the admin blueprint); now a reports page scoped by grid.
    sign_in_staff(client, "officer-1")
    response = client.get("/reports/town")
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "网格一" in page and "网格二" not in page
    assert "乙厂" not in page and "王小明" not in page and "A001" not in page
    assert client.get("/admin/town").status_code == 403


def test_the_town_admin_sees_every_company_as_aggregates(client, town):
    sign_in_staff(client, "admin")
    page = client.get("/admin/").get_data(as_text=True)
    assert "甲厂" in page and "乙厂" in page and "王小明" not in page


def test_a_town_admin_of_another_town_sees_none_of_the_first_town(app, client, town):
    with app.app_context():
        other = make_town_row("other", "另一镇")
        make_staff("admin-other", "town_admin", town=other)
        make_grid("o1", "另一网格", town=other)
        db.session.commit()
    sign_in_staff(client, "admin-other")
    for url in ("/admin/", "/reports/", "/admin/grids", "/admin/companies", "/admin/accounts", "/reports/town"):
        status, page = client.get(url).status_code, client.get(url).get_data(as_text=True)
        assert status == 200, url
        assert "甲厂" not in page and "乙厂" not in page and "网格一" not in page and "officer-1" not in page, url
    assert "另一网格" in client.get("/admin/grids").get_data(as_text=True)


def test_the_city_admin_sees_towns_as_counts_and_no_town_s_pages(client, town):
    with client.application.app_context():
        make_staff("city", "city_admin")
        db.session.commit()
    sign_in_staff(client, "city")
    response = client.get("/city/")
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "大岭山镇" in page
    assert "甲厂" not in page and "网格一" not in page and "王小明" not in page
    for url in ("/admin/", "/reports/", "/reports/town", "/console/", "/admin/accounts"):
        assert client.get(url).status_code == 403, url
