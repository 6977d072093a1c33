"""A register import's preview as a spreadsheet, for the town admin who wants to check every change
in Excel before applying it (the preview page lists them too, long lists folded): one line per
field that would change, with the row of the file, the value now and after the import; the
companies and grids not in the file; the open supervision cases applying would close; and the
problems. Used by register.views; the plan is register.rules.plan's."""

from __future__ import annotations

from datetime import date

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from quizapp.exports import service as exports
from quizapp.register.rules.file import format_shifts, format_workdays
from quizapp.register.rules.plan import Plan, TownCase
from quizapp.register.wording import FIELDS, describe
from quizapp.rules.vocab import CaseRule
from quizapp.supervision.wording import RULE_LABELS
from quizapp.web import content_lang


def _value(plan: Plan, name: str, value: object) -> str:
    if name == "active":
        return _("Active") if value else _("Inactive")
    if name == "workdays":
        return format_workdays(str(value or ""))
    if name == "shifts":
        return format_shifts(value, "；" if content_lang() == "zh" else "; ") if isinstance(value, list | tuple) else ""
    if name == "grid":
        return plan.grid_label(str(value or ""))
    return "" if value is None else str(value)


def _case(plan: Plan, case: TownCase, note: str) -> tuple:
    company = plan.companies[case.company_id]
    rule = RULE_LABELS.get(CaseRule(case.rule), case.rule)
    return (None, _("Supervision case to close"), company.code, company.name, _("Case %(id)s", id=case.id),
            _("open: %(rule)s, since %(day)s", rule=rule, day=case.opened_on.isoformat()), _("closed"), note)


def preview_rows(plan: Plan, file_problems: list[dict]) -> list[tuple]:
    """(row, what happens, code, name, field, now, after the import, note), in the preview's order."""
    rows: list[tuple] = []
    for grid in plan.new_grids:
        rows.append((grid.row, _("Grid to add"), grid.code, grid.name, str(FIELDS["grid_name"]), "", grid.name, ""))
    for grid_change in plan.changed_grids:
        for name, old, new in grid_change.fields:
            rows.append((grid_change.row, _("Grid to change"), grid_change.grid.code, grid_change.grid.name,
                         str(FIELDS[name]), _value(plan, name, old), _value(plan, name, new), ""))
    for company in plan.new_companies:
        for name, value in (("company_name", company.name), ("grid", company.grid_code),
                            ("questions_per_quiz", company.questions_per_quiz), ("workdays", company.workdays),
                            ("shifts", company.shifts), ("active", company.active)):
            rows.append((company.row, _("Company to add"), company.code, company.name, str(FIELDS[name]), "",
                         _value(plan, name, value), ""))
    for change in plan.changed_companies:
        for name, old, new in change.fields:
            rows.append((change.row, _("Moves to another grid") if name == "grid" else _("Company to change"),
                         change.company.code, change.company.name, str(FIELDS[name]), _value(plan, name, old),
                         _value(plan, name, new), ""))
    if_ticked = _("Only if “Deactivate the companies and grids that are not in this file” is ticked.")
    for missing in plan.missing_companies:
        rows.append((None, _("Company not in the file"), missing.code, missing.name, str(FIELDS["active"]),
                     _("Active"), _("Inactive"), if_ticked))
    for grid_missing in plan.missing_grids:
        rows.append((None, _("Grid not in the file"), grid_missing.code, grid_missing.name, str(FIELDS["active"]),
                     _("Active"), _("Inactive"), if_ticked))
    rows += [_case(plan, case, _("The file deactivates the company.")) for case in plan.cases_closed]
    rows += [_case(plan, case, if_ticked) for case in plan.cases_closed_if_deactivated]
    for bad in sorted([*file_problems, *plan.problems], key=lambda p: (p["row"], p["column"])):
        rows.append((bad["row"] or None, _("Problem"), bad.get("company_code") or bad.get("grid_code", ""), "",
                     bad.get("column", ""), "", bad.get("value", ""), describe(bad)))
    return rows


def preview(plan: Plan, file_problems: list[dict], fmt: str, import_id: int, today: date) -> tuple[bytes, str]:
    """Every change of the preview as CSV or XLSX, and the file's name (ASCII)."""
    C = exports.Column
    report = exports.Report("register-preview", _l("Register import preview"), today, today, (
        C(_l("Row"), "int"), C(_l("What happens")), C(_l("Code")), C(_l("Name")), C(_l("Field")),
        C(_l("Now")), C(_l("After the import")), C(_l("Note")),
    ), preview_rows(plan, file_problems))
    return exports.render(report, fmt), f"register-preview-{import_id}.{fmt}"
