"""The outreach ledger's export as CSV or XLSX, headed in the reader's language (the records
come from outreach.service.export_ledger); and the import's template."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from quizapp.exports import service as exports
from quizapp.outreach.service import Exported
from quizapp.outreach.wording import kind_name


def ledger(found: Exported, fmt: str) -> tuple[bytes, str]:
    """Every record of the span, oldest first, as CSV or XLSX, and the file's name."""
    first, last = found.span.first, found.span.last
    report = exports.Report("outreach", _l("Outreach ledger"), first, last, (
        exports.Column(_l("Date"), "date"), exports.Column(_l("Grid")), exports.Column(_l("Company")),
        exports.Column(_l("Kind of activity")), exports.Column(_l("Place or unit")), exports.Column(_l("Speaker")),
        exports.Column(_l("People reached"), "int"), exports.Column(_l("Note")),
    ), [(r.day, found.grids.get(r.grid_id, ""), found.companies.get(r.company_id or 0, ""), kind_name(r.kind),
         r.place, r.speaker, r.people, r.note) for r in found.records])
    return exports.render(report, fmt), f"outreach-{first:%Y-%m}-{last:%Y-%m}.{fmt}"
