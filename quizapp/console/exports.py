"""Console: exports (completion by day, by worker and by team, as CSV or XLSX, over 7, 30 or 90
days). Routes are added on quizapp.console.views.bp; the reports are built in services.exports."""

from io import BytesIO

from flask import render_template, request, send_file
from flask_login import current_user

from quizapp.auth.forms import LogoutForm
from quizapp.console.views import bp
from quizapp.domain.trends import PERIODS, parse_days
from quizapp.extensions import db
from quizapp.services import exports as reports
from quizapp.services.clock import local_today

FORMAT = '<any(csv, xlsx):fmt>'


@bp.get("/exports")
def exports():
    days = parse_days(request.args.get("days"))
    return render_template("console/exports.html", days=days, periods=PERIODS, logout_form=LogoutForm())


def _download(report: str, fmt: str):
    data, name = reports.download(current_user, report, fmt, local_today(), parse_days(request.args.get("days")))
    db.session.commit()  # the audit row
    response = send_file(BytesIO(data), mimetype=reports.MIMETYPES[fmt], as_attachment=True, download_name=name)
    # Names and results of workers: nothing for shared caches or the browser's disk cache.
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.get(f"/exports/by-day.{FORMAT}")
def export_by_day(fmt: str):
    return _download("by-day", fmt)


@bp.get(f"/exports/by-worker.{FORMAT}")
def export_by_worker(fmt: str):
    return _download("by-worker", fmt)


@bp.get(f"/exports/by-team.{FORMAT}")
def export_by_team(fmt: str):
    return _download("by-team", fmt)
