"""Officers, the town admin and the API see aggregates only: every page, export and API response
they can reach is scanned for the workers' names and employee numbers.

The walk is over the url_map, like the access matrix, so a new report page or export is scanned
the day it is added. Exports are opened (CSV as text, XLSX by unzipping its XML) before scanning.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import zipfile
from datetime import timedelta

import pytest

from quizapp.alerts import service as alerts
from quizapp.clock import local_today, utcnow
from quizapp.extensions import db
from quizapp.models import ApiToken, Company, Employee, FollowUp, Incident, StaffUser, SupervisionCase, Topic
from quizapp.quiz import service as quiz
from quizapp.register import service as register
from quizapp.register.rules.file import sheet_rows, to_csv
from tests.alerts import drafts
from tests.factories import first_town, make_activity, make_employee, make_lead
from tests.pages import sign_in_staff

API_TOKEN = "scan-token-for-the-aggregates-test"
# Who took a quiz in this test: their names and numbers must never reach an officer or the API.
WORKERS = [("A001", "王小明"), ("A002", "张新来"), ("A101", "欧阳春花"), ("B001", "李小红"), ("B101", "司马秋月")]


def _finish(employee: Employee) -> None:
    attempt = quiz.start_attempt(employee, "official", local_today(), utcnow(), "test-town")
    for slot in attempt.answers:
        key = slot.version.content["answer"]
        right = [p for p, idx in enumerate(slot.choice_order) if idx in key]
        quiz.record_answer(employee, attempt.id, slot.position, right, utcnow() + timedelta(seconds=slot.position),
                           local_today())


@pytest.fixture
def record(app, town):
    """A day of quizzes in both companies, an incident, a supervision case with a follow-up, and an
    outreach activity each by company A's staff and by the officer."""
    with app.app_context():
        a, b = db.session.get(Company, town.company_a), db.session.get(Company, town.company_b)
        workers = [db.session.get(Employee, town.worker_a), db.session.get(Employee, town.worker_b),
                   make_employee(a, "A101", "欧阳春花", team="二车间"), make_employee(b, "B101", "司马秋月")]
        # A live alert for both grids, published before the day's quizzes: its reach covers them.
        admin = db.session.scalar(db.select(StaffUser).where(StaffUser.username == "admin"))
        alert = alerts.save_draft(admin, drafts.draft(), alerts.Target(db.session.scalar(db.select(Topic.id)),
                                                                       [a.grid_id, b.grid_id], local_today()),
                                  local_today(), utcnow())
        alerts.publish(admin, alert, local_today())
        for employee in workers:
            _finish(employee)
        officer = db.session.scalar(db.select(StaffUser).where(StaffUser.username == "officer-1"))
        case = SupervisionCase(company_id=a.id, rule="manual", reason="participation low", opened_on=local_today(),
                               owner_id=officer.id, deadline=local_today() - timedelta(days=1))  # overdue
        db.session.add(case)
        db.session.flush()
        db.session.add_all([
            Incident(grid_id=a.grid_id, company_id=a.id, month=local_today().replace(day=1), fraud_type="shuadan",
                     cases=2, loss_yuan=3000, created_by=officer.id),
            FollowUp(case_id=case.id, kind="visit", happened_on=local_today(), who="网格员", notes="pre-shift talk",
                     outcome="agreed", created_by=officer.id),
            FollowUp(case_id=case.id, kind="yuetan", happened_on=local_today(), who="网格员", created_by=officer.id,
                     summoned_name="张厂长", summoned_role="厂长", place="派出所会议室"),  # a manager, not a worker
            ApiToken(name="scan", token_hash=hashlib.sha256(API_TOKEN.encode()).hexdigest(), hint=API_TOKEN[:6],
                     town_id=first_town().id),
        ])
        staff_a = db.session.scalar(db.select(StaffUser).where(StaffUser.username == "staff-a"))
        make_activity(a.grid_id, local_today(), 40, "preshift", company_id=a.id, place="二车间", speaker="张主任",
                      created_by=staff_a.id)
        activity = make_activity(a.grid_id, local_today(), 120, "community", created_by=officer.id)
        # Workers' reports, one signed with the worker's name and number, one from the other grid.
        lead = make_lead(workers[0], text="我是王小明，工号A001，有人冒充客服要退款", money_lost=True)
        make_lead(workers[3], text="刷单返利，先垫付", channel="chat", contact="wxid_scam")
        # A register import of the town as it is, waiting for the admin's confirmation (its preview page).
        register_file = to_csv(sheet_rows(register.register_rows(admin)))
        register_import = register.start_import(admin, "register.csv", register_file, utcnow())
        db.session.commit()
        return {"activity_id": activity.id, "company_id": a.id, "grid_id": a.grid_id, "case_id": case.id,
                "account_id": officer.id, "alert_id": alert.id, "lead_id": lead.id,
                "incident_id": db.session.scalar(db.select(Incident.id)),
                "follow_up_id": db.session.scalar(db.select(FollowUp.id)),
                "token_id": db.session.scalar(db.select(ApiToken.id)), "days": 30, "period": "week",
                "team": "一车间", "shift": "早班", "code": town.code_a, "image_fmt": "png",
                "register_id": register_import.id}


