"""The read-only API over HTTP (/api/v1): bearer tokens (never a session), every endpoint's answer
validated against the OpenAPI document, the document against the url map both ways, 400/404 JSON,
the rate limit per token, the audit trail, and no worker's name or number in any answer."""

import json
import re
from datetime import timedelta
from decimal import Decimal

import pytest
from jsonschema import Draft202012Validator, FormatChecker
from openapi_spec_validator import validate as validate_spec
from sqlalchemy import select

from quizapp.alerts import service as alerts
from quizapp.clock import local_today, utcnow
from quizapp.extensions import db
from quizapp.models import ApiToken, AuditLog, Company, CompanyDay, Employee, Grid, Incident, StaffUser, Topic
from quizapp.tokens import service as tokens
from tests.alerts import drafts
from tests.factories import (
    make_activity,
    make_company,
    make_employee,
    make_grid,
    make_lead,
    make_staff,
    make_town_row,
    take_quiz,
)
from tests.pages import sign_in_staff

WORKERS = ("王小明", "李小红", "张新来", "A001", "B001", "A002")


@pytest.fixture
def token(app, town):
    """A token issued by the town admin, and the ids of the town's grids."""
    with app.app_context():
        admin = db.session.scalar(select(StaffUser).where(StaffUser.username == "admin"))
        _, secret = tokens.issue_token(admin, "analysis", utcnow())
        db.session.commit()
    return secret


def today_in(app):
    with app.app_context():
        return local_today()


def grid_ids(app) -> dict[str, int]:
    with app.app_context():
        return dict(db.session.execute(select(Grid.code, Grid.id)).all())


def call(client, url: str, secret: str | None = None, **headers):
    """GET an API URL: status, JSON body and headers (the response closed)."""
    if secret is not None:
        headers["Authorization"] = f"Bearer {secret}"
    response = client.get(url, headers=headers)
    body = response.get_json()
    response.close()
    return response.status_code, body, response.headers


def history(app, town, days: int = 40) -> None:
    """Rollup rows for both companies before today, today's quiz of one worker in each (today is
    read live) and some incidents: real figures in every answer."""
    with app.app_context():
        today = local_today()
        for back in range(1, days):
            day = today - timedelta(days=back)
            for company_id, heads in ((town.company_a, 2), (town.company_b, 1)):
                db.session.add(CompanyDay(company_id=company_id, day=day, workday=day.isoweekday() != 7,
                                          headcount=heads, completed=1, score_sum=4, question_sum=5,
                                          common_correct=1, common_answered=2))
        company_a = db.session.get(Company, town.company_a)
        db.session.add_all([
            Incident(grid_id=company_a.grid_id, company_id=company_a.id, month=today.replace(day=1),
                     fraud_type="shuadan", cases=2, loss_yuan=Decimal("1234.50")),
            Incident(grid_id=company_a.grid_id, company_id=None, month=today.replace(day=1), fraud_type="other",
                     cases=1, loss_yuan=Decimal("0.25"))])
        make_activity(company_a.grid_id, today, 45, "preshift", company_id=company_a.id)
        make_activity(company_a.grid_id, today, 120, "community")
        # A 本周警情 alert for grid 1, live today: the day's quiz carries it.
        admin = db.session.scalar(select(StaffUser).where(StaffUser.username == "admin"))
        target = alerts.Target(db.session.scalar(select(Topic.id)), [company_a.grid_id], today + timedelta(days=3))
        alerts.publish(admin, alerts.save_draft(admin, drafts.draft(), target, today, utcnow()), today)
        db.session.commit()
        if today.isoweekday() != 7:
            for worker in (town.worker_a, town.worker_b):
                take_quiz(db.session.get(Employee, worker), today)


