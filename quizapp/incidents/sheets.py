"""The incidents export as a spreadsheet, headed in the reader's language; the records come from
incidents.service.export_incidents."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from quizapp.exports import service as exports
from quizapp.incidents.service import ExportedRecords


def incidents(found: ExportedRecords, fmt: str) -> tuple[bytes, str]:
    """The records of the months exported, as CSV or XLSX, and the file's name."""
    first, last = found.months[0], found.months[-1]
    report = exports.Report("incidents", _l("Fraud incidents"), first, last, (
        exports.Column(_l("Month")), exports.Column(_l("Grid")), exports.Column(_l("Company code")),
        exports.Column(_l("Company")), exports.Column(_l("Fraud type")), exports.Column(_l("Cases"), "int"),
        exports.Column(_l("Losses (yuan)"), "money"), exports.Column(_l("Note")),
    ), [(f"{r.month:%Y-%m}", r.grid, r.company_code, r.company if r.company is not None else _("(whole grid)"),
         r.fraud_type, r.cases, r.loss_yuan, r.note) for r in found.rows])
    return exports.render(report, fmt), f"incidents-{first:%Y-%m}-{last:%Y-%m}.{fmt}"
