"""Reports for grid officers and the town admin: aggregates per company, never a worker's name.
Its full pages come with the reporting issue; the home page lists today's participation."""

from flask import Blueprint, render_template
from flask_login import current_user

from quizapp.access import GRID_OFFICER, TOWN_ADMIN, guard_staff
from quizapp.auth.forms import LogoutForm
from quizapp.services import overview
from quizapp.services.clock import local_today

bp = Blueprint("reports", __name__, url_prefix="/reports")
bp.before_request(guard_staff(GRID_OFFICER, TOWN_ADMIN))


@bp.get("/")
def index():
    rows = overview.today_by_company(current_user, local_today())
    return render_template("reports/index.html", rows=rows, logout_form=LogoutForm())
