"""Error pages: HTML for people, JSON for API clients; a failed request's transaction is rolled back.

A service's refusal (quizapp.rules.errors) that a view does not catch is answered here by its
kind: NotFound 404, Forbidden 403, Conflict 409, Invalid 400, with the page's usual words.
"""

from __future__ import annotations

from datetime import UTC, datetime

from flask import Flask, jsonify, render_template, request
from flask_babel import format_time
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from quizapp.extensions import db, limiter
from quizapp.rules.errors import Conflict, Forbidden, Invalid, NotFound, ServiceError

STATUS = ((NotFound, 404), (Forbidden, 403), (Conflict, 409), (Invalid, 400))


# The API's error codes (its OpenAPI document's Error schema): words, not numbers.
API_CODES = {400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found",
             405: "method_not_allowed", 413: "too_large", 429: "rate_limited", 500: "server_error"}


def _json_error(code: int, message: str):
    """An error as JSON: the API's word for it on /api/ (a URL no route matched, such as an id out
    of range, is answered here, not by the API's own handlers), the status number elsewhere."""
    error = API_CODES.get(code, "error") if request.path.startswith("/api/") else code
    return jsonify(error=error, message=message), code


def _wants_json() -> bool:
    return request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json"


def _messages():
    return {
        400: _("The request was not understood."),
        403: _("This page is not for your account."),
        404: _("This page does not exist."),
        405: _("This page cannot be used that way."),
        409: _("This was changed meanwhile. Please go back, reload and try again."),
        413: _("That is too large to send. Files up to 10 MB can be uploaded."),
        429: _("Too many tries. Please wait a moment and try again."),
        500: _("Something went wrong on our side. Your answers so far are saved; please try again."),
    }


def init_app(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError):
        db.session.rollback()
        message = _("This form has expired or was not sent from this site. Please go back, reload and try again.")
        if _wants_json():
            return jsonify(error="csrf", message=message), 400
        return render_template("error.html", code=400, message=message), 400

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        if error.code and error.code >= 500:
            db.session.rollback()
        message = _messages().get(error.code, error.description)
        if error.code == 429 and limiter.current_limit is not None:
            retry = datetime.fromtimestamp(limiter.current_limit.reset_at, UTC)
            message = _("Too many tries from this network. Please try again after %(time)s.",
                        time=format_time(retry, "HH:mm"))
        if _wants_json():
            return _json_error(error.code or 500, message)
        return render_template("error.html", code=error.code, message=message), error.code

    @app.errorhandler(ServiceError)
    def service_error(error: ServiceError):
        db.session.rollback()  # whatever the use case flushed before it refused
        code = next((status for kind, status in STATUS if isinstance(error, kind)), 400)
        message = _messages()[code]
        if _wants_json():
            return _json_error(code, message)
        return render_template("error.html", code=code, message=message), code

    @app.errorhandler(Exception)
    def server_error(error: Exception):
        db.session.rollback()
        app.logger.exception("unhandled error")
        message = _messages()[500]
        if _wants_json():
            return _json_error(500, message)
        return render_template("error.html", code=500, message=message), 500