def every_url(app, town) -> list[str]:
    grids = grid_ids(app)
    today = today_in(app)
    first = (today - timedelta(days=59)).isoformat()
    return ["/api/v1/grids", f"/api/v1/grids/{grids['g1']}/days", f"/api/v1/grids/{grids['g1']}/days?from={first}",
            "/api/v1/grids/summary", f"/api/v1/grids/summary?from={first}&to={today.isoformat()}",
            "/api/v1/companies", f"/api/v1/companies?grid_id={grids['g2']}&active=true&limit=1",
            f"/api/v1/companies/{town.company_a}/days", f"/api/v1/companies/{town.company_b}/days?from={first}",
            "/api/v1/companies/summary", f"/api/v1/companies/summary?grid_id={grids['g1']}&limit=1",
            "/api/v1/incidents", f"/api/v1/incidents?grid_id={grids['g1']}&from={first}",
            "/api/v1/outreach", f"/api/v1/outreach?grid_id={grids['g2']}&from={first}",
            "/api/v1/leads", f"/api/v1/leads?grid_id={grids['g1']}&from={first}",
            "/api/v1/learning", f"/api/v1/learning?grid_id={grids['g1']}",
            "/api/v1/alerts", f"/api/v1/alerts?grid_id={grids['g2']}",
            "/api/v1/declines", f"/api/v1/declines?grid_id={grids['g1']}&month={today:%Y-%m}"]


# --- the document --------------------------------------------------------------------------------

def openapi(client) -> dict:
    status, body, _ = call(client, "/api/v1/openapi.json")
    assert status == 200
    return body


def test_the_openapi_document_is_public_and_valid(client, town):
    document = openapi(client)
    validate_spec(document)
    assert document["openapi"].startswith("3.")
    assert document["components"]["securitySchemes"]["bearerToken"] == {**document["components"]["securitySchemes"][
        "bearerToken"], "type": "http", "scheme": "bearer"}


def _documented_form(rule: str) -> str:
    """/api/v1/grids/<int:grid_id>/days -> /api/v1/grids/{grid_id}/days"""
    return re.sub(r"<(?:[a-z_]+:)?([a-z_]+)>", r"{\1}", rule)


def test_the_document_and_the_url_map_match_both_ways(app, client, town):
    document = openapi(client)
    rules = {_documented_form(r.rule): r for r in app.url_map.iter_rules() if r.endpoint.startswith("api.")}
    assert set(rules) == set(document["paths"])
    for path, rule in rules.items():
        operations = document["paths"][path]
        assert set(operations) == {m.lower() for m in rule.methods - {"HEAD", "OPTIONS"}}, path
        parameters = [document["components"]["parameters"][p["$ref"].rsplit("/", 1)[1]]
                      for p in operations["get"].get("parameters", [])]
        assert {p["name"] for p in parameters if p["in"] == "path"} == set(rule.arguments), path
        assert operations["get"]["operationId"] == rule.endpoint.split(".")[1]


def test_every_documented_query_parameter_is_read_by_its_endpoint(app, client, town, token):
    """Each documented parameter is checked by its endpoint (a malformed value is a 400 naming
    it), and together they are accepted (200)."""
    document = openapi(client)
    ids = {"grid_id": str(grid_ids(app)["g1"]), "company_id": str(town.company_a)}
    today = today_in(app).isoformat()
    samples = {"from": today, "to": today, "grid_id": ids["grid_id"], "active": "true", "limit": "5", "offset": "0",
               "month": today[:7], "days": "30"}
    for path, operations in document["paths"].items():
        if path.endswith("openapi.json"):
            continue
        url = re.sub(r"{([a-z_]+)}", lambda m: ids[m.group(1)], path)
        names = [document["components"]["parameters"][p["$ref"].rsplit("/", 1)[1]]["name"]
                 for p in operations["get"]["parameters"]
                 if document["components"]["parameters"][p["$ref"].rsplit("/", 1)[1]]["in"] == "query"]
        status, body, _ = call(client, f"{url}?" + "&".join(f"{n}={samples[n]}" for n in names), token)
        assert status == 200, (url, body)
        for name in names:
            status, body, _ = call(client, f"{url}?{name}=-", token)
            assert (status, body["parameter"]) == (400, name), (url, name, body)


def _validator(document: dict, schema: dict) -> Draft202012Validator:
    # Refs point at #/components/...: validate with the document's components at the root.
    return Draft202012Validator({**schema, "components": document["components"]}, format_checker=FormatChecker())


def _schema_for(document: dict, url: str, status: str) -> dict:
    path = url.split("?")[0]
    for documented, operations in document["paths"].items():
        if re.fullmatch(re.sub(r"{[a-z_]+}", r"[0-9]+", documented), path):
            response = operations["get"]["responses"][status]
            if "$ref" in response:
                response = document["components"]["responses"][response["$ref"].rsplit("/", 1)[1]]
            return response["content"]["application/json"]["schema"]
    raise AssertionError(f"{path} is not documented")


