"""Admin: the town view, for the town anti-fraud centre only (the admin blueprint's guard): a grid ×
week heat table of participation, the top and bottom grids and companies, and the town's totals.
Aggregates only; the figures come from services.dashboard."""

from flask import render_template
from flask_login import current_user

from quizapp.admin.views import bp
from quizapp.services import dashboard
from quizapp.services.clock import local_today


@bp.get("/town")
def town():
    view = dashboard.town_view(current_user, local_today())
    return render_template("admin/town.html", view=view)
