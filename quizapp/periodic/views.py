"""Reports: weekly and monthly reports of a grid (an officer's own grids; the town admin any grid)
or of the whole town (the town admin only), as a printable page and as an XLSX workbook.

Its routes are attached to the reports blueprint in quizapp/audiences.py. ?start= names the week
or month (default: the last complete one), ?scope= a grid id or "town"; a scope the account may not
see is 404. Everything with a rule in it is in periodic.service and periodic.rules (docs/reports.md).
"""

from flask import abort, render_template, request
from flask_login import current_user

from quizapp import downloads
from quizapp.clock import local_today, utcnow
from quizapp.exports import service as exports
from quizapp.extensions import db
from quizapp.leads import wording as lead_words
from quizapp.outreach import wording as outreach_words
from quizapp.periodic import service, sheets, wording
from quizapp.periodic.rules import chosen
from quizapp.routing import Routes
from quizapp.web import content_lang

PERIOD = "<any(week, month):period>"


def _report(period: str) -> service.PeriodicReport:
    scope = service.resolve_scope(current_user, request.args.get("scope"))
    if scope is None:
        abort(404)
    today = local_today()
    return service.periodic_report(current_user, today, utcnow(), chosen(period, request.args.get("start"), today),
                                   scope, content_lang())


# The section's bare URL (the menu's link) shows the weekly report. Its default is None, not
# "week": a default equal to a real value would make /reports/periodic/week redirect to it.

routes = Routes()


@routes.get("/periodic/", defaults={"period": None})
@routes.get(f"/periodic/{PERIOD}")
def periodic(period: str | None):
    report = _report(period or "week")
    return render_template("periodic/index.html", report=report, title=wording.title(report),
                           scope_name=wording.scope_name(report.scope), definitions=wording.definitions(report),
                           outreach=outreach_words.labelled(report.outreach), O=outreach_words.definitions(),
                           leads=lead_words.labelled(report.leads), L=lead_words.definitions())


@routes.get(f"/periodic/{PERIOD}.xlsx")
def periodic_xlsx(period: str):
    data, name, fallback = sheets.workbook(service.export_report(current_user, _report(period)))
    db.session.commit()  # the audit row
    return downloads.send(data, exports.MIMETYPES["xlsx"], name, fallback)