def test_every_answer_matches_its_documented_schema(app, client, town, token):
    history(app, town)
    document = openapi(client)
    for url in every_url(app, town):
        status, body, _ = call(client, url, token)
        assert status == 200, (url, body)
        _validator(document, _schema_for(document, url, "200")).validate(body)
    refusals = [("/api/v1/grids/summary?from=yesterday", "400"), ("/api/v1/companies/999999/days", "404"),
                ("/api/v1/grids", "401")]
    for url, status in refusals:
        got, body, _ = call(client, url, token if status != "401" else "wrong")
        assert str(got) == status, url
        _validator(document, _schema_for(document, url, status)).validate(body)


# --- authentication --------------------------------------------------------------------------

def test_without_a_token_every_endpoint_is_401_with_a_challenge(app, client, town):
    for url in every_url(app, town):
        status, body, headers = call(client, url)
        assert status == 401 and body["error"] == "unauthorized" and body["message"], url
        assert headers["WWW-Authenticate"] == 'Bearer realm="quizapp"'


def test_a_signed_in_session_is_not_a_token(app, client, town):
    sign_in_staff(client, "admin").close()
    status, body, _ = call(client, "/api/v1/grids")
    assert status == 401 and body["error"] == "unauthorized"


def test_an_unknown_or_malformed_token_is_refused(client, town, token):
    for header in (f"Bearer {token}x", f"Basic {token}", token):
        status, body, headers = call(client, "/api/v1/grids", Authorization=header)
        assert status == 401 and body["error"] == "unauthorized"
    assert 'error="invalid_token"' in call(client, "/api/v1/grids", token + "x")[2]["WWW-Authenticate"]


def test_a_revoked_token_is_refused_and_the_town_admin_sees_it_was_tried(app, client, town, token):
    assert call(client, "/api/v1/grids", token)[0] == 200
    with app.app_context():
        row = db.session.scalar(select(ApiToken))
        admin = db.session.scalar(select(StaffUser).where(StaffUser.username == "admin"))
        tokens.revoke_token(admin, row, utcnow())
        db.session.commit()
        token_id = row.id
    status, body, headers = call(client, "/api/v1/grids?x=1", token)
    assert status == 401 and body["error"] == "unauthorized" and 'error="invalid_token"' in headers["WWW-Authenticate"]
    with app.app_context():
        tried = db.session.scalars(select(AuditLog).where(AuditLog.action == "api.revoked_token")).all()
        assert [(t.token_id, t.detail) for t in tried] == [(token_id, "/api/v1/grids?x=1")]


def test_every_read_is_audit_logged_with_the_token_and_marks_it_used(app, client, town, token):
    url = f"/api/v1/grids/summary?from={(today_in(app) - timedelta(days=6)).isoformat()}"
    assert call(client, url, token)[0] == 200
    assert call(client, "/api/v1/companies/999999/days", token)[0] == 404
    with app.app_context():
        row = db.session.scalar(select(ApiToken))
        reads = db.session.scalars(select(AuditLog).where(AuditLog.action == "api.read").order_by(AuditLog.id)).all()
        assert [(r.token_id, r.actor_id, r.detail) for r in reads] == [
            (row.id, None, url), (row.id, None, "/api/v1/companies/999999/days")]
        assert row.last_used_at is not None


def test_the_openapi_document_needs_no_token_and_is_not_logged(app, client, town):
    assert call(client, "/api/v1/openapi.json")[0] == 200
    with app.app_context():
        assert db.session.scalar(select(AuditLog).where(AuditLog.action.like("api.%"))) is None


# --- the answers --------------------------------------------------------------------------------

def test_grids_and_companies(app, client, town, token):
    grids = grid_ids(app)
    status, body, _ = call(client, "/api/v1/grids", token)
    assert status == 200 and body == {"grids": [
        {"id": grids["g1"], "code": "g1", "name": "网格一", "active": True},
        {"id": grids["g2"], "code": "g2", "name": "网格二", "active": True}]}
    status, body, _ = call(client, f"/api/v1/companies?grid_id={grids['g2']}", token)
    assert body["companies"] == [{"id": town.company_b, "code": "bolt", "name": "乙厂", "grid_id": grids["g2"],
                                  "active": True}]
    assert (body["total"], body["limit"], body["offset"], body["next"]) == (1, 100, 0, None)


