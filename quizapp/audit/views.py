"""The audit log (every export, API read and administrative change): the town admin's (/admin/audit,
their town's rows) and the city admin's (/city/audit, the city's rows: no town's); newest first,
filtered by action, account or API token and dates, paged by keyset, and exported as CSV (which is
itself logged).

Its routes are attached to the admin and the city blueprints in quizapp/audiences.py (each guards
its own); which rows an account reads is audit.log's (scope.own_rows), the queries too.
"""

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from quizapp import downloads
from quizapp.audit import log, sheets
from quizapp.audit.rules import ACTION_FAMILIES, CITY_ACTION_FAMILIES, parse_day
from quizapp.audit.wording import FAMILY_LABELS, MESSAGES, action_label, city_row_label, detail_pairs, detail_words
from quizapp.clock import local_today, town_zone
from quizapp.exports import service as exports
from quizapp.extensions import db
from quizapp.routing import Routes
from quizapp.rules.errors import Invalid
from quizapp.validators import query_int, query_text
from quizapp.wording import say


def _filter() -> log.AuditFilter:
    first, last = parse_day(request.args.get("from")), parse_day(request.args.get("to"))
    if first and last and first > last:
        first, last = last, first
    return log.AuditFilter(action=query_text("action", 60), account=query_text("account", 64),
                             token_id=query_int("token"), first=first, last=last)


def _filter_args(chosen: log.AuditFilter) -> dict:
    return {"action": chosen.action, "account": chosen.account, "token": chosen.token_id or "",
            "from": chosen.first.isoformat() if chosen.first else "",
            "to": chosen.last.isoformat() if chosen.last else ""}

routes = Routes()


@routes.get("/audit", endpoint="audit")
def audit_log():
    chosen = _filter()
    page = log.audit_page(current_user, chosen, town_zone(), before=query_int("before"), after=query_int("after"))
    words = detail_words(log.reference_names(current_user, page.entries))
    city = request.blueprint == "city"
    families = CITY_ACTION_FAMILIES if city else ACTION_FAMILIES
    return render_template("audit/index.html", frame=f"{request.blueprint}/_layout.html", here=request.blueprint,
                           page=page, args=_filter_args(chosen), tokens=log.tokens(current_user),
                           families=[(f, FAMILY_LABELS[f]) for f in families], action_label=action_label,
                           row_label=city_row_label if city else None,
                           detail_pairs=lambda detail: detail_pairs(detail, words))


@routes.get("/audit/export.csv")
def audit_export():
    chosen = _filter()
    try:
        entries = log.export_entries(current_user, chosen, town_zone())
    except Invalid as error:  # too many rows
        flash(say(error, MESSAGES), "error")
        return redirect(url_for(f"{request.blueprint}.audit", **_filter_args(chosen)))
    data, name = sheets.audit_log(entries, log.reference_names(current_user, entries), chosen, local_today())
    db.session.commit()  # the "export.audit" row
    return downloads.send(data, exports.MIMETYPES["csv"], name)
