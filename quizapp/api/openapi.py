"""The OpenAPI 3.1 document of the API (GET /api/v1/openapi.json): every endpoint, its parameters,
its answer's schema, the bearer token scheme and the error answers.

Used by the api.openapi endpoint and by tests/web/test_api.py, which validates the document,
checks it against the url map both ways, and validates real answers against these schemas (so a
field added to api/shapes.py without its schema fails: objects allow no other properties). The
prose for people is docs/api.md; the figures' definitions are docs/metrics.md.
"""

from __future__ import annotations

from quizapp.api.rules import DEFAULT_DAYS, DEFAULT_LIMIT, MAX_DAYS, MAX_ID, MAX_LIMIT, REASONS
from quizapp.rules.definitions import definition_source
from quizapp.rules.vocab import LeadChannel, OutreachKind

VERSION = "1.0.0"

INTEGER = {"type": "integer", "minimum": 0}
ID = {"type": "integer", "minimum": 1, "maximum": MAX_ID}
DATE = {"type": "string", "format": "date"}
SHARE = {"type": ["number", "null"], "minimum": 0, "maximum": 1}
CHANGE = {"type": "number", "minimum": -2, "maximum": 2}
MONTH = {"type": "string", "pattern": r"^\d{4}-\d{2}$", "description": "The month, YYYY-MM."}
# YYYY-MM from 0001-01: what api.rules.parse_month reads (a month after this one is refused as "future").
MONTH_PARAMETER = r"^([0-9]{3}[1-9]|[0-9]{2}[1-9][0-9]|[0-9][1-9][0-9]{2}|[1-9][0-9]{3})-(0[1-9]|1[0-2])$"
NUMBER = {"type": "number", "minimum": 0}
NULLABLE_NUMBER = {"type": ["number", "null"], "minimum": 0}
PERCENT = {"type": ["integer", "null"], "description": "Change in whole percent of the earlier figure (rounded half "
                                                       "up); null when not compared or the earlier figure is 0."}
VERDICT = {"type": ["boolean", "null"], "description": "Declined: lower than a year earlier (the same is not a "
                                                       "decline); null when not compared."}


def _object(description: str, properties: dict, optional: tuple = ()) -> dict:
    """An object with exactly these properties (all required unless named optional)."""
    return {"type": "object", "description": description, "properties": properties,
            "required": [name for name in properties if name not in optional], "additionalProperties": False}


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _described(schema: dict, description: str) -> dict:
    return {**schema, "description": description}


FIGURES = {
    "expected": _described(INTEGER, "Quizzes expected: active workers summed over the workdays with data "
                                    "(unit: quizzes)."),
    # The one definition of done and of participation (quizapp.wording, docs/metrics.md), in English.
    "done": _described(INTEGER, f"{definition_source('done')} On the workdays with data, each company-day capped "
                                "at its headcount (unit: quizzes)."),
    "participation": _described(SHARE, f"{definition_source('participation')} 0..1; null when nothing was "
                                       "expected."),
    "common_correct": _described(INTEGER, "Right first tries at the town's common daily set (a "
                                                 "question the worker met before is left out)."),
    "common_answered": _described(INTEGER, "First tries at the town's common daily set."),
    "knowledge_index": _described(SHARE, "The knowledge index (知识指数): common_correct ÷ common_answered, first "
                                         "tries only, 0..1; null when nothing was answered."),
    "days_with_data": _described(INTEGER, "Company-days with data: a past date counts when the company has its "
                                          "daily rollup row, today always. A date without data is left out of "
                                          "every sum above (it is not a day of 0%)."),
}
RANGE = {
    "from": _described(DATE, "First local date of the range (Asia/Shanghai)."),
    "to": _described(DATE, "Last local date of the range, included."),
    "day_count": _described({"type": "integer", "minimum": 1, "maximum": MAX_DAYS}, "Dates in the range."),
}
PAGE = {
    "total": _described(INTEGER, "How many match, on all pages."),
    "limit": _described({"type": "integer", "minimum": 1, "maximum": MAX_LIMIT}, "Page size asked for."),
    "offset": _described(INTEGER, "Where this page starts."),
    "next": _described({"type": ["string", "null"], "format": "uri-reference"},
                       "The next page's URL, or null on the last page."),
}
GRID = {"id": ID, "code": {"type": "string"}, "name": {"type": "string"},
        "active": {"type": "boolean", "description": "False once the town admin deactivated the grid."}}