def test_companies_come_a_page_at_a_time_with_a_link_to_the_next(app, client, town, token):
    status, first, _ = call(client, "/api/v1/companies?limit=1", token)
    assert status == 200 and first["total"] == 2 and len(first["companies"]) == 1
    assert first["next"] == "/api/v1/companies?limit=1&offset=1"
    _, second, _ = call(client, first["next"], token)
    assert second["next"] is None and second["companies"][0]["id"] != first["companies"][0]["id"]


def test_a_company_day_by_day(app, client, town, token):
    history(app, town, days=3)
    today = today_in(app)
    status, body, _ = call(client, f"/api/v1/companies/{town.company_a}/days?from={today.isoformat()}", token)
    assert status == 200 and body["company"]["code"] == "acme"
    assert (body["from"], body["to"], body["days"][0]["date"]) == (today.isoformat(), today.isoformat(),
                                                                   today.isoformat())
    (day,) = body["days"]
    workday = today.isoweekday() != 7
    with app.app_context():
        row = db.session.get(CompanyDay, (town.company_a, today))
        right, answered = (row.common_correct, row.common_answered) if row else (0, 0)
    assert day == {"date": today.isoformat(), "provisional": True, "workday": workday, "headcount": 2,
                   "expected": 2 if workday else 0, "done": 1 if workday else 0,
                   "participation": 0.5 if workday else None, "common_correct": right, "common_answered": answered,
                   "knowledge_index": round(right / answered, 4) if answered else None,
                   "days_with_data": 1}


def test_the_summaries_add_up_grids_companies_and_the_town(app, client, town, token):
    history(app, town, days=7)
    status, body, _ = call(client, "/api/v1/grids/summary", token)
    assert status == 200 and body["day_count"] == 30
    by_code = {g["code"]: g for g in body["grids"]}
    assert by_code["g1"]["companies"] == 1 and by_code["g1"]["done"] * 2 == by_code["g1"]["expected"]
    assert body["town"]["expected"] == by_code["g1"]["expected"] + by_code["g2"]["expected"]
    assert body["town"]["companies"] == 2
    _, companies, _ = call(client, "/api/v1/companies/summary", token)
    assert sum(c["done"] for c in companies["companies"]) == body["town"]["done"]
    assert {c["code"]: c["participation"] for c in companies["companies"]} == {"acme": 0.5, "bolt": 1.0}


def test_incidents_by_month_with_losses_in_yuan(app, client, town, token):
    history(app, town, days=1)
    status, body, _ = call(client, "/api/v1/incidents", token)
    month = today_in(app).strftime("%Y-%m")
    assert status == 200
    assert [(i["month"], i["company_id"], i["fraud_type"], i["cases"], i["loss_yuan"]) for i in body["incidents"]] == [
        (month, None, "other", 1, 0.25), (month, town.company_a, "shuadan", 2, 1234.5)]
    assert body["total"] == {"cases": 3, "loss_yuan": 1234.75, "raw_reports": 0}
    status, body, _ = call(client, f"/api/v1/incidents?grid_id={grid_ids(app)['g2']}", token)
    assert body["incidents"] == [] and body["total"] == {"cases": 0, "loss_yuan": 0.0, "raw_reports": 0}


def test_alerts_with_their_reach_by_grid_and_company(app, client, town, token):
    history(app, town, days=1)
    status, body, _ = call(client, "/api/v1/alerts", token)
    assert status == 200 and len(body["alerts"]) == 1
    alert = body["alerts"][0]
    assert (alert["state"], alert["grids"], alert["fraud_type"]) == ("live", ["g1"], "alpha")
    answered = 1 if today_in(app).isoweekday() != 7 else 0
    # Company A has 2 workers: fewer than 20, so it is added up in its grid, never named.
    assert alert["reach"] == {"workers": answered, "right": answered, "accuracy": 1.0 if answered else None}
    assert [(r["grid"], r["company"], r["workers"]) for r in alert["reach_by_company"]] == [("网格一", None, answered)]
    assert call(client, f"/api/v1/alerts?grid_id={grid_ids(app)['g2']}", token)[1] == {"alerts": []}


