"""The town admin's home (today at a glance, aggregates only) and the grid × week heat table of
participation with the top and bottom grids and companies and the totals.

The home is the town admin's (`routes`, attached to the admin blueprint). The heat table is served
on the reports blueprint (`heat_routes`: /reports/town), so grid officers see it too: for their own
grids only, as quizapp/scope.py decides in dashboard.service.town_view; /admin/town, the address
the digest and bookmarks use, forwards there. Aggregates only."""

from flask import redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from quizapp.clock import local_today, utcnow
from quizapp.dashboard import service as dashboard
from quizapp.routing import Routes
from quizapp.scope import sees_whole_town
from quizapp.signin.forms import LogoutForm
from quizapp.town import service as overview

routes = Routes()
heat_routes = Routes()


def heat_title(actor) -> str:
    """The heat table's name for this reader, said the same in the reports menu
    (quizapp/audiences.py) and as the page's title: the town admin sees their town, an officer
    only their own grids."""
    return _("Town view") if sees_whole_town(actor) else _("My grids by week")


@routes.get("/")
def index():
    rows = overview.today_by_company(current_user, local_today(), utcnow())
    return render_template("town/index.html", rows=rows, logout_form=LogoutForm())


@routes.get("/town")
def town():
    return redirect(url_for("reports.town"))


@heat_routes.get("/town", endpoint="town")
def heat():
    view = dashboard.town_view(current_user, local_today(), utcnow())
    return render_template("town/heat.html", view=view, whole_town=sees_whole_town(current_user),
                           title=heat_title(current_user))
