"""Console: trends and topics (participation and average score over 7, 30 or 90 days, by team and
shift, the weakest topics) and one worker's history. Its routes are attached to the console
blueprint in quizapp/audiences.py."""

from flask import abort, render_template, request
from flask_login import current_user

from quizapp.clock import local_today, utcnow
from quizapp.routing import Routes
from quizapp.rules import charts
from quizapp.signin.forms import LogoutForm
from quizapp.trends import service as trend_figures
from quizapp.trends.rules import PERIODS, parse_days

routes = Routes()


@routes.get("/trends")
def trends():
    days = parse_days(request.args.get("days"))
    figures = trend_figures.company_trends(current_user, local_today(), days, utcnow())
    return render_template("trends/index.html", trends=figures, periods=PERIODS, line_chart=charts.line_chart,
                           logout_form=LogoutForm())


@routes.get("/workers/<id:employee_id>/history")
def worker_history(employee_id: int):
    history = trend_figures.worker_history(current_user, employee_id, local_today(), now=utcnow())
    if history is None:
        abort(404)
    return render_template("trends/worker_history.html", history=history, line_chart=charts.line_chart,
                           logout_form=LogoutForm())