def test_outreach_events_and_people_reached_by_grid_kind_and_month(app, client, town, token):
    history(app, town, days=1)
    today = today_in(app)
    status, body, _ = call(client, f"/api/v1/outreach?from={today.replace(day=1)}", token)
    assert status == 200
    assert body["total"] == {"events": 2, "people": 165}
    assert [(g["code"], g["events"], g["people"]) for g in body["grids"]] == [("g1", 2, 165)]
    assert [(k["kind"], k["people"]) for k in body["kinds"]] == [("community", 120), ("preshift", 45)]
    assert body["months"] == [{"month": today.strftime("%Y-%m"), "events": 2, "people": 165}]
    status, body, _ = call(client, f"/api/v1/outreach?grid_id={grid_ids(app)['g2']}", token)
    assert body["total"] == {"events": 0, "people": 0} and body["grids"] == []


def test_workers_reports_by_grid_and_channel(app, client, town, token):
    with app.app_context():
        a, b = db.session.get(Employee, town.worker_a), db.session.get(Employee, town.worker_b)
        make_lead(a, text="冒充客服退款的短信")
        make_lead(make_employee(a.company, "A070", "周八"), text="冒充客服退款的短信", money_lost=True)
        make_lead(a, text="假冒公检法的电话", channel="call")
        make_lead(b, text="刷单返利的聊天", channel="chat")
        make_lead(b, text="上个月的一条短信", day=today_in(app) - timedelta(days=40))
        db.session.commit()
    status, body, _ = call(client, "/api/v1/leads", token)  # the last 30 days
    assert status == 200
    assert body["total"] == {"leads": 3, "reports": 4, "money_lost": 1}
    g1 = body["grids"][0]
    assert (g1["code"], g1["leads"], g1["reports"], g1["money_lost"]) == ("g1", 2, 3, 1)
    assert g1["channels"] == [{"channel": "call", "leads": 1, "reports": 1, "money_lost": 0},
                              {"channel": "sms", "leads": 1, "reports": 2, "money_lost": 1}]
    assert [(c["channel"], c["reports"]) for c in body["channels"]] == [("call", 1), ("sms", 2), ("chat", 1)]
    assert "冒充" not in json.dumps(body, ensure_ascii=False) and "138" not in json.dumps(body)
    status, body, _ = call(client, f"/api/v1/leads?grid_id={grid_ids(app)['g2']}&from="
                                    f"{(today_in(app) - timedelta(days=59)).isoformat()}", token)
    assert body["total"] == {"leads": 2, "reports": 2, "money_lost": 0}


@pytest.mark.parametrize("query, parameter, reason", [
    ("from=2026-13-01", "from", "not_a_date"), ("to=tomorrow", "to", "not_a_date"),
    ("from=2026-03-02&to=2026-03-01", "from", "after_to"), ("from=2024-01-01&to=2025-12-31", "from", "too_long"),
    ("grid_id=x", "grid_id", "not_an_id"), ("limit=0", "limit", "out_of_range"),
    ("from=2026-01-01&from=2026-01-02", "from", "repeated"), ("grid=1", "grid", "unknown")])
def test_a_bad_parameter_is_400_naming_it_and_why(client, town, token, query, parameter, reason):
    status, body, _ = call(client, f"/api/v1/companies/summary?{query}", token)
    assert status == 400
    assert (body["error"], body["parameter"], body["reason"]) == ("bad_parameter", parameter, reason)
    assert body["message"]


def test_a_date_after_today_is_refused(app, client, town, token):
    tomorrow = (today_in(app) + timedelta(days=1)).isoformat()
    status, body, _ = call(client, f"/api/v1/grids/summary?to={tomorrow}", token)
    assert (status, body["parameter"], body["reason"]) == (400, "to", "future")


def test_an_unknown_grid_or_company_is_404_json(client, town, token):
    for url in ("/api/v1/grids/999999/days", "/api/v1/companies/999999/days", "/api/v1/companies?grid_id=999999",
                "/api/v1/companies/summary?grid_id=999999", "/api/v1/incidents?grid_id=999999",
                "/api/v1/outreach?grid_id=999999", "/api/v1/leads?grid_id=999999", "/api/v1/declines?grid_id=999999",
                "/api/v1/learning?grid_id=999999"):
        status, body, _ = call(client, url, token)
        assert status == 404 and body["error"] == "not_found" and body["message"], url