COMPANY = {"id": ID, "code": {"type": "string", "description": "The code in the company's QR code."},
           "name": {"type": "string"}, "grid_id": ID,
           "active": {"type": "boolean", "description": "False once the company was deactivated."}}
PROVISIONAL = {"type": "boolean", "description": "True for today: its figures are still counting."}
# A town's line in TownFigures (after FIGURES, below).
TOWN_FIGURES: dict = {}

TOWN_FIGURES.update({
    "companies": _described(INTEGER, "Active companies."),
    "workers": _described({"type": ["integer", "null"], "minimum": 0}, "Workers active on the period's last day "
                                                                        "with data (null: no day with data)."),
    **FIGURES,
    "declines": {"type": "array", "description": "raw_reports, cases, loss_yuan, in that order.",
                 "items": _object("One figure of the month against the same month a year earlier.", {
                     "figure": {"enum": ["raw_reports", "cases", "loss_yuan"]},
                     "month": NUMBER, "month_last_year": NUMBER, "month_change": PERCENT,
                     "month_declined": VERDICT})},
})

SCHEMAS = {
    "Error": _object("An error.", {
        "error": {"type": "string", "description": "A stable code: unauthorized, not_found, rate_limited, ..."},
        "message": {"type": "string", "description": "What went wrong, for people (Chinese by default)."}}),
    "ParameterError": _object("A query parameter was refused.", {
        "error": {"const": "bad_parameter"}, "parameter": {"type": "string", "description": "The parameter."},
        "reason": {"enum": list(REASONS)}, "message": {"type": "string"}}),
    "Grid": _object("A grid (网格).", GRID),
    "Company": _object("A company.", COMPANY),
    "GridList": _object("Every grid, by code.", {"grids": {"type": "array", "items": _ref("Grid")}}),
    "TownList": _object("The towns the token reads, by code: a town's token its own, a city token every town.", {
        "towns": {"type": "array", "items": _object("A town (镇/街道) as counts.", {
            "id": ID, "code": {"type": "string"}, "name": {"type": "string"},
            "grids": _described(INTEGER, "Active grids."),
            "companies": _described(INTEGER, "Active companies."),
            "workers": _described(INTEGER, "Workers on the active companies' rosters today (active headcount).")})}}),
    "TownsCompared": _object("The towns compared side by side (the city page, /reports/city): participation "
                           "and the knowledge index over complete days before today (read from the towns' "
                           "daily rollup; today is never in the period), companies, workers, and the three "
                           "declines of a month year on year; a town's token gets its own town only. A town's "
                           "figures are those GET /api/v1/grids/summary gives its token for the same dates.", {
        "from": _described(DATE, "First date of the period."),
        "to": _described(DATE, "Last date of the period: yesterday."),
        "day_count": _described({"type": "integer", "minimum": 1, "maximum": 90}, "Dates in the period."),
        "month": _described(MONTH, "The month of the declines."),
        "partial": {"type": "boolean", "description": "The month is in progress: shown, not compared."},
        "towns": {"type": "array", "items": _object("A town, by code.", {
            "id": ID, "code": {"type": "string"}, "name": {"type": "string"}, **TOWN_FIGURES})},
        "total": _object("The towns added up: counts summed, shares divided once.", TOWN_FIGURES)}),
    "CompanyPage": _object("A page of companies, by id.", {
        "companies": {"type": "array", "items": _ref("Company")}, **PAGE}),
    "GridDay": _object("A grid's companies on one date, added up.", {
        "date": DATE, "provisional": PROVISIONAL,
        "companies": _described(INTEGER, "Active companies with figures that day."),
        "workday_companies": _described(INTEGER, "Of those, companies for which it was a workday."),
        "headcount": _described(INTEGER, "Active workers of those companies (workday or not)."), **FIGURES}),
    "GridDays": _object("A grid day by day (dates without figures are left out).", {
        "grid": _ref("Grid"), **RANGE, "days": {"type": "array", "items": _ref("GridDay")}}),
    "CompanyDay": _object("A company on one date.", {
        "date": DATE, "provisional": PROVISIONAL,
        "workday": {"type": "boolean", "description": "A day the company expects the quiz."},
        "headcount": _described(INTEGER, "Active workers that day; expected equals it on a workday, 0 on a day off."),
        **FIGURES}),
    "CompanyDays": _object("A company day by day (dates without figures are left out).", {
        "company": _ref("Company"), **RANGE, "days": {"type": "array", "items": _ref("CompanyDay")}}),
    "GridFigures": _object("A grid over the range: its active companies summed, then divided once.", {
        **GRID, "companies": _described(INTEGER, "Active companies in the grid."), **FIGURES}),
    "TownFigures": _object("The town over the range.", {
        "companies": _described(INTEGER, "Active companies in the town."), **FIGURES}),
    "GridSummary": _object("Every grid over the range, and the town.", {
        **RANGE, "grids": {"type": "array", "items": _ref("GridFigures")}, "town": _ref("TownFigures")}),
    "CompanyFigures": _object("A company over the range.", {
        "id": ID, "code": COMPANY["code"], "name": {"type": "string"}, "grid_id": ID, **FIGURES}),
    "CompanySummary": _object("A page of active companies over the range, by id.", {
        **RANGE, "companies": {"type": "array", "items": _ref("CompanyFigures")}, **PAGE}),
    "Incident": _object("Confirmed cases (确认警情) and losses of one month (the month the cases happened), grid, "
                        "company and fraud type.", {
        "month": {"type": "string", "pattern": r"^\d{4}-\d{2}$", "description": "The month, YYYY-MM."},
        "grid_id": ID,
        "company_id": {"type": ["integer", "null"], "minimum": 1, "maximum": MAX_ID,
                       "description": "null: recorded for the whole grid, not for one company."},
        "fraud_type": {"type": "string", "description": "A topic slug of the question bank, or \"other\"."},
        "cases": _described(INTEGER, "Confirmed cases (确认警情)."),
        "loss_yuan": {"type": "number", "minimum": 0, "description": "Losses in yuan (two decimals)."},
        "raw_reports": _described(INTEGER, "Raw reports (原始警情), confirmed or not; 0 where not recorded.")}),
    "AlertReach": _object("Workers who answered an alert's question in an official quiz (once each), and how many "
                          "got it right: their first try.", {
        "workers": INTEGER, "right": INTEGER,
        "accuracy": _described(SHARE, "right ÷ workers, 0..1; null when nobody answered yet.")}),
    "Alert": _object("A published 本周警情 alert (docs/metrics.md, \"Alerts\").", {
        "id": ID, "title": {"type": "string"},
        "fraud_type": _described({"type": "string"}, "The topic slug of the question bank it is filed under."),
        "state": {"type": "string", "enum": ["live", "expired", "withdrawn"]},
        "published_on": DATE, "expires_on": _described(DATE, "Its last day in the quiz."),
        "withdrawn_on": {"type": ["string", "null"], "format": "date"},
        "grids": {"type": "array", "items": {"type": "string"}, "description": "Codes of the grids it targets."},
        "reach": _ref("AlertReach"),
        "reach_by_grid": {"type": "array", "items": {
            "type": "object", "additionalProperties": False, "required": ["grid", "workers", "right", "accuracy"],
            "properties": {"grid": {"type": "string"}, "workers": INTEGER, "right": INTEGER, "accuracy": SHARE}}},
        "reach_by_company": {"type": "array", "description": "Companies of 20 workers or more by name; smaller ones "
                                                             "added up per grid, with company null.", "items": {
            "type": "object", "additionalProperties": False,
            "required": ["grid", "company", "workers", "right", "accuracy"],
            "properties": {"grid": {"type": "string"}, "company": {"type": ["string", "null"]},
                           "workers": INTEGER, "right": INTEGER, "accuracy": SHARE}}}}),
    "Alerts": _object("Every published alert, newest first.", {"alerts": {"type": "array", "items": _ref("Alert")}}),
    "Incidents": _object("Incidents of every month the range touches.", {
        **RANGE, "incidents": {"type": "array", "items": _ref("Incident")},
        "total": _object("Over all the rows.", {"cases": INTEGER, "loss_yuan": {"type": "number", "minimum": 0},
                                                "raw_reports": INTEGER})}),
    "Declines": _object("The three declines (原始警情, 确认警情, 损失金额) of a month and of the year to date "
                        "against the "
                        "same periods a year earlier, like with like (docs/metrics.md, \"Year on year\"), and each "
                        "grid's months without a case.", {
        "month": MONTH,
        "partial": {"type": "boolean", "description": "The month is still in progress: incidents are recorded by "
                                                      "month, so it is shown but not compared (its changes and "
                                                      "declines are null) and the year to date runs through the "
                                                      "last complete month."},
        "year_to_date": {"oneOf": [{"type": "null"}, _object("The months of the year to date.", {
            "from": MONTH, "to": MONTH})], "description": "null: no complete month of this year yet (January "
                                                             "while it is in progress)."},
        "figures": {"type": "array", "description": "raw_reports, cases, loss_yuan, in that order.",
                    "items": _object("One figure year on year.", {
                        "figure": {"enum": ["raw_reports", "cases", "loss_yuan"],
                                   "description": "raw_reports: 原始警情 (reports received, confirmed or not); "
                                                  "cases: 确认警情 (confirmed fraud cases); loss_yuan: 损失金额."},
                        "month": _described(NUMBER, "The month's figure (so far, when partial)."),
                        "month_last_year": _described(NUMBER, "The same month a year earlier, whole."),
                        "month_change": _described(PERCENT, "Change in whole percent of last year's figure; "
                                                            "null when not compared or last year had none."),
                        "month_declined": _described(VERDICT, "Lower than a year earlier; null when not compared "
                                                              "(partial) or nothing either year."),
                        "year_to_date": _described(NULLABLE_NUMBER, "January through the last month of the year "
                                                                    "to date; null without one."),
                        "ytd_last_year": _described(NULLABLE_NUMBER, "The same months a year earlier."),
                        "ytd_change": PERCENT, "ytd_declined": VERDICT})},
        "grids": {"type": "array", "description": "Every grid (or the one asked for), by code.",
                  "items": _object("A grid's months without a case, up to the month asked for.", {
                      "grid_id": ID, "code": {"type": "string"}, "name": {"type": "string"},
                      "last_case_month": {"type": ["string", "null"], "pattern": r"^\d{4}-\d{2}$",
                                          "description": "The last month with a confirmed case; null: none recorded."},
                      "months_without_case": _described({"type": ["integer", "null"], "minimum": 0},
                                                        "Months since the grid's last case (网格距上次发案月数): "
                                                        "whole months from the last month with a case to the "
                                                        "month asked for; null: no case recorded."),
                      "zero_case_months": _described({"type": ["integer", "null"], "minimum": 0},
                                                     "Zero-case months in a row (连续零发案整月数): complete "
                                                     "months in a row without a case, "
                                                     "ending with the last month that is over; null: no case "
                                                     "recorded.")})}}),
    "OutreachTotals": _object("Outreach events and people reached (docs/metrics.md).", {
        "events": _described(INTEGER, "Activities recorded in the outreach ledger, each counted once."),
        "people": _described(INTEGER, "People reached, as each activity recorded them, added up.")}),
    "Outreach": _object("The outreach ledger over the range: in all, by grid, by kind and by month.", {
        **RANGE, "total": _ref("OutreachTotals"),
        "grids": {"type": "array", "description": "Grids with an activity in the range, by code.", "items": {
            "type": "object", "additionalProperties": False,
            "required": ["grid_id", "code", "name", "events", "people"],
            "properties": {"grid_id": ID, "code": {"type": "string"}, "name": {"type": "string"},
                           "events": INTEGER, "people": INTEGER}}},
        "kinds": {"type": "array", "description": "Kinds with an activity in the range.", "items": {
            "type": "object", "additionalProperties": False, "required": ["kind", "events", "people"],
            "properties": {"kind": {"type": "string", "enum": [k.value for k in OutreachKind]},
                           "events": INTEGER, "people": INTEGER}}},
        "months": {"type": "array", "description": "Every month the range touches (only its days in the range).",
                   "items": {"type": "object", "additionalProperties": False, "required": ["month", "events", "people"],
                             "properties": {"month": {"type": "string", "pattern": r"^\d{4}-\d{2}$"},
                                            "events": INTEGER, "people": INTEGER}}}}),
    "LeadTotals": _object("Workers' reports (docs/metrics.md, \"Workers' reports\").", {
        "leads": _described(INTEGER, "Different scams reported with a report in the range (the same text in a grid "
                                     "is one lead)."),
        "reports": _described(INTEGER, "Reports received in the range (a worker's repeat of their own report on the "
                                       "same day is not counted)."),
        "money_lost": _described(INTEGER, "Leads with a report in the range that said money was lost.")}),
    "LeadChannel": _object("Workers' reports of one channel.", {
        "channel": {"type": "string", "enum": [c.value for c in LeadChannel]},
        "leads": INTEGER, "reports": INTEGER, "money_lost": INTEGER}),
    "Leads": _object("Workers' reports of scams (我遇到过类似的骗局) over the range, counted by grid and channel: "
                     "never a text, a number or a worker.", {
        **RANGE, "total": _ref("LeadTotals"),
        "grids": {"type": "array", "description": "Grids with a report in the range, by code.", "items": _object(
            "A grid's reports, in all and by channel.", {
                "grid_id": ID, "code": {"type": "string"}, "name": {"type": "string"},
                "leads": INTEGER, "reports": INTEGER, "money_lost": INTEGER,
                "channels": {"type": "array", "items": _ref("LeadChannel")}})},
        "channels": {"type": "array", "description": "Channels with a report in the range.",
                     "items": _ref("LeadChannel")}}),
    "Share": _object("Right answers of answered, the share right and its 95 % Wilson interval.", {
        "answered": INTEGER, "right": INTEGER, "share": SHARE,
        "low": _described(SHARE, "Lower end of the 95 % interval; null when nothing was answered."),
        "high": _described(SHARE, "Upper end of the 95 % interval; null when nothing was answered.")}),
    "Estimate": {"oneOf": [{"type": "null"}, _object("A change in share right (-1..1: +0.05 is 5 points) with its 95 % "
                                                      "interval; null when there are too few to estimate.", {
        "value": CHANGE, "low": CHANGE, "high": CHANGE,
        "units": _described(INTEGER, "What it rests on: workers (probe) or answers (sharing).")})]},
    "MonthShare": _object("First tries at the common set in one calendar month (this month so far).", {
        "month": MONTH, "answered": INTEGER, "right": INTEGER, "share": SHARE, "low": SHARE, "high": SHARE}),
    "Learning": _object("Whether workers learn (docs/metrics.md, \"Learning\"): the town's, or one grid's.", {
        "first_tries": _object("The knowledge index (知识指数: right first tries ÷ first tries at the common set) by "
                               "grid and month.", {
            "grids": {"type": "array", "items": _object("A grid's months.", {
                "grid_id": ID, "name": {"type": "string"},
                "months": {"type": "array", "items": _ref("MonthShare")}})},
            "total": {"type": "array", "items": _ref("MonthShare"), "description": "Every grid added up."}}),
        "retention": {"type": "array", "description": "The forgetting curve: accuracy on questions answered before, "
                                                      "by days since last answered (official quizzes, last 365 days).",
                      "items": _object("One bucket of days.", {
                          "days_from": INTEGER,
                          "days_to": {"type": ["integer", "null"], "minimum": 0,
                                      "description": "Last day of the bucket, included; null: no upper end."},
                          "answered": INTEGER, "right": INTEGER, "share": SHARE, "low": SHARE, "high": SHARE})},
        "probe": _object("The before/after probe: the within-worker change in share right, counterbalanced.", {
            "workers_started": _described(INTEGER, "Workers who answered a probe question."),
            "workers_paired": _described(INTEGER, "Of them, workers who answered both halves."),
            "estimate": _ref("Estimate"),
            "by_lag": {"type": "array", "items": _object("Workers with one lag.", {
                "lag_days": {"enum": [30, 90, 180]}, "estimate": _ref("Estimate")})}}),
        "sharing": {"type": "array", "description": "Per company over the 30 days before today: early and late "
                                                    "finishers of each day on common and personal questions.",
                    "items": _object("A company.", {
                        "company_id": ID, "name": {"type": "string"}, "grid_id": ID,
                        "early_common": _ref("Share"), "late_common": _ref("Share"),
                        "early_personal": _ref("Share"), "late_personal": _ref("Share"),
                        "gap": _ref("Estimate"),
                        "flagged": {"type": "boolean",
                                    "description": "The gap's 95 % interval excludes zero."}})}}),
    "OpenAPI": {"type": "object", "description": "This document."},
}


