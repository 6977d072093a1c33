"""Console: trends and topics (participation and average score over 7, 30 or 90 days, by team and
shift, the weakest topics) and one worker's history. Routes are added on quizapp.console.views.bp."""

from flask import abort, render_template, request
from flask_login import current_user

from quizapp.auth.forms import LogoutForm
from quizapp.console.views import bp
from quizapp.domain import charts
from quizapp.domain.trends import PERIODS, parse_days
from quizapp.services import trends as trend_figures
from quizapp.services.clock import local_today


@bp.get("/trends")
def trends():
    days = parse_days(request.args.get("days"))
    figures = trend_figures.company_trends(current_user, local_today(), days)
    return render_template("console/trends.html", trends=figures, periods=PERIODS, line_chart=charts.line_chart,
                           logout_form=LogoutForm())


@bp.get("/workers/<int:employee_id>/history")
def worker_history(employee_id: int):
    history = trend_figures.worker_history(current_user, employee_id, local_today())
    if history is None:
        abort(404)
    return render_template("console/worker_history.html", history=history, line_chart=charts.line_chart,
                           logout_form=LogoutForm())
