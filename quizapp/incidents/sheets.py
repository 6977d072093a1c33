"""The incidents export as a spreadsheet, headed in the reader's language; the records come from
incidents.service.export_incidents."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from quizapp.exports import service as exports
from quizapp.incidents.rules import degrees
from quizapp.incidents.service import ExportedRecords


def incidents(found: ExportedRecords, fmt: str) -> tuple[bytes, str]:
    """The records of the months exported, as CSV or XLSX, and the file's name. Headed with names
    the import reads (incidents.rules.HEADER_KEYS, in either language), so an exported CSV can be
    corrected and imported back, locations included."""
    first, last = found.months[0], found.months[-1]
    C = exports.Column
    # The import's column names (incidents.rules): the file reads back as it is; the grid's and the
    # company's names are there for people and are left alone by the import.
    report = exports.Report("incidents", _l("Fraud incidents"), first, last, (
        C(_l("Month")), C(_l("Grid code")), C(_l("Grid name")), C(_l("Company code")), C(_l("Company name")),
        C(_l("Fraud type")), C(_l("Raw reports"), "int"),
        C(_l("Confirmed cases"), "int"), C(_l("Losses (yuan)"), "money"),
        C(_l("Note")), C(_l("Longitude")), C(_l("Latitude")), C(_l("Datum")), C(_l("Place (village or community)")),
    ), [(f"{r.month:%Y-%m}", r.grid_code, r.grid, r.company_code,
         r.company if r.company is not None else _("(whole grid)"), r.fraud_type, r.raw_reports, r.cases, r.loss_yuan,
         r.note, "" if r.longitude is None else degrees(r.longitude),
         "" if r.latitude is None else degrees(r.latitude),
         r.datum, r.place) for r in found.rows])
    return exports.render(report, fmt), f"incidents-{first:%Y-%m}-{last:%Y-%m}.{fmt}"