def _query(name: str, description: str, schema: dict) -> dict:
    return {"name": name, "in": "query", "required": False, "description": description, "schema": schema}


def _path(name: str, description: str) -> dict:
    return {"name": name, "in": "path", "required": True, "description": description, "schema": ID}


PARAMETERS = {
    "from": _query("from", f"First local date, YYYY-MM-DD. Default: {DEFAULT_DAYS} days ending at `to`. "
                           f"At most {MAX_DAYS} days before `to`, not after it.", DATE),
    "to": _query("to", "Last local date, YYYY-MM-DD, included. Default: today; not after today.", DATE),
    "month": _query("month", "The month, YYYY-MM. Default: this month (in progress: shown, not compared); "
                             "not after this month.", {"type": "string", "pattern": MONTH_PARAMETER}),
    "declines_month": _query("month", "The month of the declines, YYYY-MM. Default: the last complete month; "
                                      "not after this month.", {"type": "string", "pattern": MONTH_PARAMETER}),
    "days": _query("days", "The period: the 7, 30 or 90 complete days before today. Default 30.",
                   {"type": "integer", "enum": [7, 30, 90], "default": 30}),
    "grid_id": _query("grid_id", "Only this grid's (404 if there is no such grid).", ID),
    "active": _query("active", "true: active companies only; false: deactivated only. Default: both.",
                     {"type": "boolean"}),
    "limit": _query("limit", f"Page size, 1–{MAX_LIMIT}. Default {DEFAULT_LIMIT}.",
                    {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT, "default": DEFAULT_LIMIT}),
    "offset": _query("offset", "Where the page starts. Default 0.",
                     {"type": "integer", "minimum": 0, "maximum": MAX_ID, "default": 0}),
    "grid_id_path": _path("grid_id", "The grid's id (GET /api/v1/grids)."),
    "company_id_path": _path("company_id", "The company's id (GET /api/v1/companies)."),
}


