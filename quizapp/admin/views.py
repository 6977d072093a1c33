"""The town admin's pages: the town at a glance (aggregates only) and the question bank's item
analysis. Account and company management come with the reporting issue."""

from flask import Blueprint, render_template, request
from flask_login import current_user

from quizapp.access import TOWN_ADMIN, guard_staff
from quizapp.auth.forms import LogoutForm
from quizapp.services import items, overview
from quizapp.services.clock import local_today

bp = Blueprint("admin", __name__, url_prefix="/admin")
bp.before_request(guard_staff(TOWN_ADMIN))


@bp.get("/")
def index():
    rows = overview.today_by_company(current_user, local_today())
    return render_template("admin/index.html", rows=rows, logout_form=LogoutForm())


@bp.get("/bank")
def bank():
    """How each question performs: difficulty, discrimination, option shares, and what looks broken."""
    days = request.args.get("days", 90, type=int)
    days = days if days in (30, 90, 365) else 90
    rows = items.analyse_items(local_today(), days)
    flagged_only = request.args.get("flagged") == "1"
    shown = [r for r in rows if r.stats and r.stats.flags] if flagged_only else rows
    return render_template("admin/bank.html", rows=shown, all_rows=rows, days=days, flagged_only=flagged_only,
                           logout_form=LogoutForm())


# Parts of the town admin's pages kept in their own modules register their routes on `bp`.
from quizapp.admin import town  # noqa: E402,F401
