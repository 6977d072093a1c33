"""Admin: the audit log (every export, API read and administrative change), for the town admin only
(the admin blueprint's guard): newest first, filtered by action, account or API token and dates,
paged by keyset, and exported as CSV (which is itself logged).

Its routes are attached to the admin blueprint in quizapp/audiences.py; the queries live in audit.log.
"""

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from quizapp import downloads
from quizapp.audit import log
from quizapp.audit.rules import ACTION_FAMILIES, parse_day
from quizapp.clock import local_today
from quizapp.exports import service as exports
from quizapp.extensions import db
from quizapp.routing import Routes


def _int_arg(name: str) -> int | None:
    value = request.args.get(name, "")
    return int(value) if value.isdigit() else None


def _filter() -> log.AuditFilter:
    first, last = parse_day(request.args.get("from")), parse_day(request.args.get("to"))
    if first and last and first > last:
        first, last = last, first
    return log.AuditFilter(action=request.args.get("action", "")[:60], account=request.args.get("account", "")[:64],
                             token_id=_int_arg("token"), first=first, last=last)


def _filter_args(chosen: log.AuditFilter) -> dict:
    return {"action": chosen.action, "account": chosen.account, "token": chosen.token_id or "",
            "from": chosen.first.isoformat() if chosen.first else "",
            "to": chosen.last.isoformat() if chosen.last else ""}

routes = Routes()


@routes.get("/audit", endpoint="audit")
def audit_log():
    chosen = _filter()
    page = log.audit_page(chosen, before=_int_arg("before"), after=_int_arg("after"))
    return render_template("audit/index.html", page=page, args=_filter_args(chosen), tokens=log.tokens(),
                           families=[(f, log.FAMILY_LABELS[f]) for f in ACTION_FAMILIES])


@routes.get("/audit/export.csv")
def audit_export():
    chosen = _filter()
    try:
        data, name = log.export_audit(current_user, chosen, local_today())
    except log.TooManyRows:
        flash(_("More than %(n)s rows match: choose a shorter date range and export again.",
                n=f"{log.EXPORT_LIMIT:,}"), "error")
        return redirect(url_for("admin.audit", **_filter_args(chosen)))
    db.session.commit()  # the "export.audit" row
    return downloads.send(data, exports.MIMETYPES["csv"], name)
