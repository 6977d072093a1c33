"""Console: exports (completion by day, by worker and by team, as CSV or XLSX, over 7, 30 or 90
days, or as a page to read and copy where files cannot be saved, as in WeChat). Its routes are
attached to the console blueprint in quizapp/audiences.py; the reports are built in exports.service."""

from flask import make_response, render_template, request
from flask_login import current_user

from quizapp import downloads
from quizapp.clock import local_today, utcnow
from quizapp.exports import service as reports
from quizapp.exports import sheets
from quizapp.extensions import db
from quizapp.routing import Routes
from quizapp.signin.forms import LogoutForm
from quizapp.trends.rules import PERIODS, parse_days

FORMAT = '<any(csv, xlsx, html):fmt>'  # html: the report as a page (WeChat's browser saves no files)

routes = Routes()


@routes.get("/exports")
def exports():
    days = parse_days(request.args.get("days"))
    return render_template("exports/index.html", days=days, periods=PERIODS, logout_form=LogoutForm())


def _download(report: str, fmt: str):
    days = parse_days(request.args.get("days"))
    # On screen (html): the same export, audited as format "screen", as a table and text to copy.
    export = reports.download(current_user, report, "screen" if fmt == "html" else fmt, local_today(), days,
                              utcnow())
    db.session.commit()  # the audit row
    if fmt == "html":
        laid_out = sheets.report(export.found)
        response = make_response(render_template("exports/table.html", report=laid_out, days=days,
                                                 text=reports.to_text(laid_out), cell=reports.cell_text))
        response.headers["Cache-Control"] = "private, no-store"  # names and results of workers
        return response
    data, name = sheets.download(export, fmt)
    # Names and results of workers: private (nothing for shared caches or the browser's disk cache).
    return downloads.send(data, reports.MIMETYPES[fmt], name)


@routes.get(f"/exports/by-day.{FORMAT}")
def export_by_day(fmt: str):
    return _download("by-day", fmt)


@routes.get(f"/exports/by-worker.{FORMAT}")
def export_by_worker(fmt: str):
    return _download("by-worker", fmt)


@routes.get(f"/exports/by-team.{FORMAT}")
def export_by_team(fmt: str):
    return _download("by-team", fmt)
