"""The company outreach console (企业反诈工作台): company staff only, their own company only.

The blueprint and its guard live here; each part of the console has its own module (board,
roster, trends, exports, posters, settings) that adds routes to this blueprint. Every page gets the
staff member's company from the signed-in account, never from the URL.
"""

from flask import Blueprint
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from quizapp.access import COMPANY_STAFF, guard_staff
from quizapp.web import menu

bp = Blueprint("console", __name__, url_prefix="/console")
bp.before_request(guard_staff(COMPANY_STAFF))

# The console's sections, in menu order; a section shows once its module defines the endpoint.
SECTIONS = [
    ("console.index", _l("Today")),
    ("console.preshift", _l("Pre-shift screen")),
    ("console.roster", _l("Roster")),
    ("console.trends", _l("Trends and topics")),
    ("console.exports", _l("Exports")),
    ("console.posters", _l("QR posters")),
    ("console.settings", _l("Settings")),
]


@bp.context_processor
def _console_nav():
    return {"console_nav": lambda: menu(SECTIONS), "company": current_user.company}


# The parts of the console register their routes on `bp` when imported.
from quizapp.console import board, exports, posters, roster, settings, trends  # noqa: E402,F401
