"""A roster import's preview as a spreadsheet, for company staff who want to check every change
in Excel before applying it (the preview page lists them too, long lists folded): each new worker,
one line per field that would change (the row of the file, the value now and after the import),
the workers not in the file, and the rows left out, with why. Used by roster.views; the plan is
roster.rules'."""

from __future__ import annotations

from datetime import date

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from quizapp.exports import service as exports
from quizapp.roster.rules import OPTIONAL, Plan, new_worker
from quizapp.roster.wording import FIELDS, away_note, describe


def _value(name: str, value: object) -> str:
    if name == "active":
        return _("Active") if value else _("Inactive")
    if isinstance(value, date):
        return value.isoformat()
    return "" if value is None else str(value)


def preview_rows(plan: Plan, left_out: list[dict], today: date) -> list[tuple]:
    """(row, what happens, employee number, name, field, now, after the import, note), in the
    preview's order: added, changed (a worker back on the roster noting the days they were away,
    which stay not counted, if the import is applied `today`), not in the file, left out."""
    rows: list[tuple] = []
    # A new worker on one line (team / shift / start date), not one per field: a 12,000-row file
    # of new workers stays a 12,000-line sheet, quick to write and to scroll.
    new_fields = " / ".join(str(FIELDS[name]) for name in OPTIONAL)
    for added in plan.added:
        fields = new_worker(added)
        rows.append((added["row"], _("To add"), fields["employee_no"], fields["name"], new_fields, "",
                     " / ".join(_value(name, fields[name]) or "–" for name in OPTIONAL), ""))
    for change in plan.changed:
        away = change.away(today)
        for name, old, new in change.fields:
            emptied = new is None or new == ""
            rows.append((change.row["row"], _("To be emptied") if emptied else _("To change"),
                         change.current.employee_no, change.current.name, str(FIELDS[name]), _value(name, old),
                         _value(name, new), away_note(away) if name == "active" and away else ""))
    for worker in plan.missing:
        rows.append((None, _("Not in the file"), worker.employee_no, worker.name, str(FIELDS["active"]),
                     _value("active", True), _value("active", False),
                     _("Deactivated only if “Also deactivate the workers who are not in this file” is ticked.")))
    for bad in left_out:
        rows.append((bad["row"] or None, _("Left out"), bad.get("employee_no", ""), "", bad.get("column", ""),
                     "", bad.get("value", ""), describe(bad)))
    return rows


def preview(plan: Plan, left_out: list[dict], fmt: str, import_id: int, today: date) -> tuple[bytes, str]:
    """Every change of the preview as CSV or XLSX, and the file's name (ASCII)."""
    C = exports.Column
    report = exports.Report("roster-preview", _l("Roster import preview"), today, today, (
        C(_l("Row"), "int"), C(_l("What happens")), C(_l("Employee number")), C(_l("Name")), C(_l("Field")),
        C(_l("Now")), C(_l("After the import")), C(_l("Note")),
    ), preview_rows(plan, left_out, today))
    return exports.render(report, fmt), f"roster-preview-{import_id}.{fmt}"
