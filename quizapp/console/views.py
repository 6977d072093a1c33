"""The company outreach console (company staff only). Its full pages come with the console issue;
for now the home page shows today's completion for the staff member's own company."""

from flask import Blueprint, render_template
from flask_login import current_user

from quizapp.access import COMPANY_STAFF, guard_staff
from quizapp.auth.forms import LogoutForm
from quizapp.services import overview
from quizapp.services.clock import local_today

bp = Blueprint("console", __name__, url_prefix="/console")
bp.before_request(guard_staff(COMPANY_STAFF))


@bp.get("/")
def index():
    rows = overview.today_by_company(current_user, local_today())
    return render_template("console/index.html", rows=rows, logout_form=LogoutForm())
