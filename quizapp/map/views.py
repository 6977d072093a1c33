"""Reports: the incident map. Each of the reader's grids coloured by a chosen figure over a chosen
period, the period's incidents as points, a legend, and the same figures as a table (what a
reader without JavaScript, and the printout, sees); clicking a grid opens its dashboard.

Attached to the reports blueprint in quizapp/audiences.py; figures from map.service."""

from flask import render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from quizapp.clock import local_today, utcnow
from quizapp.map import rules, service
from quizapp.routing import Routes
from quizapp.web import content_lang
from quizapp.wording import FIGURE_NAMES

routes = Routes()

# The map's figures: the shared names where the figure is one of them (quizapp.wording), with its unit.
MAP_FIGURES = {
    "cases_per_10k": _l("Confirmed cases per 10,000 active workers"),
    "losses": _l("Losses (yuan)"),
    "participation": _l("Participation (%)"),
    "knowledge": _l("Knowledge index (%)"),
    "months_without_case": FIGURE_NAMES["grid_months_since_case"],
    "heat": _l("Heat index (热力指数)"),
}


def _chart(view: service.MapView, figure: str) -> dict:
    """What static/js/map.js draws: the outlines as GeoJSON (feature name = grid code), each grid's
    value and dashboard address, the points, and the legend's direction."""
    return {
        "figure": figure, "label": str(MAP_FIGURES[figure]), "higherIsWorse": rules.HIGHER_IS_WORSE[figure],
        "geojson": {"type": "FeatureCollection", "features": [
            {"type": "Feature", "properties": {"name": code}, "geometry": geometry}
            for code, geometry in view.outlines.items()]},
        "grids": [{"name": g.code, "label": g.name, "value": g.value(figure),
                   "url": url_for("reports.index", grid=g.grid_id)} for g in view.grids],
        "points": [{"value": [p.longitude, p.latitude, p.cases],
                    "label": f"{p.grid} · {p.month:%Y-%m} · {p.fraud_type}"} for p in view.points],
        "pointsLabel": str(_l("Incidents with a point")), "noData": str(_l("no figure")),
    }


@routes.get("/map", endpoint="map")
def incident_map():
    today = local_today()
    period = rules.parse_period(request.args.get("from", ""), request.args.get("to", ""), today)
    figure = rules.parse_figure(request.args.get("figure", ""))
    view = service.map_view(current_user, period, today, utcnow(), content_lang())
    return render_template("map/index.html", view=view, figure=figure, figures=MAP_FIGURES,
                           chart=_chart(view, figure))
