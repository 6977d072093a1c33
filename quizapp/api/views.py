"""The API blueprint (/api/v1): every endpoint needs `Authorization: Bearer <token>` (issued by
the town admin, tokens.service); a signed-in browser session does not count. Requests are rate
limited per token (QUIZAPP_API_RATE_LIMIT), every authenticated request is written to the audit
log, and every error is JSON {"error": code, "message": text}.

The guard, the limit and the error handler are declared once here; each endpoint is a few lines
that parse the query (api.rules), call api.service and shape the answer (api/shapes.py).
"""

from __future__ import annotations

from flask import Blueprint, current_app, g, jsonify, request, url_for
from flask_babel import gettext as _
from flask_limiter.util import get_remote_address
from werkzeug.exceptions import HTTPException

from quizapp.api import service, shapes
from quizapp.api.openapi import document
from quizapp.api.rules import PAGING, RANGE, ParameterError, parse_bearer, parse_query, token_digest
from quizapp.api.wording import MESSAGES
from quizapp.citycompare import service as city_figures
from quizapp.clock import local_today, utcnow
from quizapp.extensions import csrf, db, limiter
from quizapp.tokens import service as tokens
from quizapp.towns import service as town_figures
from quizapp.wording import say

bp = Blueprint("api", __name__, url_prefix="/api/v1")
# Read-only, and authenticated by a header a cross-site form cannot send: no CSRF token needed.
csrf.exempt(bp)

PUBLIC = {"api.openapi"}
REALM = 'Bearer realm="quizapp"'


def _rate_limit() -> str:
    return current_app.config["QUIZAPP_API_RATE_LIMIT"]


def _rate_key() -> str:
    """Per token: the analysis system may run from any address, and one address may hold several
    tokens. Without a token, per address (only 401s and the OpenAPI document are served then)."""
    token = parse_bearer(request.headers.get("Authorization"))
    return f"api-token:{token_digest(token)}" if token else f"api-address:{get_remote_address()}"


# One bucket for the whole API per token, not one per endpoint.
limiter.shared_limit(_rate_limit, scope="api", key_func=_rate_key)(bp)


class ApiError(Exception):
    """A refusal the API words itself: the HTTP status, a stable code and a message."""

    def __init__(self, status: int, code: str, message: str, challenge: str | None = None):
        super().__init__(message)
        self.status, self.code, self.message, self.challenge = status, code, message, challenge


def _unauthorized(failure: str) -> ApiError:
    message = {"missing": _("Send the API token in the header Authorization: Bearer <token>."),
               "unknown": _("This API token is not known. Ask the town administrator for a token."),
               "revoked": _("This API token has been revoked. Ask the town administrator for a new one.")}[failure]
    # RFC 6750: no token at all gets the bare challenge; a bad one says why.
    return ApiError(401, "unauthorized", message,
                    challenge=REALM if failure == "missing" else f'{REALM}, error="invalid_token"')


@bp.before_request
def _authenticate():
    """The blueprint's guard: a valid, unrevoked token. A read is audit-logged and committed here,
    before the endpoint runs, so it is recorded even if answering fails."""
    if request.endpoint in PUBLIC:
        return None
    check = tokens.authenticate(parse_bearer(request.headers.get("Authorization")))
    detail = request.full_path.rstrip("?")
    if check.failure is not None:
        current_app.logger.warning("API request refused (%s token) from %s: %s", check.failure,
                                   get_remote_address(), detail)
        if check.failure == "revoked" and check.token is not None:
            tokens.record_revoked_use(check.token, detail)
            db.session.commit()
        raise _unauthorized(check.failure)
    if check.token is None:  # authenticate() names a failure whenever it finds no token
        raise _unauthorized("unknown")
    tokens.record_read(check.token, detail, utcnow())
    db.session.commit()
    g.api_reader = service.reader_for(check.token)
    return None


def _reader() -> service.TokenReader:
    """Whom this request's token reads as (set by the guard above)."""
    return g.api_reader


@bp.after_request
def _no_store(response):
    # Answers read with a token: no shared cache may keep them.
    response.headers.setdefault("Cache-Control", "no-store")
    return response


@bp.errorhandler(ApiError)
def _api_error(error: ApiError):
    response = jsonify(error=error.code, message=error.message)
    response.status_code = error.status
    if error.challenge:
        response.headers["WWW-Authenticate"] = error.challenge
    return response


@bp.errorhandler(ParameterError)
def _bad_parameter(error: ParameterError):
    response = jsonify(error="bad_parameter", parameter=error.parameter, reason=error.reason,
                       message=say(error, MESSAGES))
    response.status_code = 400
    return response


ERROR_CODES = {400: "bad_request", 401: "unauthorized", 404: "not_found", 405: "method_not_allowed",
               429: "rate_limited"}


@bp.errorhandler(HTTPException)
def _http_error(error: HTTPException):
    """Any other refusal on an API route (the rate limit, mostly) in the same JSON shape; the
    limiter adds Retry-After and the X-RateLimit-* headers to the response."""
    if error.code == 429:
        message = _("Too many requests with this token (at most %(limit)s). Wait the seconds in the "
                    "Retry-After header.", limit=_rate_limit())
    else:
        message = error.description or ""
    response = jsonify(error=ERROR_CODES.get(error.code or 500, "error"), message=message)
    response.status_code = error.code or 500
    return response