def test_no_answer_ever_holds_a_workers_name_or_number(app, client, town, token):
    history(app, town)
    for url in every_url(app, town) + ["/api/v1/openapi.json"]:
        response = client.get(url, headers={"Authorization": f"Bearer {token}"})
        text = response.get_data(as_text=True)
        response.close()
        assert response.status_code == 200, url
        assert not [w for w in WORKERS if w in text], url


# --- the rate limit ------------------------------------------------------------------------------

@pytest.fixture
def low_limit(app, monkeypatch):
    """Three requests a minute, for this test only (the session's app is shared: monkeypatch restores it)."""
    monkeypatch.setitem(app.config, "QUIZAPP_API_RATE_LIMIT", "3 per minute")


def test_the_rate_limit_counts_per_token_across_endpoints(app, client, town, token, low_limit):
    with app.app_context():
        admin = db.session.scalar(select(StaffUser).where(StaffUser.username == "admin"))
        _, other = tokens.issue_token(admin, "second system", utcnow())
        db.session.commit()
    assert [call(client, url, token)[0] for url in ("/api/v1/grids", "/api/v1/companies", "/api/v1/incidents")] == [
        200, 200, 200]
    status, body, headers = call(client, "/api/v1/grids/summary", token)
    assert status == 429 and body["error"] == "rate_limited" and body["message"]
    assert 0 < int(headers["Retry-After"]) <= 60
    # Same address, another token: its own allowance.
    assert call(client, "/api/v1/grids", other)[0] == 200
    with app.app_context():  # the refused request is not a read
        assert len(db.session.scalars(select(AuditLog).where(AuditLog.action == "api.read")).all()) == 4


def test_the_default_limit_is_configured():
    from quizapp import config

    assert config.from_env()["QUIZAPP_API_RATE_LIMIT"] == "120 per minute"


def test_a_town_token_reads_its_town_only_and_a_city_token_the_towns_counts_only(app, client, token):
    with app.app_context():
        other = make_town_row("hm", "虎门镇")
        hm_grid = make_grid("g1", "虎门网格", town=other)
        hm_company = make_company(hm_grid, "hm-co", "虎门厂")
        make_employee(hm_company, "H001", "陈一")
        hm_admin = make_staff("admin-hm", "town_admin", town=other)
        _, hm_secret = tokens.issue_token(hm_admin, "hm analysis", utcnow())
        city_admin = make_staff("city", "city_admin")
        city_row, city_secret = tokens.issue_token(city_admin, "city analysis", utcnow())
        assert city_row.town_id is None
        db.session.commit()
        hm_grid_id, hm_company_id, hm_town_id = hm_grid.id, hm_company.id, other.id
    assert [g["code"] for g in call(client, "/api/v1/grids", token)[1]["grids"]] == ["g1", "g2"]
    assert [g["name"] for g in call(client, "/api/v1/grids", hm_secret)[1]["grids"]] == ["虎门网格"]
    for url in (f"/api/v1/grids/{hm_grid_id}/days", f"/api/v1/companies/{hm_company_id}/days",
                f"/api/v1/companies?grid_id={hm_grid_id}", f"/api/v1/incidents?grid_id={hm_grid_id}"):
        assert call(client, url, token)[0] == 404, url
    assert {c["code"] for c in call(client, "/api/v1/companies", token)[1]["companies"]} == {"acme", "bolt"}
    assert [t["code"] for t in call(client, "/api/v1/towns", token)[1]["towns"]] == ["dls"]
    status, body, _ = call(client, "/api/v1/towns", city_secret)
    assert status == 200 and [(t["code"], t["companies"], t["workers"]) for t in body["towns"]] == [
        ("dls", 2, 3), ("hm", 1, 1)]
    # A city token reads no town's grids or companies one by one.
    assert call(client, "/api/v1/grids", city_secret)[1]["grids"] == []
    assert call(client, "/api/v1/companies", city_secret)[1]["companies"] == []
    assert call(client, f"/api/v1/grids/{hm_grid_id}/days", city_secret)[0] == 404
    with app.app_context():  # each read is in the audit log of the token's town (the city's: none)
        reads = {row.town_id for row in db.session.scalars(select(AuditLog).where(AuditLog.action == "api.read"))}
        assert reads == {None, hm_town_id, db.session.scalar(select(Grid.town_id).where(Grid.code == "g2"))}
