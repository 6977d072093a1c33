"""Incidents in words: why a row of an import was left out, or a record refused (the reasons
incidents.rules and incidents.service give), in the reader's language. Used by the incidents views
and templates."""

from collections.abc import Callable
from datetime import date

from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from quizapp.incidents.rules import PlanCounts, Problem
from quizapp.wording import Messages

REASONS = {
    "empty_file": _l("The file is empty."),
    "too_big": _l("The file is too big (at most %(detail)s KB)."),
    "encoding": _l("The file's text encoding cannot be read: save it as UTF-8 or GBK (GB18030)."),
    "unreadable": _l("The file is not a readable CSV file."),
    "old_xls": _l("This is an old Excel file (.xls): save it as .xlsx or CSV and upload it again."),
    "not_xlsx": _l("The file is not a readable XLSX workbook."),
    "too_big_unpacked": _l("The workbook unpacks to more than %(detail)s MB: copy only its rows into a new workbook, "
                           "or save it as CSV, and upload that."),
    "unknown_column": _l("Unknown column."),
    "duplicate_column": _l("This column appears twice."),
    "missing_column": _l("This column is missing."),
    "no_rows": _l("The file has a header row but no data rows."),
    "too_many_rows": _l("Too many rows (at most %(detail)s)."),
    "formula": _l("A formula is not accepted: type the value itself."),
    "bad_month": _l("Not a month: write it as YYYY-MM, e.g. 2026-03."),
    "future_month": _l("This month has not started yet."),
    "unknown_company": _l("No company has this code."),
    "inactive_company": _l("This company is no longer active."),
    "outside_grids": _l("Outside your grids."),
    "unknown_grid": _l("No grid has this code."),
    "grid_mismatch": _l("The company %(detail)s is in another grid."),
    "grid_needed": _l("Name the grid when the company is left empty."),
    "unknown_fraud_type": _l("Unknown fraud type: use one of the fraud types listed on this page (its name or "
                             "code) or “other”."),
    "empty": _l("This cell is empty."),
    "not_a_number": _l("Not a number (losses may have two decimals)."),
    "negative": _l("A number cannot be negative."),
    "not_whole": _l("Cases are a whole number."),
    "too_large": _l("The number is too large."),
    "too_long": _l("Too long (at most %(detail)s characters)."),
    "duplicate": _l("Repeats row %(detail)s (same company or grid, month and fraud type)."),
    "exists": _l("A record for this company (or grid), month and fraud type exists already: edit it instead."),
    "expired": _l("This preview has expired (a preview is kept for %(detail)s hours). Please upload the file "
                  "again."),
    "preview_gone": _l("This preview was not found: it is no longer kept, or another account made it. Please "
                       "upload the file again."),
    "half_point": _l("Give both the longitude and the latitude, or neither."),
    "bad_longitude": _l("Not a longitude: decimal degrees from -180 to 180 (east is positive), e.g. 113.84."),
    "bad_latitude": _l("Not a latitude: decimal degrees from -90 to 90 (north is positive), e.g. 22.90."),
    "datum_needed": _l("Say which datum the point is in: WGS-84 (GPS) or GCJ-02 (AMap, Tencent, WeChat)."),
    "unknown_datum": _l("Unknown datum: write WGS-84 or GCJ-02."),
    "datum_without_point": _l("A datum is given but no point: give the longitude and latitude, or leave it empty."),
    "point_and_place": _l("Give a point or a place, not both."),
    "unknown_place": _l("This grid has no place of this name: the town admin keeps each grid's places."),
    "place_outside_grid": _l("This place is in another grid."),
    "already_imported": _l("This file was already imported: the stored records are as it says, nothing was "
                           "changed."),
    "changed": _l("The stored records changed since this preview was shown. Upload the file again to see what "
                  "it would change now."),
}


def reason_text(problem: Problem) -> str:
    """A row's problem (or a whole file's) in words."""
    return str(REASONS[problem.reason]) % {"detail": problem.detail}


def preview_summary(rows: int, counts: PlanCounts) -> str:
    """What confirming the preview's `rows` good rows would do: new records, records replaced
    with other values, and rows the stored records hold already (named as such, never as replaced)."""
    if not counts.changes:
        return str(_l("%(n)s rows are good, but importing them changes nothing: each is the same as its stored "
                      "record.")) % {"n": rows}
    if counts.unchanged:
        return str(_l("%(n)s rows are good: %(new)s new records, %(replaced)s replace stored ones, %(unchanged)s "
                      "are the same as their stored records and change nothing.")) % {
            "n": rows, "new": counts.added, "replaced": counts.replaced, "unchanged": counts.unchanged}
    return str(_l("%(n)s rows are good: %(new)s new records, %(replaced)s replace stored ones.")) % {
        "n": rows, "new": counts.added, "replaced": counts.replaced}


def import_summary(counts: PlanCounts) -> str:
    """What a confirmed import did, counted as preview_summary counts it."""
    if not counts.changes:
        return str(_l("Nothing changed: %(n)s rows are the same as the stored records.")) % {"n": counts.unchanged}
    if counts.unchanged:
        return str(_l("Imported: %(added)s new records, %(replaced)s replaced, %(unchanged)s unchanged (the same "
                      "as the stored records).")) % {
            "added": counts.added, "replaced": counts.replaced, "unchanged": counts.unchanged}
    return str(_l("Imported: %(added)s new records, %(replaced)s replaced.")) % {
        "added": counts.added, "replaced": counts.replaced}


def _message(reason: str) -> Callable[..., str]:
    return lambda detail="": str(REASONS[reason]) % {"detail": detail}


# A record refused (incidents.service.save_incident): "incidents.<reason>", worded as the import's rows.
MESSAGES: Messages = {f"incidents.{reason}": _message(reason) for reason in REASONS}


# --- the "three declines" and quiet months, as every surface words them ---------------------------

# The three figures in the order the town names them (incidents.rules.FIGURES).
FIGURE_NAMES = {"raw_reports": _l("Raw reports (原始警情)"), "cases": _l("Confirmed cases (确认警情)"),
                "loss_yuan": _l("Losses (损失金额, yuan)")}


def verdict(value: bool | None) -> str:
    """Whether a figure declined year on year (metrics.declined), in words: "declined" (下降), "did
    not decline" (未下降), or "–" where it is not compared (a month in progress, nothing either year)."""
    if value is None:
        return "–"
    return str(_l("declined")) if value else str(_l("did not decline"))


def zero_run(months: int | None) -> str:
    """"连续 N 个月零发案" (metrics.zero_case_months), or "–" when there is no run: no case ever
    recorded, or a case in the last complete month."""
    if not months:
        return "–"
    return ngettext("%(num)d month in a row with zero cases", "%(num)d months in a row with zero cases", months)


def quiet_months(months: int | None) -> str:
    """Months without a case (metrics.months_without_case) as a number, "–" when no case was ever
    recorded."""
    return "–" if months is None else str(months)


def figure_name(name: str) -> str:
    """One of the three figures' names (FIGURE_NAMES) in the reader's language."""
    return str(FIGURE_NAMES[name])


def basis(month: date, partial: bool) -> str:
    """What a year-on-year comparison compares (incidents.rules.YearOnYear), as every surface says it."""
    if partial:
        return str(_l("%(month)s is still in progress: incidents are recorded by month, so it cannot be set against "
                      "the same days of last year's month and is not compared. The year to date runs through the "
                      "last complete month.")) % {"month": f"{month:%Y-%m}"}
    return str(_l("%(month)s is complete: it is compared with the whole of the same month last year.")) % {
        "month": f"{month:%Y-%m}"}
