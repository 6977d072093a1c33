"""Reports: the grid dashboard (for now, today's participation per company)."""

from flask import render_template
from flask_login import current_user

from quizapp.auth.forms import LogoutForm
from quizapp.reports.views import bp
from quizapp.services import overview
from quizapp.services.clock import local_today


@bp.get("/")
def index():
    rows = overview.today_by_company(current_user, local_today())
    return render_template("reports/index.html", rows=rows, logout_form=LogoutForm())
