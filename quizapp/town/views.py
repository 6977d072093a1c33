"""Admin: the town admin's home (today at a glance, aggregates only) and the town view, for the
town anti-fraud centre only (the admin blueprint's guard): a grid × week heat table of
participation, the top and bottom grids and companies, and the town's totals. Aggregates only;
the figures come from dashboard.service and town.service."""

from flask import render_template
from flask_login import current_user

from quizapp.clock import local_today, utcnow
from quizapp.dashboard import service as dashboard
from quizapp.routing import Routes
from quizapp.signin.forms import LogoutForm
from quizapp.town import service as overview

routes = Routes()


@routes.get("/")
def index():
    rows = overview.today_by_company(current_user, local_today(), utcnow())
    return render_template("town/index.html", rows=rows, logout_form=LogoutForm())


@routes.get("/town")
def town():
    view = dashboard.town_view(current_user, local_today(), utcnow())
    return render_template("town/heat.html", view=view)
