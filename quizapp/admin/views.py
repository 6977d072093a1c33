"""The town admin's pages (the town anti-fraud centre): today at a glance (aggregates only), the
question bank's item analysis, and administration. The blueprint and its guard live here; each
part has its own module adding routes to `bp`, and shows in the section menu once it does."""

from flask import Blueprint, render_template, request
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from quizapp.access import TOWN_ADMIN, guard_staff
from quizapp.auth.forms import LogoutForm
from quizapp.services import items, overview
from quizapp.services.clock import local_today
from quizapp.web import menu

bp = Blueprint("admin", __name__, url_prefix="/admin")
bp.before_request(guard_staff(TOWN_ADMIN))

# The administration sections, in menu order (pages extend admin/_layout.html).
SECTIONS = [
    ("admin.index", _l("Today")),
    ("admin.grids", _l("Grids")),
    ("admin.companies", _l("Company list")),
    ("admin.accounts", _l("Accounts")),
    ("admin.tokens", _l("API tokens")),
    ("admin.deliveries", _l("Messages sent")),
    ("admin.audit", _l("Audit log")),
    ("admin.bank", _l("Question bank")),
]


@bp.app_context_processor
def _admin_nav():
    return {"admin_nav": lambda: menu(SECTIONS)}


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
from quizapp.admin import accounts, audit_log, deliveries, organisation, tokens, town  # noqa: E402,F401