def _error(description: str, schema: str = "Error", headers: dict | None = None) -> dict:
    response = {"description": description, "content": {"application/json": {"schema": _ref(schema)}}}
    return {**response, "headers": headers} if headers else response


RESPONSES = {
    "BadParameter": _error("A query parameter was refused; `parameter` names it.", "ParameterError"),
    "Unauthorized": _error("No token, an unknown one, or a revoked one.", headers={"WWW-Authenticate": {
        "description": "Bearer realm=\"quizapp\" (with error=\"invalid_token\" for a bad token).",
        "schema": {"type": "string"}}}),
    "NotFound": _error("No grid or company has that id."),
    "RateLimited": _error("Too many requests with this token.", headers={"Retry-After": {
        "description": "Seconds to wait.", "schema": {"type": "integer"}}}),
}

# endpoint: (path, summary, parameters, answer schema, can be 404)
ENDPOINTS = {
    "api.towns": ("/api/v1/towns", "The towns the token reads, as counts", [], "TownList", False),
    "api.towns_figures": ("/api/v1/towns/figures", "The towns compared: participation, knowledge and the three "
                          "declines per town, and their total", ["days", "declines_month"], "TownsCompared", False),
    "api.grids": ("/api/v1/grids", "Every grid", [], "GridList", False),
    "api.grid_days": ("/api/v1/grids/{grid_id}/days", "A grid's figures day by day",
                      ["grid_id_path", "from", "to"], "GridDays", True),
    "api.grids_summary": ("/api/v1/grids/summary", "Every grid's figures over a range, and the town's",
                          ["from", "to"], "GridSummary", False),
    "api.companies": ("/api/v1/companies", "Companies, a page at a time",
                      ["grid_id", "active", "limit", "offset"], "CompanyPage", True),
    "api.company_days": ("/api/v1/companies/{company_id}/days", "A company's figures day by day",
                         ["company_id_path", "from", "to"], "CompanyDays", True),
    "api.companies_summary": ("/api/v1/companies/summary", "Active companies' figures over a range",
                              ["from", "to", "grid_id", "limit", "offset"], "CompanySummary", True),
    "api.learning": ("/api/v1/learning", "Whether workers learn: first tries, retention, the probe, answer sharing",
                     ["grid_id"], "Learning", True),
    "api.alerts": ("/api/v1/alerts", "本周警情: every published alert and its reach by grid and company",
                   ["grid_id"], "Alerts", True),
    "api.incidents": ("/api/v1/incidents", "Confirmed cases and losses by month, grid, company and fraud type",
                      ["from", "to", "grid_id"], "Incidents", True),
    "api.declines": ("/api/v1/declines", "The three declines (原始警情, 确认警情, 损失金额) year on year, and "
                     "each grid's months without a case", ["month", "grid_id"], "Declines", True),
    "api.outreach": ("/api/v1/outreach", "Outreach events and people reached by grid, kind and month",
                     ["from", "to", "grid_id"], "Outreach", True),
    "api.leads": ("/api/v1/leads", "Workers' reports of scams: leads and reports by grid and channel",
                  ["from", "to", "grid_id"], "Leads", True),
}


