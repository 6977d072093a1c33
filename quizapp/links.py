"""The addresses the app hands out: the link workers open (printed on QR posters, pasted into
chase messages) and full page addresses for messages sent from cron, where no request says which
host to use. Built from the URL map, so views and commands call these and pass the links to the
services and wording that put them into messages."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import current_app, url_for
from werkzeug.routing import BuildError

from quizapp.models import Company


def worker_url(company: Company, team: str | None = None) -> str:
    """The address workers open: the company's sign-in page (needs a request or SERVER_NAME). A
    team's adds ?team=<team>, which the sign-in page ignores but which tells a team's poster apart."""
    if team:
        return url_for("auth.company", code=company.code, team=team, _external=True)
    return url_for("auth.company", code=company.code, _external=True)


def public_url(endpoint: str, **values) -> str | None:
    """A page's full address for a message sent from cron (no request to take the host from):
    from QUIZAPP_BASE_URL, or Flask's SERVER_NAME; None when neither is set (the message then
    goes without a link)."""
    config = current_app.config
    if config.get("QUIZAPP_BASE_URL"):
        parts = urlsplit(config["QUIZAPP_BASE_URL"])
        adapter = current_app.url_map.bind(parts.netloc, script_name=parts.path or "/", url_scheme=parts.scheme)
    elif config.get("SERVER_NAME"):
        adapter = current_app.url_map.bind(config["SERVER_NAME"], script_name=config.get("APPLICATION_ROOT") or "/",
                                           url_scheme=config.get("PREFERRED_URL_SCHEME") or "http")
    else:
        return None
    try:
        return adapter.build(endpoint, values, force_external=True)
    except BuildError:
        return None