def _texts(body: bytes) -> list[str]:
    """What a person could read in a response: the text, or every XML part of an XLSX."""
    if body.startswith(b"PK"):
        with zipfile.ZipFile(io.BytesIO(body)) as workbook:
            return [workbook.read(name).decode("utf-8", "replace") for name in workbook.namelist()]
    return [body.decode("utf-8", "replace")]


def _urls(app, blueprints: set[str], values: dict) -> list[str]:
    urls = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint.split(".")[0] not in blueprints or "GET" not in rule.methods:
            continue
        if not set(rule.arguments) <= set(values) | {"fmt"}:
            raise AssertionError(f"{rule.endpoint}: no test value for {set(rule.arguments) - set(values)}")
        for fmt in (("csv", "xlsx") if "fmt" in rule.arguments else (None,)):
            args = {k: values[k] for k in rule.arguments if k != "fmt"} | ({"fmt": fmt} if fmt else {})
            urls.append(rule.build(args)[1])
    return urls


def _read(client, url: str, **kwargs) -> tuple[int, bytes]:
    response = client.get(url, **kwargs)
    body = response.get_data()
    response.close()
    return response.status_code, body


def _matches(template: str, url: str) -> bool:
    """Whether an OpenAPI path like /api/v1/grids/{grid_id}/days names this URL."""
    pattern = re.sub(r"\{[^}]+\}", "[^/]+", template)
    return re.fullmatch(pattern, url) is not None


def _assert_no_worker(url: str, body: bytes) -> None:
    for text in _texts(body):
        for number, name in WORKERS:
            assert name not in text, f"{url} shows the worker name {name}"
            assert number not in text, f"{url} shows the employee number {number}"


@pytest.mark.parametrize("username", ["officer-1", "admin"])
def test_no_officer_or_admin_page_or_export_shows_a_worker(app, client, record, username):
    sign_in_staff(client, username)
    blueprints = {"reports", "admin"} if username == "admin" else {"reports"}
    scanned = 0
    for url in _urls(app, blueprints, record):
        status, body = _read(client, url)
        if status != 200:
            continue
        _assert_no_worker(url, body)
        scanned += 1
    assert scanned >= 10


def test_no_api_response_shows_a_worker(app, client, record):
    urls = _urls(app, {"api"}, record)
    with app.app_context():
        first, last = (local_today() - timedelta(days=7)).isoformat(), local_today().isoformat()
    # A week for every endpoint that takes a range (the OpenAPI document says which).
    paths = json.loads(_read(client, "/api/v1/openapi.json")[1])["paths"]
    takes_range = {path for path, item in paths.items()
                   if {"$ref": "#/components/parameters/from"} in (item["get"].get("parameters") or [])}
    read = 0
    for url in urls:
        template = next((p for p in paths if _matches(p, url)), None)
        query = f"?from={first}&to={last}" if template in takes_range else ""
        status, body = _read(client, url + query, headers={"Authorization": f"Bearer {API_TOKEN}"})
        if status == 200:
            _assert_no_worker(url, body)
            read += 1
    # Every endpoint answers (and there are endpoints: an empty walk would prove nothing).
    assert urls and read == len(urls)
