"""The town admin's pages. Account and company management come with the reporting issue; the home
page shows the town at a glance (aggregates only)."""

from flask import Blueprint, render_template
from flask_login import current_user

from quizapp.access import TOWN_ADMIN, guard_staff
from quizapp.auth.forms import LogoutForm
from quizapp.services import overview
from quizapp.services.clock import local_today

bp = Blueprint("admin", __name__, url_prefix="/admin")
bp.before_request(guard_staff(TOWN_ADMIN))


@bp.get("/")
def index():
    rows = overview.today_by_company(current_user, local_today())
    return render_template("admin/index.html", rows=rows, logout_form=LogoutForm())
