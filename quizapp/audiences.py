"""The blueprints that several features share, each with its guard declared once, its section
menu, and the features whose routes it serves.

- console (/console): company outreach staff, their own company only;
- reports (/reports): grid officers (their grids) and the town admin (their whole town), aggregates
  only; the city admin only on the pages in CITY_REPORTS (the towns compared);
- admin (/admin): the town admin, their own town;
- city (/city): the city admin: every town as aggregates, the towns and their admins, the city's
  API tokens and its audit log.

Each feature folder keeps its views in views.py with a `Routes` table (quizapp/routing.py); the
table below says which blueprint serves it, so a URL's files are found from its first path segment
after the audience: /console/roster is quizapp/roster/, /reports/supervision is
quizapp/supervision/, /admin/tokens is quizapp/tokens/. The worker's quiz (quizapp/quiz/),
sign-in (quizapp/signin/) and the API (quizapp/api/) are one feature each and declare their own
blueprint there.
"""

from __future__ import annotations

from flask import Blueprint, Flask
from flask_babel import LazyString
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from quizapp.access import guard_staff
from quizapp.accounts import views as accounts
from quizapp.alerts import views as alerts
from quizapp.audit import views as audit
from quizapp.bank import views as bank
from quizapp.board import views as board
from quizapp.citycompare import views as citycompare
from quizapp.comparison import views as comparison
from quizapp.dashboard import views as dashboard
from quizapp.deliveries import views as deliveries
from quizapp.digest import views as digest
from quizapp.exports import views as exports
from quizapp.incidents import views as incidents
from quizapp.leads import views as leads
from quizapp.learning import views as learning
from quizapp.map import views as incident_map
from quizapp.organisation import views as organisation
from quizapp.outreach import views as outreach
from quizapp.periodic import views as periodic
from quizapp.places import views as places
from quizapp.posters import views as posters
from quizapp.quiz.views import bp as quiz
from quizapp.register import views as register
from quizapp.roster import views as roster
from quizapp.rounds import views as rounds
from quizapp.rules.vocab import Role
from quizapp.settings import views as settings
from quizapp.staff import views as staff
from quizapp.supervision import views as supervision
from quizapp.targets import views as targets
from quizapp.tokens import views as tokens
from quizapp.town import views as town
from quizapp.towns import views as towns
from quizapp.trends import views as trends
from quizapp.web import menu

console = Blueprint("console", __name__, url_prefix="/console")
console.before_request(guard_staff(Role.COMPANY_STAFF))

# The reports pages the city admin may open too (town by town aggregates, never one town's
# companies or workers): the towns compared (quizapp/citycompare), page and XLSX. Those pages
# refuse the officers and town admins the blueprint lets in (citycompare.service: 403).
CITY_REPORTS: set[str] = {"reports.city", "reports.city_xlsx"}

reports = Blueprint("reports", __name__, url_prefix="/reports")
reports.before_request(guard_staff(Role.GRID_OFFICER, Role.TOWN_ADMIN, also={Role.CITY_ADMIN: CITY_REPORTS}))

admin = Blueprint("admin", __name__, url_prefix="/admin")
admin.before_request(guard_staff(Role.TOWN_ADMIN))

city = Blueprint("city", __name__, url_prefix="/city")
city.before_request(guard_staff(Role.CITY_ADMIN))

FEATURES = {
    console: (board, rounds, roster, trends, exports, posters, settings, staff, outreach),
    reports: (dashboard, comparison, incidents, incident_map, supervision, periodic, digest, outreach, learning,
              alerts, leads, citycompare),
    admin: (town, organisation, register, places, accounts, targets, tokens, deliveries, audit, bank),
    city: (towns, tokens, audit),
}

# Each audience's sections, in menu order; a section shows once its endpoint is registered.
CONSOLE_SECTIONS = [
    ("console.index", _l("Today")),
    ("console.preshift", _l("Pre-shift screen")),
    ("console.roster", _l("Roster")),
    ("console.trends", _l("Trends and topics")),
    ("console.outreach", _l("Outreach ledger")),
    ("console.exports", _l("Exports")),
    ("console.posters", _l("QR posters")),
    ("console.settings", _l("Settings")),
    ("console.staff_accounts", _l("Staff accounts")),
]
REPORTS_SECTIONS = [
    ("reports.index", _l("Grid dashboard")),
    ("reports.compare", _l("Compare companies")),
    ("reports.outreach", _l("Outreach ledger")),
    ("reports.incidents", _l("Incidents")),
    ("reports.map", _l("Incident map")),
    ("reports.supervision", _l("Supervision list")),
    ("reports.alerts", _l("This week's alerts")),
    # The heat table: "Town view" for the town admin, "My grids by week" for an officer, as its title says.
    ("reports.town", LazyString(lambda: town.heat_title(current_user))),
    ("reports.periodic", _l("Weekly and monthly reports")),
    ("reports.digest", _l("Daily digest")),
    ("reports.learning", _l("Learning")),
    ("reports.leads", _l("Workers' reports")),
]
ADMIN_SECTIONS = [
    ("admin.index", _l("Today")),
    ("admin.grids", _l("Grids")),
    ("admin.companies", _l("Company list")),
    ("admin.register", _l("Register import")),
    ("admin.places", _l("Places and boundaries")),
    ("admin.accounts", _l("Accounts")),
    ("admin.targets_page", _l("Targets")),
    ("admin.tokens", _l("API tokens")),
    ("admin.deliveries", _l("Messages sent")),
    ("admin.audit", _l("Audit log")),
    ("admin.bank", _l("Question bank")),
]
CITY_SECTIONS = [
    ("city.index", _l("Towns at a glance")),
    ("reports.city", _l("Towns compared")),
    ("city.towns", _l("Towns")),
    ("city.tokens", _l("API tokens")),
    ("city.audit", _l("Audit log")),
]


@console.context_processor
def _console_nav():
    # Every console page gets the staff member's company from the signed-in account, never the URL;
    # an error page answering someone signed out (or not staff) has none.
    return {"console_nav": lambda: menu(CONSOLE_SECTIONS), "company": getattr(current_user, "company", None)}


@reports.app_context_processor
def _reports_nav():
    # App-wide: the admin's pages link to the officers' menu too.
    return {"reports_nav": lambda: menu(REPORTS_SECTIONS)}


@admin.app_context_processor
def _admin_nav():
    return {"admin_nav": lambda: menu(ADMIN_SECTIONS)}


@city.app_context_processor
def _city_nav():
    # App-wide: the towns compared (a reports page) shows the city's menu to the city admin.
    return {"city_nav": lambda: menu(CITY_SECTIONS)}


# Once, at import: a blueprint takes no new routes after an app has registered it.
for _blueprint, _features in FEATURES.items():
    for _feature in _features:
        _feature.routes.attach(_blueprint)
# The heat table is the admin's town view and, for their own grids, the officers' too.
town.heat_routes.attach(reports)
# A worker reports a scam they met from the quiz (我遇到过类似的骗局): the worker's blueprint, its guard.
leads.worker_routes.attach(quiz)


def init_app(app: Flask) -> None:
    for blueprint in FEATURES:
        app.register_blueprint(blueprint)
