"""Fraud incidents as pure rules: which topics are fraud types, months, the incident file format
(CSV or XLSX), its bad rows and what an import would write, and the figures the incidents page shows (year-on-year
change, months without a case, cases beside participation).

Used by incidents.service and supervision.service. Owns the file rules (accepted encodings and
header names, what makes a row bad, numbered as a spreadsheet shows it: header = row 1, refusing
formulas; a blank note keeps the stored one, the clear marker empties it) and the definitions in
docs/supervision.md. No Flask and no database here.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Callable, Iterable
from contextlib import closing
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation

from quizapp.places import rules as places
from quizapp.rules import metrics
from quizapp.rules.spreadsheets import (
    SheetError,
    cell_text,
    header_test,
    is_clear_marker,
    looks_like_formula,
    read_sheet,
    spelling_key,
)

OTHER = "other"
# The one fraud type that is not a topic of the question bank; named in both languages like a topic.
OTHER_NAMES = {"zh": "其他", "en": "Other"}
# Topics of the question bank that are not fraud types, so never an incident's type: the official
# anti-fraud tools and rules (guanfang), and renting out bank and phone cards (liangka: a crime the
# worker is drawn into, counted by the police apart from fraud cases, with no victim's loss), and
# two techniques that serve many frauds rather than being one (screen sharing, pingmu; AI face and
# voice cloning, aihuanlian): a case that used them is filed under the fraud it served (a fake
# customer-service refund, a fake boss), as the police classify it.
NOT_FRAUD_TYPES = frozenset({"guanfang", "liangka", "pingmu", "aihuanlian"})
MAX_BYTES = 1024 * 1024
MAX_ROWS = 2000  # a town's monthly incident sheet is a few hundred rows; this keeps the preview small
MAX_CASES = 100_000
MAX_LOSS = Decimal("999999999999.99")  # Numeric(14, 2)
MAX_NOTE = 500

# The template's header row; the Chinese names are the file format, like a CSV spec.
HEADERS = {"month": "月份", "grid": "网格", "company": "企业编码", "fraud_type": "诈骗类型",
           "raw_reports": "原始警情", "cases": "案件数", "loss_yuan": "损失金额(元)", "note": "备注",
           # Where (optional, places.rules): a point with its datum, or a place of the grid.
           "longitude": "经度", "latitude": "纬度", "datum": "坐标系", "place": "村/社区"}
REQUIRED = ("month", "company", "fraud_type", "cases", "loss_yuan")
_ALIASES = {
    "month": ["月份", "月", "month"],
    "grid": ["网格", "网格编码", "网格代码", "grid", "grid code"],
    "company": ["企业编码", "企业代码", "公司编码", "单位编码", "company", "company code"],
    "fraud_type": ["诈骗类型", "案件类型", "类型", "fraud type", "type"],
    "cases": ["案件数", "发案数", "案件", "发案", "确认警情", "确认警情数", "cases", "confirmed cases"],
    # Optional: a file without it (or a blank cell) keeps a stored record's raw count (a new one: 0).
    "raw_reports": ["原始警情", "原始警情数", "警情数", "raw reports", "raw"],
    "loss_yuan": ["损失金额", "损失", "损失金额元", "loss", "losses", "loss yuan"],
    "note": ["备注", "说明", "note", "notes"],
    "longitude": ["经度", "longitude", "lon", "lng"],
    "latitude": ["纬度", "latitude", "lat"],
    "datum": ["坐标系", "坐标系统", "datum", "crs"],
    "place": ["村/社区", "村社区", "村", "社区", "地点", "place", "village", "community"],
    # Read and left alone: the names the export writes beside the codes, for people.
    "grid_name": ["网格名称", "grid name"],
    "company_name": ["企业名称", "公司名称", "单位名称", "company name"],
}
# Cells that may start with "-" (a longitude west, a latitude south) or "+": read as numbers.
NUMBER_CELLS = ("cases", "loss_yuan", "longitude", "latitude", "raw_reports")


def _key(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).casefold()
    text = re.sub(r"\(.*?\)", "", text)  # "损失金额(元)", "企业编码（可空）"
    return re.sub(r"[\s_\-./*:]", "", text)


HEADER_KEYS = {_key(alias): name for name, aliases in _ALIASES.items() for alias in aliases}


def is_fraud_type(slug: str) -> bool:
    """A topic slug an incident may be recorded under (and "other")."""
    return slug not in NOT_FRAUD_TYPES


# --- months -----------------------------------------------------------------------------------

def month_start(day: date) -> date:
    return day.replace(day=1)


def add_months(month: date, count: int) -> date:
    index = month.year * 12 + month.month - 1 + count
    return date(index // 12, index % 12 + 1, 1)


def months_between(first: date, last: date) -> list[date]:
    """Every month from `first` to `last` (first days of months), oldest first."""
    months, month = [], month_start(first)
    while month <= last:
        months.append(month)
        month = add_months(month, 1)
    return months


_MONTH = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*(?:月|[-/.]\s*\d{1,2}\s*日?)?$")


def parse_month(text: str) -> date:
    """A month written 2026-03 (also 2026-3, 2026/03, 2026年3月, or a date in that month, which
    is what a spreadsheet makes of a typed month). Raises ValueError otherwise."""
    match = _MONTH.match(unicodedata.normalize("NFKC", text).strip())
    if not match:
        raise ValueError(text)
    year, month = int(match.group(1)), int(match.group(2))
    if not 2000 <= year <= 2100 or not 1 <= month <= 12:
        raise ValueError(text)
    return date(year, month, 1)


# --- the incident file ------------------------------------------------------------------------

@dataclass(frozen=True)
class CompanyRef:
    id: int
    code: str
    grid_id: int
    active: bool = True


@dataclass(frozen=True)
class GridRef:
    id: int
    code: str


@dataclass
class ImportScope:
    """What a row is checked against: every company and grid by code (to tell an unknown code from
    one outside the officer's grids), the ones the officer may record for, and the fraud types
    (any accepted spelling, as type_key has it, to its slug)."""

    today: date
    companies: dict[str, CompanyRef]
    grids: dict[str, GridRef]
    visible_company_ids: frozenset[int]
    visible_grid_ids: frozenset[int]
    fraud_types: dict[str, str]
    places: dict[tuple[int, str], int] = field(default_factory=dict)  # (grid id, places.place_key) -> id

    def company(self, code: str) -> CompanyRef | None:
        return self.companies.get(code.casefold())

    def grid(self, code: str) -> GridRef | None:
        return self.grids.get(code.casefold())


@dataclass(frozen=True)
class Problem:
    row: int  # 0: the file as a whole
    column: str
    reason: str  # a code; incidents.wording.REASONS has the words
    value: str = ""
    detail: str = ""


@dataclass(frozen=True)
class IncidentRow:
    """A good row, ready to store. `raw` is the row as checked (codes and text), which is what the
    confirmation carries and checks again. An empty `note` keeps a stored record's note, unless
    the cell held the clear marker (`note_cleared`)."""

    row: int
    grid_id: int
    company_id: int | None
    month: date
    fraud_type: str
    cases: int
    loss_yuan: Decimal
    note: str
    raw: dict
    note_cleared: bool = False
    point: places.Point | None = None  # where, if given: a point, or
    place_id: int | None = None  # one of the grid's places
    raw_reports: int | None = None  # None: not in the file (a stored record keeps its own)

    @property
    def key(self) -> tuple:
        return (self.grid_id, self.company_id, self.month, self.fraud_type)


@dataclass
class ParsedIncidents:
    rows: list[IncidentRow] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    sheet: str | None = None  # the XLSX sheet read (None: a CSV)
    other_sheets: list[str] = field(default_factory=list)  # the workbook's other visible sheets with data

    @property
    def ok(self) -> bool:
        return bool(self.rows) and not self.problems


def _clean(value: str | None) -> str:
    return re.sub(r"\s+", " ", value or "").strip()


def _number(text: str, whole: bool) -> tuple[Decimal | None, str]:
    """The cell as a number, or why not: "", "empty", "negative", "not_whole", "not_a_number",
    "formula", "too_large"."""
    text = unicodedata.normalize("NFKC", text).replace(",", "").replace(" ", "")
    text = text.removeprefix("¥").removesuffix("元")
    if not text:
        return None, "empty"
    if not re.fullmatch(r"-?\d+(\.\d+)?", text):
        return None, "formula" if looks_like_formula(text) else "not_a_number"
    try:
        value = Decimal(text)
    except InvalidOperation:
        return None, "not_a_number"
    if value < 0:
        return None, "negative"
    if whole and value != value.to_integral_value():
        return None, "not_whole"
    if not whole and value != value.quantize(Decimal("0.01")):
        return None, "not_a_number"
    if value > (MAX_CASES if whole else MAX_LOSS):
        return None, "too_large"
    return value, ""


def check_row(number: int, raw: dict, scope: ImportScope) -> tuple[IncidentRow | None, list[Problem]]:
    """One row's cells (text by field name) checked against the scope. A company names its grid;
    without a company the row is for a whole grid, named in the grid column (or the officer's only
    grid). The month may not lie after the current one."""
    problems: list[Problem] = []

    def bad(name: str, reason: str, detail: str = "") -> None:
        problems.append(Problem(number, HEADERS[name], reason, raw.get(name, "")[:80], detail))

    for name in HEADERS:
        if looks_like_formula(raw.get(name, "")) and name not in NUMBER_CELLS:
            bad(name, "formula")
    if problems:
        return None, problems
    month = None
    try:
        month = parse_month(raw.get("month", ""))
        if month > month_start(scope.today):
            bad("month", "future_month")
    except ValueError:
        bad("month", "bad_month")
    company, grid = None, None
    if raw.get("company"):
        company = scope.company(raw["company"])
        if company is None:
            bad("company", "unknown_company")
        elif company.id not in scope.visible_company_ids:
            bad("company", "outside_grids" if company.active else "inactive_company")
    if raw.get("grid"):
        grid = scope.grid(raw["grid"])
        if grid is None:
            bad("grid", "unknown_grid")
        elif grid.id not in scope.visible_grid_ids:
            bad("grid", "outside_grids")
        elif company is not None and company.grid_id != grid.id:
            bad("grid", "grid_mismatch", raw["company"])
    grid_id = company.grid_id if company else grid.id if grid else None
    if grid_id is None and not raw.get("company") and not raw.get("grid"):
        if len(scope.visible_grid_ids) == 1:
            grid_id = next(iter(scope.visible_grid_ids))
        else:
            bad("grid", "grid_needed")
    fraud_type = scope.fraud_types.get(spelling_key(raw.get("fraud_type", "")))
    if not raw.get("fraud_type"):
        bad("fraud_type", "empty")
    elif fraud_type is None:
        bad("fraud_type", "unknown_fraud_type")
    cases, reason = _number(raw.get("cases", ""), whole=True)
    if reason:
        bad("cases", reason)
    loss, reason = _number(raw.get("loss_yuan", ""), whole=False)
    if reason:
        bad("loss_yuan", reason)
    raw_reports = None
    if raw.get("raw_reports", "").strip():
        raw_reports, reason = _number(raw["raw_reports"], whole=True)
        if reason:
            bad("raw_reports", reason)
    if len(raw.get("note", "")) > MAX_NOTE:
        bad("note", "too_long", str(MAX_NOTE))
    point, place_id = _location(raw, grid_id, scope, bad)
    if problems:
        return None, problems
    # Each value left out above was reported as a problem.
    assert month is not None and grid_id is not None and fraud_type is not None
    assert cases is not None and loss is not None
    cleared = is_clear_marker(raw.get("note", ""))
    return IncidentRow(row=number, grid_id=grid_id, company_id=company.id if company else None, month=month,
                       fraud_type=fraud_type, cases=int(cases), loss_yuan=loss.quantize(Decimal("0.01")),
                       note="" if cleared else raw.get("note", ""), raw=dict(raw, row=number),
                       note_cleared=cleared, point=point, place_id=place_id,
                       raw_reports=None if raw_reports is None else int(raw_reports)), []


def _location(raw: dict, grid_id: int | None, scope: ImportScope,
              bad: Callable[[str, str], None]) -> tuple[places.Point | None, int | None]:
    """The row's point (longitude, latitude and datum, places.check_point) or place (one of the
    grid's, by name), each optional, never both."""
    point, problems = places.check_point(raw.get("longitude", ""), raw.get("latitude", ""), raw.get("datum", ""))
    for name, reason in problems:
        bad(name, reason)
    place_id = None
    if raw.get("place"):
        if point is not None or problems:
            bad("place", "point_and_place")
        elif grid_id is not None:
            place_id = scope.places.get((grid_id, places.place_key(raw["place"])))
            if place_id is None:
                bad("place", "unknown_place")
    return point, place_id


def _header(cells: list[str]) -> tuple[dict[str, int], list[Problem]]:
    fields: dict[str, int] = {}
    problems = []
    for index, cell in enumerate(cells):
        text = _clean(cell)
        if not text:
            continue
        name = HEADER_KEYS.get(_key(text))
        if name is None:
            problems.append(Problem(1, text, "unknown_column"))
        elif name in fields:
            problems.append(Problem(1, text, "duplicate_column"))
        else:
            fields[name] = index
    for name in REQUIRED:
        if name not in fields:
            problems.append(Problem(1, HEADERS[name], "missing_column"))
    return fields, problems


def check_rows(rows: Iterable[dict], scope: ImportScope) -> ParsedIncidents:
    """Check raw rows ({row, month, grid, company, ...} as text); a repeated company (or grid),
    month and fraud type is a bad row naming the first one."""
    parsed = ParsedIncidents()
    first_seen: dict[tuple, int] = {}
    for raw in rows:
        number = int(raw.get("row", 0))
        values = {name: _clean(str(raw.get(name) or "")) for name in HEADERS}
        good, problems = check_row(number, values, scope)
        if good is not None and good.key in first_seen:
            problems = [Problem(number, HEADERS["fraud_type"], "duplicate", values["fraud_type"],
                                str(first_seen[good.key]))]
        if good is None or problems:
            parsed.problems.extend(problems)
        else:
            first_seen[good.key] = number
            parsed.rows.append(good)
    return parsed


# A file the shared reader cannot read, in this import's reasons (incidents.wording).
_SHEET_REASONS = {"empty": "empty_file"}


def parse_incident_file(data: bytes, scope: ImportScope, filename: str = "") -> ParsedIncidents:
    """Read and check an incident file: a CSV, or the sheet of an XLSX workbook that has the
    header (told apart by content, spreadsheets.read_sheet), such as the incidents export in
    either format. Problems
    with the file as a whole (empty, undecodable, too big, wrong columns) are listed like bad rows,
    with no good rows."""
    if not data.strip(b" \r\n\t\xef\xbb\xbf"):
        return ParsedIncidents(problems=[Problem(0, "", "empty_file")])
    try:
        # The header row and MAX_ROWS rows below it; blank lines count: each one costs reading.
        with closing(read_sheet(filename, data, MAX_BYTES, MAX_ROWS + 1, header_test(HEADER_KEYS, REQUIRED))) as rows:
            lines = [(n, [cell_text(c) for c in cells]) for n, cells in rows]
            sheet, others = rows.sheet, rows.others
    except SheetError as error:
        reason = _SHEET_REASONS.get(error.reason, error.reason)
        detail = {"too_big": str(MAX_BYTES // 1024), "too_many_rows": str(MAX_ROWS),
                  "too_big_unpacked": str(error.details.get("mb", ""))}.get(reason, "")
        return ParsedIncidents(problems=[Problem(0, "", reason, detail=detail)])
    lines = [(n, cells) for n, cells in lines if any(_clean(c) for c in cells)]
    if not lines:
        return ParsedIncidents(problems=[Problem(0, "", "empty_file")])
    fields, problems = _header(lines[0][1])
    if problems:
        return ParsedIncidents(problems=[Problem(lines[0][0], p.column, p.reason) for p in problems])
    if len(lines) == 1:
        return ParsedIncidents(problems=[Problem(lines[0][0], "", "no_rows")])
    raw = ({"row": n, **{name: cells[i] if i < len(cells) else "" for name, i in fields.items()}}
           for n, cells in lines[1:])
    parsed = check_rows(raw, scope)
    parsed.sheet, parsed.other_sheets = sheet, others
    return parsed


@dataclass(frozen=True)
class Stored:
    """A stored record's values that an import may overwrite (note None: no note)."""

    cases: int
    loss_yuan: Decimal
    note: str | None
    raw_reports: int = 0
    where: str = ""  # location_text of its point or place ("": none)

    def snapshot(self) -> str:
        """The values as text: the confirmation checks they are still what the preview showed."""
        return f"{self.cases}|{Decimal(self.loss_yuan):.2f}|{self.note or ''}|{self.raw_reports}|{self.where}"


def degrees(value: Decimal) -> str:
    """A stored coordinate as typed: 113.841234, not the column's 113.8412340."""
    return format(Decimal(value).normalize(), "f")


def location_text(point: places.Point | None, place: str | None) -> str:
    """Where a record or a row says the cases happened, as the import's preview shows it:
    "113.841234, 22.903456 (GCJ-02)", the place's name, or "" for neither."""
    if point is not None:
        return f"{degrees(point.longitude)}, {degrees(point.latitude)} ({places.DATUM_NAMES[point.datum.value]})"
    return place or ""


NOTHING_STORED = "new"  # the snapshot of a key with no record yet


@dataclass(frozen=True)
class RowPlan:
    """What one good row would write: a new record, or a stored one replaced. `fields` are the
    stored record's values that change, as (field, old, new); a new value None is an emptied note."""

    row: IncidentRow
    stored: Stored | None
    written: Stored
    fields: list[tuple[str, object, object]]

    @property
    def replaces(self) -> bool:
        return self.stored is not None

    @property
    def unchanged(self) -> bool:
        """A stored record the row would write again as it is: nothing replaced."""
        return self.stored is not None and not self.fields

    @property
    def emptied(self) -> list[str]:
        return [name for name, _old, new in self.fields if new is None]

    @property
    def seen(self) -> str:
        return self.stored.snapshot() if self.stored is not None else NOTHING_STORED


def plan_rows(rows: Iterable[IncidentRow], stored: dict[tuple, Stored],
              place_names: dict[int, str] | None = None) -> list[RowPlan]:
    """What each good row writes, given the records stored under the same company (or grid),
    month and fraud type: cases and losses as in the file; the note as in the file, or, when the
    cell is blank, the stored note (the clear marker empties it); raw reports as in the file, or
    when the file has none for the row, the stored count (a new record: 0); the location (a point
    or a place, named by `place_names`) as in the file, or when the row gives none, the stored one."""
    plans, place_names = [], place_names or {}
    for row in rows:
        old = stored.get(row.key)
        if row.note:
            note = row.note
        elif row.note_cleared or old is None:
            note = None
        else:
            note = old.note
        raw_reports = row.raw_reports if row.raw_reports is not None else old.raw_reports if old else 0
        where = location_text(row.point, place_names.get(row.place_id) if row.place_id else None)
        written = Stored(row.cases, row.loss_yuan, note, raw_reports, where or (old.where if old else ""))
        fields = [] if old is None else [
            (name, getattr(old, name), getattr(written, name))
            for name in ("raw_reports", "cases", "loss_yuan", "note", "where")
            if getattr(old, name) != getattr(written, name)]
        plans.append(RowPlan(row, old, written, fields))
    return plans


@dataclass(frozen=True)
class PlanCounts:
    """What an import's good rows do to the stored records, as the preview and the result count it."""

    added: int
    replaced: int  # a stored record whose values change
    unchanged: int  # a stored record the row holds already, every value the same

    @property
    def changes(self) -> bool:
        return bool(self.added or self.replaced)


def count_plans(plans: Iterable[RowPlan]) -> PlanCounts:
    """A row that would write a stored record again as it is counts as unchanged, never as
    replaced: a file imported twice replaces nothing the second time."""
    found = list(plans)
    return PlanCounts(added=sum(1 for p in found if not p.replaces),
                      replaced=sum(1 for p in found if p.replaces and not p.unchanged),
                      unchanged=sum(1 for p in found if p.unchanged))


def template_csv() -> bytes:
    """The header row and one example row, with the BOM Excel needs to show Chinese correctly."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(HEADERS.values())
    writer.writerow(["2026-03", "", "acme", "shuadan", "3", "2", "15000", "", "113.8412", "22.9035", "WGS-84", ""])
    return out.getvalue().encode("utf-8-sig")


# --- figures ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Record:
    """One stored incident, as the figures need it."""

    month: date
    grid_id: int
    company_id: int | None
    cases: int
    loss_yuan: Decimal
    raw_reports: int = 0


Totals = metrics.IncidentTotals


def totals(records: Iterable[Record], first: date, last: date) -> Totals:
    """Cases and losses over the months from `first` to `last` (first days of months), by the
    month the cases happened (metrics.incident_totals)."""
    return metrics.incident_totals(records, months_between(first, last))


def change(now: Decimal | int, before: Decimal | int) -> int | None:
    """Relative change from the same period last year in whole percent, from the figures printed
    (metrics.relative_change); none when last year had nothing."""
    return metrics.relative_change(now, before)


FIGURES = ("raw_reports", "cases", "loss_yuan")  # 原始警情, 确认警情, 损失金额: the "three declines"


@dataclass(frozen=True)
class YearOnYear:
    """The month and the year to date against the same periods a year earlier, like with like.

    Records are kept by month, so a month in progress (`partial`) cannot be cut to the same days of
    last year's month: it is shown, labelled partial, and not compared (no change, no decline);
    the year to date then runs through the last complete month (`ytd_last`, None in January)."""

    month: date
    this_month: Totals
    month_last_year: Totals
    year_to_date: Totals
    ytd_last_year: Totals
    partial: bool = False
    ytd_last: date | None = None  # the last month in the year to date; None: no complete month yet

    def changes(self) -> dict[str, int | None]:
        """Relative change (whole percent) of each figure: month_<figure> and ytd_<figure>."""
        found: dict[str, int | None] = {}
        for name in FIGURES:
            found[f"month_{name}"] = None if self.partial else change(
                getattr(self.this_month, name), getattr(self.month_last_year, name))
            found[f"ytd_{name}"] = None if self.ytd_last is None else change(
                getattr(self.year_to_date, name), getattr(self.ytd_last_year, name))
        return found

    def declines(self) -> dict[str, bool | None]:
        """Whether each figure fell (metrics.declined): month_<figure> and ytd_<figure>; None
        where it is not compared."""
        found: dict[str, bool | None] = {}
        for name in FIGURES:
            found[f"month_{name}"] = None if self.partial else metrics.declined(
                getattr(self.this_month, name), getattr(self.month_last_year, name))
            found[f"ytd_{name}"] = None if self.ytd_last is None else metrics.declined(
                getattr(self.year_to_date, name), getattr(self.ytd_last_year, name))
        return found


def year_on_year(records: list[Record], month: date, today: date | None = None) -> YearOnYear:
    """The chosen month and the year to date against a year before (metrics.incident_totals).
    When the month is the one `today` is in, it is partial: see YearOnYear."""
    month = month_start(month)
    year_ago = add_months(month, -12)
    partial = today is not None and month_start(today) == month
    last = add_months(month, -1) if partial else month
    ytd_last = last if last.year == month.year else None
    empty = Totals()
    return YearOnYear(
        month=month,
        this_month=totals(records, month, month),
        month_last_year=totals(records, year_ago, year_ago),
        year_to_date=totals(records, month.replace(month=1), last) if ytd_last else empty,
        ytd_last_year=totals(records, year_ago.replace(month=1), add_months(last, -12)) if ytd_last else empty,
        partial=partial, ytd_last=ytd_last,
    )


@dataclass(frozen=True)
class MonthRow:
    month: date
    cases: int
    loss_yuan: Decimal
    participation: float | None


def monthly(months: list[date], records: Iterable[Record],
            participation: dict[date, float | None]) -> list[MonthRow]:
    """Cases and losses per month (metrics.incident_totals) beside the month's participation."""
    records = list(records)
    rows = []
    for m in months:
        found = metrics.incident_totals(records, [m])
        rows.append(MonthRow(m, found.cases, found.loss_yuan, participation.get(m)))
    return rows


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    title: str


@dataclass(frozen=True)
class ComboChart:
    """Bars for cases and a line for participation over the same months (drawn as inline SVG)."""

    width: int
    height: int
    bars: tuple[Bar, ...]
    line: str  # SVG path data; a month without participation starts a new segment
    dots: tuple[Bar, ...]  # participation points (x, y; width and height unused)
    labels: tuple[tuple[float, str], ...]
    max_cases: int


def combo_chart(rows: list[MonthRow], width: int = 720, height: int = 200) -> ComboChart:
    """Geometry only: cases scale to the busiest month, participation to 0..100%."""
    top, bottom, left, right = 10, 24, 8, 8
    plot_h = height - top - bottom
    step = (width - left - right) / max(len(rows), 1)
    most = max([r.cases for r in rows] + [1])
    bars, dots, labels = [], [], []
    segments: list[list[str]] = [[]]
    for i, r in enumerate(rows):
        x = left + i * step
        h = plot_h * r.cases / most
        bars.append(Bar(round(x + step * 0.2, 1), round(top + plot_h - h, 1), round(step * 0.6, 1), round(h, 1),
                        f"{r.month:%Y-%m}: {r.cases}"))
        labels.append((round(x + step / 2, 1), f"{r.month:%m}"))
        if r.participation is None:
            segments.append([])  # a gap, never a dip to zero
            continue
        cx, cy = round(x + step / 2, 1), round(top + plot_h * (1 - min(r.participation, 1.0)), 1)
        dots.append(Bar(cx, cy, 0, 0, f"{r.month:%Y-%m}: {metrics.percent(r.participation)}"))
        segments[-1].append(f"{cx},{cy}")
    line = " ".join("M" + " L".join(points) for points in segments if points)
    return ComboChart(width, height, tuple(bars), line, tuple(dots), tuple(labels), most)
