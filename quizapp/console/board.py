"""Console: today's board (who has done today's quiz, by shift and team)."""

from flask import render_template
from flask_login import current_user

from quizapp.auth.forms import LogoutForm
from quizapp.console.views import bp
from quizapp.services import overview
from quizapp.services.clock import local_today


@bp.get("/")
def index():
    rows = overview.today_by_company(current_user, local_today())
    return render_template("console/index.html", rows=rows, logout_form=LogoutForm())
