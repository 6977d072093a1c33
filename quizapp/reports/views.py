"""Reports for grid officers and the town anti-fraud centre: companies as aggregates, never a
worker's name, employee number or answer.

The blueprint and its guard live here; each part (dashboard, compare, incidents, supervision)
has its own module adding routes to this blueprint. What an account may see is decided in
services (overview.companies_visible_to): an officer sees the companies of their grids, the town
admin every company.
"""

from flask import Blueprint
from flask_babel import lazy_gettext as _l

from quizapp.access import GRID_OFFICER, TOWN_ADMIN, guard_staff
from quizapp.web import menu

bp = Blueprint("reports", __name__, url_prefix="/reports")
bp.before_request(guard_staff(GRID_OFFICER, TOWN_ADMIN))

# The sections, in menu order; a section shows once its module defines the endpoint.
SECTIONS = [
    ("reports.index", _l("Grid dashboard")),
    ("reports.compare", _l("Compare companies")),
    ("reports.incidents", _l("Incidents")),
    ("reports.supervision", _l("Supervision list")),
    ("admin.town", _l("Town view")),
    ("reports.periodic", _l("Weekly and monthly reports")),
    ("reports.digest", _l("Daily digest")),
]


@bp.app_context_processor
def _reports_nav():
    return {"reports_nav": lambda: menu(SECTIONS)}


# The parts register their routes on `bp` when imported.
from quizapp.reports import compare, dashboard, digest, incidents, periodic, supervision  # noqa: E402,F401
