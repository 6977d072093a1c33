"""Exports for a company's outreach staff: completion by day, by worker and by team, as CSV and XLSX.

Used by the console's export downloads (exports.sheets lays the rows out under headers in the
reader's language) and, for writing files, by every feature's sheets.py. Owns what each report
contains (always the staff member's own company only) and how a file is written: CSV that Excel
opens correctly (UTF-8 with BOM, CRLF), XLSX with a frozen header row, and no cell that a
spreadsheet could run as a formula.
"""

from __future__ import annotations

import csv
import io
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, NamedTuple

from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from sqlalchemy import and_, func, or_, select

from quizapp import scope
from quizapp.audit import service as audit
from quizapp.extensions import db
from quizapp.models import Attempt, Employee, EmployeeAbsence, StaffUser
from quizapp.rules import metrics
from quizapp.rules.inputs import csv_safe, xml_safe
from quizapp.rules.metrics import Span, counted_from, counted_until, share
from quizapp.rules.ordering import team_key
from quizapp.rules.spreadsheets import looks_like_formula
from quizapp.rules.zones import configured_zone, to_local
from quizapp.trends import service as trends
from quizapp.trends.rules import period, worker_participation, worker_workdays

REPORTS = ("by-day", "by-worker", "by-team")
FORMATS = ("csv", "xlsx")


@dataclass(frozen=True)
class Column:
    header: Any  # words, or a lazy translation (a sheets.py module's): written as str(header)
    kind: str = "text"  # text, int, share, date


@dataclass(frozen=True)
class Report:
    slug: str
    title: Any
    first: date
    last: date
    columns: tuple[Column, ...]
    rows: list[tuple]


def neutralise(value: str) -> str:
    """Text as a spreadsheet cell may hold it: without control characters (a NUL or \x01 stored
    before the forms refused them: XLSX cannot hold them, CSV readers stop at them) nor what XML
    refuses; and text a spreadsheet would take for a formula (CSV injection) gets a leading
    apostrophe, which shows it as text."""
    value = str(xml_safe(csv_safe(value)))
    return "'" + value if looks_like_formula(value) else value


@dataclass(frozen=True)
class WorkerRow:
    employee_no: str
    name: str
    team: str
    shift: str
    active: bool
    expected: int  # the period's workdays within the worker's active dates
    done: int
    participation: float | None
    average_score: float | None
    last_quiz: date | None


class _Quizzes(NamedTuple):
    """A worker's official quizzes done in a period (exports.by_worker)."""

    done: int = 0
    on_workdays: int = 0
    score: int = 0
    questions: int = 0
    latest: date | None = None


@dataclass(frozen=True)
class Found:
    """A report's rows as data, for `slug` over `first` to `last`: trends' day points (by-day),
    its team breakdowns (by-team) or WorkerRows (by-worker). exports.sheets words and lays them out."""

    slug: str
    first: date
    last: date
    rows: list


def by_day(actor: StaffUser, today: date, days: int, now: datetime) -> Found:
    """One row per day: workday, active workers, done, participation, average score (the company
    figures of the trends page: a past day's rollup row, today live; a day without data has none)."""
    company = scope.own_company(actor)
    dates = period(today, days)
    return Found("by-day", dates[0], dates[-1], list(trends.company_series(company, dates, today, now)))


def by_team(actor: StaffUser, today: date, days: int, now: datetime) -> Found:
    """One row per team over the period: active workers now, quizzes expected, done, participation,
    average score (the trends page's teams: the company's days with data only)."""
    company = scope.own_company(actor)
    dates = period(today, days)
    with_data = trends.workdays_with_data(trends.company_series(company, dates, today, now))
    return Found("by-team", dates[0], dates[-1],
                 sorted(trends.group_breakdowns(company, dates, now, ("team",), with_data)["team"],
                        key=lambda s: team_key(s.name)))