def _not_found(message: str) -> ApiError:
    return ApiError(404, "not_found", message)


def _query(*accepted: str):
    return parse_query(request.args.to_dict(flat=False), accepted, local_today())


def _grid_or_404(grid_id: int):
    grid = service.get_grid(_reader(), grid_id)
    if grid is None:
        raise _not_found(_("No grid has the id %(id)s.", id=grid_id))
    return grid


def _next_url(paging, total: int) -> str | None:
    following = paging.next_offset(total)
    if following is None or request.endpoint is None:  # no endpoint: a request no route matched
        return None
    args = {**request.args.to_dict(), "offset": following, "limit": paging.limit}
    return url_for(request.endpoint, **(request.view_args or {}), **args)


@bp.get("/openapi.json")
def openapi():
    """The OpenAPI 3 document (public: it says what the API answers, never any figure)."""
    return jsonify(document())


@bp.get("/towns")
def towns():
    return jsonify(towns=[shapes.town(row) for row in town_figures.town_rows(_reader(), local_today())])


@bp.get("/towns/figures")
def towns_figures():
    query = _query("days", "month")
    month = query.month if "month" in request.args else None  # none given: the last complete month
    return jsonify(shapes.town_figures(city_figures.town_figures(_reader(), local_today(), query.days or 30, month)))


@bp.get("/grids")
def grids():
    return jsonify(grids=[shapes.grid(g) for g in service.list_grids(_reader())])


@bp.get("/grids/<id:grid_id>/days")
def grid_days(grid_id: int):
    grid = _grid_or_404(grid_id)
    query = _query(*RANGE)
    lines = service.grid_days(_reader(), grid, query.range, local_today(), utcnow())
    return jsonify(grid=shapes.grid(grid), **shapes.range_of(query.range),
                   days=[shapes.grid_day(line) for line in lines])


@bp.get("/companies")
def companies():
    query = _query("grid_id", "active", *PAGING)
    if query.grid_id is not None:
        _grid_or_404(query.grid_id)
    rows, total = service.list_companies(_reader(), query.grid_id, query.active, query.paging)
    return jsonify(companies=[shapes.company(c) for c in rows],
                   **shapes.page(query.paging, total, _next_url(query.paging, total)))


@bp.get("/companies/<id:company_id>/days")
def company_days(company_id: int):
    company = service.get_company(_reader(), company_id)
    if company is None:
        raise _not_found(_("No company has the id %(id)s.", id=company_id))
    query = _query(*RANGE)
    lines = service.company_days(company, query.range, local_today(), utcnow())
    return jsonify(company=shapes.company(company), **shapes.range_of(query.range),
                   days=[shapes.company_day(line) for line in lines])


@bp.get("/grids/summary")
def grids_summary():
    query = _query(*RANGE)
    lines, town, companies_count = service.grid_summary(_reader(), query.range, local_today(), utcnow())
    return jsonify(**shapes.range_of(query.range), grids=[shapes.grid_line(line) for line in lines],
                   town=shapes.town_line(town, companies_count))


@bp.get("/companies/summary")
def companies_summary():
    query = _query(*RANGE, "grid_id", *PAGING)
    if query.grid_id is not None:
        _grid_or_404(query.grid_id)
    lines, total = service.company_summary(_reader(), query.range, local_today(), query.grid_id, query.paging,
                                           utcnow())
    return jsonify(**shapes.range_of(query.range), companies=[shapes.company_line(line) for line in lines],
                   **shapes.page(query.paging, total, _next_url(query.paging, total)))


@bp.get("/learning")
def learning():
    query = _query("grid_id")
    if query.grid_id is not None:
        _grid_or_404(query.grid_id)
    view = service.learning(_reader(), query.grid_id, local_today(), utcnow())
    return jsonify(shapes.learning(view))


@bp.get("/alerts")
def alerts():
    query = _query("grid_id")
    if query.grid_id is not None:
        _grid_or_404(query.grid_id)
    return jsonify(alerts=[shapes.alert(line) for line in service.alerts(_reader(), query.grid_id, local_today())])


@bp.get("/incidents")
def incidents():
    query = _query(*RANGE, "grid_id")
    if query.grid_id is not None:
        _grid_or_404(query.grid_id)
    lines = service.incidents(_reader(), query.range, query.grid_id)
    return jsonify(**shapes.range_of(query.range), **shapes.incidents(lines))


@bp.get("/declines")
def declines():
    query = _query("month", "grid_id")
    if query.grid_id is not None:
        _grid_or_404(query.grid_id)
    return jsonify(shapes.declines(service.declines(_reader(), query.month, query.grid_id, local_today())))


@bp.get("/outreach")
def outreach():
    query = _query(*RANGE, "grid_id")
    if query.grid_id is not None:
        _grid_or_404(query.grid_id)
    summary = service.outreach(_reader(), query.range, query.grid_id)
    return jsonify(**shapes.range_of(query.range), **shapes.outreach(summary))


@bp.get("/leads")
def leads():
    query = _query(*RANGE, "grid_id")
    if query.grid_id is not None:
        _grid_or_404(query.grid_id)
    return jsonify(**shapes.range_of(query.range), **shapes.leads(service.leads(_reader(), query.range, query.grid_id)))