def _operation(endpoint: str, summary: str, parameters: list[str], schema: str, can_404: bool) -> dict:
    responses = {"200": {"description": summary, "content": {"application/json": {"schema": _ref(schema)}}},
                 "400": {"$ref": "#/components/responses/BadParameter"},
                 "401": {"$ref": "#/components/responses/Unauthorized"},
                 "429": {"$ref": "#/components/responses/RateLimited"}}
    if can_404:
        responses["404"] = {"$ref": "#/components/responses/NotFound"}
    return {"operationId": endpoint.split(".")[1], "summary": summary, "tags": ["figures"],
            "parameters": [{"$ref": f"#/components/parameters/{name}"} for name in parameters],
            "responses": responses}


def document() -> dict:
    """The whole document, as JSON-ready data."""
    paths = {path: {"get": _operation(endpoint, summary, params, schema, can_404)}
             for endpoint, (path, summary, params, schema, can_404) in ENDPOINTS.items()}
    paths["/api/v1/openapi.json"] = {"get": {
        "operationId": "openapi", "summary": "This document (no token needed)", "tags": ["about"], "security": [],
        "responses": {"200": {"description": "The OpenAPI document.",
                              "content": {"application/json": {"schema": _ref("OpenAPI")}}}}}}
    return {
        "openapi": "3.1.0",
        "info": {"title": "quizapp: figures for the town's analysis system", "version": VERSION,
                 "description": "Read-only aggregates of the pre-shift anti-fraud quiz: grids and companies, "
                                "participation and knowledge index by day and over a range, fraud incidents "
                                "by month, the three declines year on year and each grid's months without a "
                                "case, the outreach ledger's events and people reached, and workers' reports "
                                "of scams by grid and channel. Never a worker's name, number or answer. "
                                "Dates are the town's local dates (Asia/Shanghai), "
                                "ISO 8601. Shares are 0..1, null when undefined. "
                                "Definitions: docs/metrics.md; guide: docs/api.md."},
        "servers": [{"url": "/"}],
        "security": [{"bearerToken": []}],
        "tags": [{"name": "figures", "description": "Aggregates read from the daily rollup and incidents."},
                 {"name": "about", "description": "This document."}],
        "paths": paths,
        "components": {
            "securitySchemes": {"bearerToken": {
                "type": "http", "scheme": "bearer",
                "description": "A token issued by a town admin (Administration → API tokens: it reads that "
                               "town only) or by the city admin (a city token: it reads every town's "
                               "counts, no town's grids or companies). Send it as "
                               "`Authorization: Bearer <token>`. Requests are rate limited per token."}},
            "parameters": PARAMETERS,
            "responses": RESPONSES,
            "schemas": SCHEMAS,
        },
    }
