"""Reports: compare companies. Officers pick up to 8 of the companies they may see and get their
participation and knowledge week by week (the weekly report's weeks, Monday to Sunday, this one so
far; ECharts, from static/js/compare.js, with the same numbers as tables for pages without
JavaScript and for print), and a ranking by improvement as well as by level. A company outside
the account's grids is 404."""

from flask import abort, render_template, request
from flask_babel import gettext as _
from flask_login import current_user

from quizapp.clock import local_today, utcnow
from quizapp.comparison.rules import MAX_COMPARED, chart_series, parse_company_ids
from quizapp.dashboard import service as dashboard
from quizapp.routing import Routes
from quizapp.validators import query_int, query_text

routes = Routes()


@routes.get("/compare")
def compare():
    chosen, too_many = parse_company_ids(request.args.getlist("company_id"))
    grid = query_int("grid")
    q = query_text("q")
    rank = query_text("rank") or "improvement"
    rank = rank if rank in dashboard.RANKS else "improvement"
    view = dashboard.compare(current_user, local_today(), chosen, utcnow(), grid, q, rank)
    if view is None:
        abort(404)
    return render_template("comparison/index.html", view=view, grid=grid, q=q, rank=rank, too_many=too_many,
                           max_compared=MAX_COMPARED, chart=chart_series(view.weeks, view.chosen, _("so far")))
