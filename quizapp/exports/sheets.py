"""A company's exports laid out as sheets: each report's title, column headers and the few cells
that are words (yes/no, active/inactive, no team), in the reader's language. The rows come from
exports.service; the files are written there too (CSV and XLSX)."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from quizapp.exports.service import Column, Download, Found, Report, filename, render


def _yes_no(flag: bool) -> str:
    return _("yes") if flag else _("no")


def _by_day(found: Found) -> Report:
    # A day without data (no rollup row) has empty figures and says so (docs/metrics.md).
    rows = [(p.day, _yes_no(p.workday), p.headcount if p.has_data else None, p.done if p.has_data else None,
             p.participation, p.average_score, "" if p.has_data else _("no data (no daily record)"))
            for p in found.rows]
    return Report("by-day", _l("Completion by day"), found.first, found.last, (
        Column(_l("Date"), "date"), Column(_l("Workday")), Column(_l("Active workers"), "int"),
        Column(_l("Done"), "int"), Column(_l("Participation"), "share"), Column(_l("Average score"), "share"),
        Column(_l("Note")),
    ), rows)


def _by_team(found: Found) -> Report:
    rows = [(s.name or _("(no team)"), s.headcount, s.expected, s.done, s.participation, s.average_score)
            for s in found.rows]
    return Report("by-team", _l("Completion by team"), found.first, found.last, (
        Column(_l("Team")), Column(_l("Active workers"), "int"), Column(_l("Quizzes expected"), "int"),
        Column(_l("Done"), "int"), Column(_l("Participation"), "share"), Column(_l("Average score"), "share"),
    ), rows)


def _by_worker(found: Found) -> Report:
    rows = [(w.employee_no, w.name, w.team, w.shift, _("active") if w.active else _("inactive"), w.expected, w.done,
             w.participation, w.average_score, w.last_quiz) for w in found.rows]
    return Report("by-worker", _l("Completion by worker"), found.first, found.last, (
        Column(_l("Employee number")), Column(_l("Name")), Column(_l("Team")), Column(_l("Shift")),
        Column(_l("Status")), Column(_l("Quizzes expected"), "int"), Column(_l("Done"), "int"),
        Column(_l("Participation"), "share"), Column(_l("Average score"), "share"),
        Column(_l("Last quiz"), "date"),
    ), rows)


LAYOUTS = {"by-day": _by_day, "by-team": _by_team, "by-worker": _by_worker}


def report(found: Found) -> Report:
    """The rows under their headers, ready to write."""
    return LAYOUTS[found.slug](found)


def download(export: Download, fmt: str) -> tuple[bytes, str]:
    """The export as a CSV or XLSX file, and its name."""
    laid_out = report(export.found)
    return render(laid_out, fmt), filename(export.company_code, laid_out, fmt)