def by_worker(actor: StaffUser, today: date, days: int, now: datetime) -> Found:
    """One row per worker of the company who was on the roster or took a quiz in the period.

    Each worker counts on the days they were on the roster (metrics.counted_from through
    counted_until, less the days they were away and came back from: metrics.counted_on, the rule
    of the company's headcount and of its teams, so a worker deactivated today keeps the days
    before, and one who came back is not expected on the days away). Expected: the period's
    workdays with data on which the worker counts. Done: their official quizzes done on those days
    (metrics' "done": finished, or their time ran out, closed or not; a quiz on a day off is done,
    not expected). Participation: done on expected workdays ÷ expected. Four queries: the workers,
    their absences in the period, their official attempts done on days they count
    (scope.active_on, the same rule in SQL) grouped by worker, and who took any.
    """
    company = scope.own_company(actor)
    dates = period(today, days)
    first, last = dates[0], dates[-1]
    with_data = trends.workdays_with_data(trends.company_series(company, dates, today, now))
    workday_list = sorted(d for d, workday in with_data.items() if workday)
    in_period = (Attempt.company_id == company.id, *trends.official_done(now), *trends.in_period(first, last))
    totals = {wid: _Quizzes(done, on_workdays, int(score or 0), int(questions or 0), latest)
              for wid, done, on_workdays, score, questions, latest in db.session.execute(
                  select(Attempt.employee_id, func.count(Attempt.id),
                         func.count(Attempt.id).filter(Attempt.local_date.in_(workday_list)),
                         func.sum(Attempt.score), func.sum(Attempt.total), func.max(Attempt.local_date))
                  .join(Employee, Employee.id == Attempt.employee_id)
                  .where(*in_period, *scope.active_on(Attempt.local_date)).group_by(Attempt.employee_id))}
    # On the roster now, a quiz in the period, or deactivated after its first day (counted on some
    # of its days); of the last, those who count on none (deactivated before dates were kept) are
    # dropped below.
    workers = sorted(db.session.scalars(select(Employee).where(
        Employee.company_id == company.id,
        or_(Employee.active.is_(True), Employee.id.in_(select(Attempt.employee_id).where(*in_period)),
            ~and_(*scope.left_before(first + timedelta(days=1)))))),
        key=lambda e: (team_key(e.team), e.employee_no))
    # Listed too, with nothing counted: a worker with a quiz in the period on no day they count
    # (deactivated before the day was kept).
    quizzed = set(db.session.scalars(select(Attempt.employee_id).where(*in_period).distinct()))
    away: dict[int, list[Span]] = {}
    for worker_id, first_day, last_day in db.session.execute(
            select(EmployeeAbsence.employee_id, EmployeeAbsence.first_day, EmployeeAbsence.last_day)
            .join(Employee, Employee.id == EmployeeAbsence.employee_id)
            .where(Employee.company_id == company.id, *scope.away_between(first, last))):
        away.setdefault(worker_id, []).append(Span(first_day, last_day))
    zone = configured_zone()
    rows = []
    for worker in workers:
        found = totals.get(worker.id, _Quizzes())
        start = counted_from(worker.active_from, to_local(worker.created_at, zone).date())
        until = counted_until(worker.active, worker.active_until)
        expected = worker_workdays(workday_list, max(first, start), min(last, until or last), away.get(worker.id, ()))
        if not (worker.active or worker.id in quizzed or (until is not None and until >= first)):
            continue
        rows.append(WorkerRow(worker.employee_no, worker.name, worker.team, worker.shift, worker.active, expected,
                              found.done, worker_participation(found.on_workdays, expected),
                              share(found.score, found.questions), found.latest))
    return Found("by-worker", first, last, rows)


BUILDERS = {"by-day": by_day, "by-worker": by_worker, "by-team": by_team}


def build(actor: StaffUser, report: str, today: date, days: int, now: datetime) -> Found:
    return BUILDERS[report](actor, today, days, now)


def _csv_value(value: Any, kind: str) -> str:
    if value is None:
        return ""
    if kind == "share":
        # "62.5%" is what Excel itself writes and reads back as the number 0.625; rounded half up,
        # as every page rounds (metrics.percent).
        return f"{metrics.percent_number(value, 1):.1f}%"
    if kind == "date":
        return value.isoformat()
    if kind == "int":
        return str(int(value))
    if kind == "money":
        return f"{value:.2f}"  # a Decimal, written to the fen as stored
    return neutralise(str(value))


def to_csv(report: Report) -> bytes:
    """UTF-8 with a byte-order mark and CRLF line ends: how Excel on Chinese Windows recognises
    UTF-8 (without the BOM it reads the file as GBK and the Chinese turns to noise)."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([neutralise(str(c.header)) for c in report.columns])
    for row in report.rows:
        writer.writerow([_csv_value(v, c.kind) for v, c in zip(row, report.columns, strict=False)])
    return b"\xef\xbb\xbf" + out.getvalue().encode("utf-8")


def display_width(text: str) -> int:
    """Columns a text takes in a spreadsheet: Chinese characters are twice as wide as Latin ones."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def to_xlsx(report: Report) -> bytes:
    """One sheet: a bold header row, frozen so it stays on screen, a filter, and columns as wide
    as their content (within reason); shares as percentages and dates as dates."""
    return to_xlsx_book([report])


MIMETYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def render(report: Report, fmt: str) -> bytes:
    return to_csv(report) if fmt == "csv" else to_xlsx(report)


def filename(company_code: str, report: Report, fmt: str) -> str:
    return f"{company_code}-{report.slug}-{report.first.isoformat()}-{report.last.isoformat()}.{fmt}"


@dataclass(frozen=True)
class Download:
    company_code: str
    found: Found


def download(actor: StaffUser, report: str, fmt: str, today: date, days: int, now: datetime) -> Download:
    """A company staff member's export (exports.sheets.download writes the file; "screen": shown on
    a page, for WeChat's browser, which saves no files); written to the audit log, since a
    by-worker export carries names and results (the caller commits)."""
    found = build(actor, report, today, days, now)
    company = scope.own_company(actor)
    audit.record(actor, "export.console", {"company": company.code, "report": report, "days": days, "format": fmt})
    return Download(company.code, found)


def cell_text(value: Any, kind: str) -> str:
    """A value as the CSV writes it (a share as 62.5%, a date as 2026-11-23, nothing as "")."""
    return _csv_value(value, kind)


def to_text(report: Report) -> str:
    """The report as text to copy: a header line, then a line per row, the values as in the CSV,
    separated by tabs, so that it pastes into Excel or WPS as a table and into a chat as lines."""
    def line(values) -> str:
        return "\t".join(value.replace("\t", " ").replace("\n", " ") for value in values)
    return "\n".join([line(neutralise(str(c.header)) for c in report.columns),
                      *(line(_csv_value(v, c.kind) for v, c in zip(row, report.columns, strict=True))
                        for row in report.rows)])


# --- Workbooks of several sheets (periodic.service: the weekly and monthly reports) ----------------

@dataclass(frozen=True)
class Typed:
    """A cell whose kind is not its column's: on a summary sheet one row holds a share, the next a
    count or an amount of money."""

    value: Any
    kind: str = "text"


# Cell formats by kind; amounts in yuan, and changes in percentage points (5.0 = five points).
SHEET_FORMATS = {"share": "0.0%", "date": "yyyy-mm-dd", "int": "0", "money": "#,##0.00", "points": "+0.0;-0.0;0.0"}


def sheet_title(report: Report) -> str:
    """A sheet's name: the report's title without the characters Excel refuses ([]:*?/\\), at
    most 31 characters."""
    return "".join(ch for ch in str(report.title) if ch not in "[]:*?/\\")[:31] or report.slug


def write_sheet(sheet, report: Report) -> None:
    """One report on one sheet: a bold header row, frozen, a filter, columns as wide as their
    content, no cell a spreadsheet could run as a formula; a Typed value brings its own kind and
    number format."""
    headers = [neutralise(str(c.header)) for c in report.columns]
    sheet.append(headers)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="E8F0FB")
    widths = [display_width(h) for h in headers]
    for row_number, row in enumerate(report.rows, start=2):
        for i, (value, column) in enumerate(zip(row, report.columns, strict=False)):
            kind = value.kind if isinstance(value, Typed) else column.kind
            value = value.value if isinstance(value, Typed) else value
            if kind == "text" and value is not None:
                value = neutralise(str(value))
            cell = sheet.cell(row=row_number, column=i + 1, value=value)
            if kind in SHEET_FORMATS and value is not None:
                cell.number_format = SHEET_FORMATS[kind]
            shown = len("2026-01-01") if kind == "date" else display_width("" if value is None else str(value))
            widths[i] = max(widths[i], shown if kind != "share" else 6)
    for i in range(len(report.columns)):
        sheet.column_dimensions[get_column_letter(i + 1)].width = min(max(widths[i] + 2, 8), 60)
    sheet.freeze_panes = "A2"
    if report.rows:
        sheet.auto_filter.ref = sheet.dimensions


def to_xlsx_book(reports: list[Report]) -> bytes:
    """Several reports in one workbook, one sheet each, in the order given."""
    workbook = Workbook()
    workbook.remove(workbook.worksheets[0])  # the empty sheet a new workbook starts with
    for report in reports:
        write_sheet(workbook.create_sheet(sheet_title(report)), report)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
