"""Reports: the towns compared (/reports/city), the city admin's page: every town's participation,
first-try knowledge, companies, workers and the three declines side by side with the city's
total; sorted by any column through URL arguments (no JavaScript needed), printable, and as an
XLSX with the same figures. Attached to the reports blueprint, whose guard lets the city admin
in on CITY_REPORTS only (quizapp/audiences.py); citycompare.service refuses anyone else (403).
"""

from flask import abort, render_template, request
from flask_login import current_user

from quizapp import downloads
from quizapp.citycompare import service, sheets
from quizapp.citycompare.rules import PERIODS, parse_query
from quizapp.clock import local_today
from quizapp.exports import service as exports
from quizapp.extensions import db
from quizapp.routing import Routes
from quizapp.rules.errors import Forbidden

routes = Routes()


def _page() -> service.CityPage:
    today = local_today()
    try:
        return service.city_page(current_user, today, parse_query(request.args, today))
    except Forbidden:
        abort(403)


@routes.get("/city", endpoint="city")
def city():
    return render_template("citycompare/index.html", view=_page(), periods=PERIODS)


@routes.get("/city.xlsx", endpoint="city_xlsx")
def city_xlsx():
    data, name = sheets.workbook(service.export_page(current_user, _page()))
    db.session.commit()  # the audit row
    return downloads.send(data, exports.MIMETYPES["xlsx"], name)
