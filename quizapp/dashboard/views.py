"""Reports: the grid dashboard, the officer's home page. Every company of the officer's grids (the
town admin: every company, with a grid filter) with its participation, coverage, knowledge, trend
and months without a fraud case, and this year's supervision by grid; sorted and filtered by URL
arguments, so it works without JavaScript. Figures come from dashboard.service (aggregates only)."""

from flask import abort, render_template, request
from flask_login import current_user

from quizapp.clock import local_today, utcnow
from quizapp.comparison.rules import parse_dashboard_query
from quizapp.dashboard import service as dashboard
from quizapp.outreach import wording as outreach_words
from quizapp.routing import Routes
from quizapp.supervision import service as supervision

routes = Routes()


@routes.get("/")
def index():
    today = local_today()
    view = dashboard.grid_dashboard(current_user, today, parse_dashboard_query(request.args), utcnow())
    if view is None:
        abort(404)
    return render_template("dashboard/index.html", view=view, outreach_labelled=outreach_words.labelled,
                           outreach_definitions=outreach_words.definitions, today=today,
                           counts=supervision.year_counts(current_user, today.year, today))
