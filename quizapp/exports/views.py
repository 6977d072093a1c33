"""Console: exports (completion by day, by worker and by team, as CSV or XLSX, over 7, 30 or 90
days). Its routes are attached to the console blueprint in quizapp/audiences.py; the reports are built in exports.service."""

from flask import render_template, request
from flask_login import current_user

from quizapp import downloads
from quizapp.clock import local_today
from quizapp.exports import service as reports
from quizapp.exports import sheets
from quizapp.extensions import db
from quizapp.routing import Routes
from quizapp.signin.forms import LogoutForm
from quizapp.trends.rules import PERIODS, parse_days

FORMAT = '<any(csv, xlsx):fmt>'

routes = Routes()


@routes.get("/exports")
def exports():
    days = parse_days(request.args.get("days"))
    return render_template("exports/index.html", days=days, periods=PERIODS, logout_form=LogoutForm())


def _download(report: str, fmt: str):
    export = reports.download(current_user, report, fmt, local_today(), parse_days(request.args.get("days")))
    data, name = sheets.download(export, fmt)
    db.session.commit()  # the audit row
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
