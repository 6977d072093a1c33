"""Losses are money: Decimal from the form or file to the database and back, added up as decimals in
every report, and written to the fen on pages, in files and in the API (0.10 + 0.20 yuan is 0.30,
never 0.30000000000000004)."""

import csv
import io
import json
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from quizapp.api import service as api
from quizapp.api import shapes
from quizapp.api.rules import DateRange
from quizapp.digest import service as digest
from quizapp.extensions import db
from quizapp.incidents import service, sheets
from quizapp.incidents.service import Filter, IncidentInput
from quizapp.models import Grid, Incident, StaffUser
from quizapp.periodic import service as periodic
from quizapp.periodic.rules import containing
from tests.factories import first_town

pytestmark = pytest.mark.usefixtures("ctx")

TODAY = date(2026, 11, 24)
MONTH = date(2026, 11, 1)
ZONE = ZoneInfo("Asia/Shanghai")


def reader() -> api.TokenReader:
    """An API token of the `town` fixture's town, as the API reads with it."""
    return api.TokenReader(town_id=first_town().id)


def staff(username: str) -> StaffUser:
    return db.session.scalar(select(StaffUser).where(StaffUser.username == username))


@pytest.fixture
def fen(town):
    """Two records of grid g1 this month, of 0.10 and 0.20 yuan, entered through the service."""
    officer = staff("officer-1")
    for fraud_type, loss in (("alpha", "0.10"), ("beta", "0.20")):
        entry = IncidentInput(town.company_a, None, MONTH, fraud_type, 1, Decimal(loss), "")
        service.save_incident(officer, TODAY, entry)
    db.session.commit()
    return town


def test_a_loss_is_stored_and_read_back_as_the_decimal_entered(fen):
    db.session.expire_all()
    losses = db.session.scalars(select(Incident.loss_yuan).order_by(Incident.loss_yuan)).all()
    assert losses == [Decimal("0.10"), Decimal("0.20")] and all(type(x) is Decimal for x in losses)


def test_the_incidents_page_and_its_export_add_up_to_the_fen(fen, english):
    page = service.incidents_page(staff("officer-1"), Filter(MONTH), "en", date(2026, 12, 1),
                                  datetime(2026, 12, 1, 12))
    assert page.year_on_year.this_month.loss_yuan == Decimal("0.30")
    data, _name = sheets.incidents(service.export_incidents(staff("officer-1"), Filter(MONTH), "csv", "en"), "csv")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert sorted(r[8] for r in rows[1:]) == ["0.10", "0.20"]


def test_the_periodic_report_adds_the_losses_as_decimals(fen):
    officer = staff("officer-1")
    month = containing("month", MONTH)
    report = periodic.periodic_report(officer, date(2026, 12, 2), datetime(2026, 12, 2, 12), month,
                                      periodic.resolve_scope(officer, None), "en")
    assert report.incidents.loss_yuan == Decimal("0.30")
    assert sorted(t.loss_yuan for t in report.incidents.by_type) == [Decimal("0.10"), Decimal("0.20")]


def test_the_digest_adds_the_month_s_losses_to_the_fen(fen):
    [grid] = digest.figures(staff("officer-1"), TODAY, ZONE, datetime(2026, 11, 24, 12)).grids
    assert (grid.cases_month, grid.loss_month) == (2, Decimal("0.30"))
    assert type(grid.loss_month) is Decimal


def test_the_api_writes_the_exact_sum_as_a_json_number(fen):
    g1 = db.session.scalar(select(Grid.id).where(Grid.code == "g1"))
    lines = api.incidents(reader(), DateRange(MONTH, TODAY), g1)
    body = json.loads(text := json.dumps(shapes.incidents(lines)))
    assert body["total"] == {"cases": 2, "loss_yuan": 0.3, "raw_reports": 0}
    assert '"loss_yuan": 0.3, "raw_reports": 0}' in text and "0.30000000000000004" not in text
    assert sorted(i["loss_yuan"] for i in body["incidents"]) == [0.1, 0.2]
