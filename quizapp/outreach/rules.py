"""The outreach ledger's rules: what makes an activity a record (a sane date, a known kind, a place,
a speaker, people reached within bounds, a short note), reading an import file's rows into
records with every problem at its row and column, and the import's template.

Used by outreach.service (by hand and by import) and outreach.views (the template). Owns the
limits and the file format (the Chinese header names, as a CSV spec); rows are numbered as the
spreadsheet shows them (header = row 1). An import is all or none: one bad row and nothing is
written (outreach.service). Pure: no Flask, no database.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Collection, Iterator, Mapping
from contextlib import closing
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from quizapp.rules.spreadsheets import NoSuchDay, SheetError, header_test, read_sheet, spelling_key
from quizapp.rules.spreadsheets import cell_date as parse_day
from quizapp.rules.spreadsheets import cell_text as _text
from quizapp.rules.spreadsheets import is_formula as _is_formula
from quizapp.rules.vocab import OutreachKind, parse

MAX_PEOPLE = 100_000  # one activity (a whole school's assembly reaches a few thousand); migration 0015 checks it
MAX_PLACE, MAX_SPEAKER, MAX_NOTE = 100, 60, 300  # the columns' widths
YEARS_BACK = 2  # an activity older than this is history, not the ledger's to record now
MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 2_000
HEADER_SEARCH = 10

# Each kind as the town writes it: the file format (the template's example and what an import
# accepts), beside the member's own value.
KIND_NAMES = {
    OutreachKind.COMPANY_TALK: "宣讲进企业",
    OutreachKind.COMMUNITY: "进社区",
    OutreachKind.SCHOOL: "进校园",
    OutreachKind.MARKET: "进市场",
    OutreachKind.FAMILY: "进家庭",
    OutreachKind.STALL: "摆摊设点",
    OutreachKind.DOOR_TO_DOOR: "上门走访",
    OutreachKind.PRESHIFT: "岗前5分钟",
}
# Also every name the app shows for a kind (outreach.wording.KINDS, in English and as translated):
# the export writes those, and it must import back (tests/outreach checks each one).
_KIND_ALIASES = {
    OutreachKind.COMPANY_TALK: ["企业宣讲", "进企业", "宣讲", "company talk", "Talk in a company"],
    OutreachKind.COMMUNITY: ["社区", "community", "In a community"],
    OutreachKind.SCHOOL: ["校园", "学校", "school", "In a school"],
    OutreachKind.MARKET: ["市场", "market", "In a market"],
    OutreachKind.FAMILY: ["家庭", "family", "In families"],
    OutreachKind.STALL: ["摆摊", "设点", "stall", "Street stall"],
    OutreachKind.DOOR_TO_DOOR: ["上门", "走访", "door to door", "Door-to-door round"],
    OutreachKind.PRESHIFT: ["岗前", "岗前宣讲", "岗前五分钟", "岗前5分钟宣讲", "岗前五分钟宣讲", "pre-shift",
                            "pre-shift talk", "preshift talk"],
}

HEADERS = {"day": "日期", "kind": "类型", "place": "地点或单位", "grid": "网格", "speaker": "主讲人",
           "people": "覆盖人数", "note": "备注"}
_HEADER_ALIASES = {
    "day": ["日期", "活动日期", "时间", "date"],
    "kind": ["类型", "活动类型", "形式", "kind", "type", "kind of activity"],
    "place": ["地点或单位", "地点", "单位", "地点/单位", "place", "unit", "place or unit"],
    "grid": ["网格", "网格编号", "网格代码", "grid", "grid code"],
    "speaker": ["主讲人", "宣讲人", "主讲", "speaker"],
    "people": ["覆盖人数", "人数", "参与人数", "受众人数", "people", "people reached"],
    "note": ["备注", "说明", "note", "notes"],
}
REQUIRED = ("day", "kind", "place", "speaker", "people")


def _key(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).casefold()
    return re.sub(r"[\s_\-./*:：()（）]", "", text)


HEADER_KEYS = {_key(alias): name for name, aliases in _HEADER_ALIASES.items() for alias in aliases}
KIND_KEYS = {_key(spelling): kind for kind, names in _KIND_ALIASES.items()
             for spelling in (kind.value, KIND_NAMES[kind], *names)}


def parse_kind(value: object) -> OutreachKind | None:
    """A kind from a form (its value) or a file (its value, its Chinese name or a common alias)."""
    found = parse(OutreachKind, value)
    if found is not None or not isinstance(value, str):
        return found
    return KIND_KEYS.get(_key(value))


# --- one activity ---------------------------------------------------------------------------------

def earliest_day(today: date, since: date | None = None) -> date:
    """The first day an activity may be dated: YEARS_BACK years before today, and not before the
    company (or grid) it is recorded for existed in quizapp (`since`, when known)."""
    back = today.replace(year=today.year - YEARS_BACK) if not (today.month == 2 and today.day == 29) \
        else today - timedelta(days=365 * YEARS_BACK)
    return max(back, since) if since is not None else back


@dataclass(frozen=True)
class Problem:
    """What is wrong: at a row (0: the file as a whole) and a column (a field's header, or ""), with
    the cell's value as written (cut at 80 characters; "" for an empty cell or the whole file)."""

    row: int
    column: str
    reason: str
    detail: str = ""
    field: str = ""
    value: str = ""


def _people(value: object) -> int:
    if isinstance(value, bool):
        raise ValueError(value)
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    text = unicodedata.normalize("NFKC", _text(value)).replace(",", "")
    if not re.fullmatch(r"[+-]?\d+", text):
        raise ValueError(value)
    return int(text)


@dataclass(frozen=True)
class Activity:
    """One activity, checked: what a record holds but its grid and company."""

    day: date
    kind: OutreachKind
    place: str
    speaker: str
    people: int
    note: str


def check_activity(values: Mapping[str, object], today: date, earliest: date, row: int = 0,
                   labels: Mapping[str, str] | None = None) -> tuple[Activity | None, list[Problem]]:
    """An activity from its fields (day, kind, place, speaker, people, note: a form's data or a
    file's cells), or every problem with it: a formula, a field left empty, a date that is not
    one, in the future or before `earliest`, an unknown kind, people reached that are not a whole
    number from 0 to MAX_PEOPLE, text longer than its column."""
    labels = labels or HEADERS
    problems: list[Problem] = []

    def fault(name: str, reason: str, detail: object = "") -> None:
        problems.append(Problem(row, labels.get(name, name), reason, str(detail), name, _text(values.get(name))[:80]))

    clean: dict[str, object] = {}
    for name in ("day", "kind", "place", "speaker", "people", "note"):
        raw = values.get(name)
        text = _text(raw)
        if _is_formula(raw):
            fault(name, "formula")
        elif not text and name != "note":
            fault(name, "empty")
        elif name == "day":
            try:
                day = parse_day(raw)
            except NoSuchDay as exc:
                fault(name, "no_such_day", exc.text)
                continue
            except ValueError:
                fault(name, "bad_date")
                continue
            if day > today:
                fault(name, "future_date")
            elif day < earliest:
                fault(name, "too_old", earliest.isoformat())
            else:
                clean[name] = day
        elif name == "kind":
            kind = parse_kind(raw)
            if kind is None:
                fault(name, "unknown_kind")
            else:
                clean[name] = kind
        elif name == "people":
            try:
                people = _people(raw)
            except ValueError:
                fault(name, "not_whole")
                continue
            if not 0 <= people <= MAX_PEOPLE:
                fault(name, "people_range", MAX_PEOPLE)
            else:
                clean[name] = people
        else:
            limit = {"place": MAX_PLACE, "speaker": MAX_SPEAKER, "note": MAX_NOTE}[name]
            if len(text) > limit:
                fault(name, "too_long", limit)
            else:
                clean[name] = text
    if problems:
        return None, problems
    return Activity(**clean), []  # type: ignore[arg-type]  # every field checked above


# --- an import file -------------------------------------------------------------------------------

@dataclass(frozen=True)
class GridRef:
    id: int
    code: str


@dataclass(frozen=True)
class ImportScope:
    """What a file's rows are checked against: today, the earliest day for each grid (by id), the
    grids the account may record for (by code, and by name where no other grid of the town has
    it: the export writes names; keys as spelling_key has them), the names two grids of the town share,
    and the grid of a company's staff, whose rows need no grid column (None for officers)."""

    today: date
    grids: Mapping[str, GridRef]
    earliest: Mapping[int, date]
    own_grid: int | None = None
    grid_names: Mapping[str, GridRef] = field(default_factory=dict)
    shared_names: frozenset[str] = frozenset()

    def grid(self, text: str) -> GridRef | None:
        key = spelling_key(text)
        return self.grids.get(key) or self.grid_names.get(key)


@dataclass(frozen=True)
class Row:
    row: int
    grid_id: int
    activity: Activity
    raw: dict  # the cells as text, signed into the confirmation and checked again then


@dataclass
class ParsedFile:
    rows: list[Row] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    columns: dict[str, str] = field(default_factory=dict)  # field -> the header found
    sheet: str | None = None  # the XLSX sheet read (None: a CSV)
    other_sheets: list[str] = field(default_factory=list)  # the workbook's other visible sheets with data


ActivityKey = tuple[int, date, OutreachKind, str, str, int, str]


def activity_key(grid_id: int, activity: Activity) -> ActivityKey:
    """What makes two records the same activity: grid, day, kind, place, speaker, people and note
    (two talks alike in all of them are told apart in the note)."""
    a = activity
    return grid_id, a.day, a.kind, a.place, a.speaker, a.people, a.note


@dataclass(frozen=True)
class LeftOut:
    """A file's row that an import leaves out, so that no activity is counted twice."""

    row: Row
    same_as: int | None  # the earlier row of the same file it repeats; None: already recorded


def leave_out_repeats(rows: list[Row], recorded: Collection[ActivityKey]) -> tuple[list[Row], list[LeftOut]]:
    """The rows to record, and those left out: an activity already recorded (`recorded`: the keys
    of the records on the file's grids and days), or the same as an earlier row of the file (the
    same file imported again, or a row pasted twice)."""
    first_row: dict[ActivityKey, int] = {}
    kept: list[Row] = []
    left_out: list[LeftOut] = []
    for row in rows:
        key = activity_key(row.grid_id, row.activity)
        if key in recorded:
            left_out.append(LeftOut(row, None))
        elif key in first_row:
            left_out.append(LeftOut(row, first_row[key]))
        else:
            first_row[key] = row.row
            kept.append(row)
    return kept, left_out


def _header(rows: Iterator[tuple[int, list]], need_grid: bool) -> tuple[int, dict[str, int], dict[str, str]]:
    required = REQUIRED + (("grid",) if need_grid else ())
    best: tuple[int, list[str]] | None = None
    for _ in range(HEADER_SEARCH):
        number, cells = next(((n, c) for n, c in rows if any(_text(v) for v in c)), (0, None))
        if cells is None:
            break
        fields: dict[str, int] = {}
        headers: dict[str, str] = {}
        for index, cell in enumerate(cells):
            name = HEADER_KEYS.get(_key(_text(cell))) if _text(cell) else None
            if name is not None and name not in fields:
                fields[name], headers[name] = index, _text(cell)
        missing = [HEADERS[f] for f in required if f not in fields]
        if not missing:
            return number, fields, headers
        if best is None or len(fields) > best[0]:
            best = (len(fields), missing)
    if best is None:
        raise ImportFileError("empty")
    raise ImportFileError("missing_columns", "、".join(best[1]))


class ImportFileError(ValueError):
    """The file as a whole cannot be imported: `reason` (and `detail`) say why."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(reason)
        self.reason, self.detail = reason, detail


def check_cells(number: int, cells: dict, scope: ImportScope, headers: Mapping[str, str]) -> tuple[Row | None,
                                                                                                   list[Problem]]:
    """One row's cells (field -> cell) as a record for its grid, or its problems."""
    problems: list[Problem] = []
    grid_id = scope.own_grid
    if grid_id is None:
        code = _text(cells.get("grid"))
        ref = scope.grid(code) if code else None
        if not code:
            problems.append(Problem(number, headers.get("grid", HEADERS["grid"]), "empty", "", "grid"))
        elif ref is None and spelling_key(code) in scope.shared_names:
            problems.append(Problem(number, headers.get("grid", HEADERS["grid"]), "shared_grid_name", code, "grid",
                                    code[:80]))
        elif ref is None:
            problems.append(Problem(number, headers.get("grid", HEADERS["grid"]), "unknown_grid", code, "grid",
                                    code[:80]))
        else:
            grid_id = ref.id
    earliest = scope.earliest.get(grid_id, earliest_day(scope.today)) if grid_id is not None \
        else earliest_day(scope.today)
    activity, found = check_activity(cells, scope.today, earliest, number, headers)
    problems.extend(found)
    if problems or activity is None or grid_id is None:
        return None, problems
    raw = {name: (parse_day(value).isoformat() if isinstance(value, date | datetime) else _text(value))
           for name, value in cells.items()}
    return Row(number, grid_id, activity, raw), []


def parse_file(filename: str, data: bytes, scope: ImportScope) -> ParsedFile:
    """Read and check every row of an outreach file (CSV or XLSX). Blank lines are skipped; every
    problem is kept with its row and column. A file that cannot be read at all raises
    ImportFileError."""
    try:
        # MAX_ROWS activities below a header row (and a title line or two above it): _parse counts
        # the activities themselves; this bounds the lines read, blank ones included.
        with closing(read_sheet(filename, data, MAX_BYTES, MAX_ROWS + HEADER_SEARCH,
                                header_test(HEADER_KEYS, REQUIRED))) as rows:
            parsed = _parse(rows, scope)
            parsed.sheet, parsed.other_sheets = rows.sheet, rows.others
            return parsed
    except SheetError as exc:
        raise ImportFileError(exc.reason, str(exc.details.get("mb", exc.details.get("limit", "")))) from exc


def _parse(rows: Iterator[tuple[int, list]], scope: ImportScope) -> ParsedFile:
    header_row, fields, headers = _header(rows, need_grid=scope.own_grid is None)
    parsed = ParsedFile(columns=headers)
    count = 0
    for number, cells in rows:
        values = {name: cells[index] if index < len(cells) else None for name, index in fields.items()}
        if not any(_text(v) for v in values.values()):
            continue
        count += 1
        if count > MAX_ROWS:
            raise ImportFileError("too_many_rows", str(MAX_ROWS))
        row, problems = check_cells(number, values, scope, headers)
        if row is not None:
            parsed.rows.append(row)
        parsed.problems.extend(problems)
    if not count:
        raise ImportFileError("no_rows", str(header_row))
    return parsed


def check_raw(raw_rows: list[tuple[int, dict]], scope: ImportScope) -> ParsedFile:
    """The rows a preview let through, checked again at confirmation (a day may have become too
    old, a grid left the officer's grids)."""
    parsed = ParsedFile(columns=dict(HEADERS))
    for number, cells in raw_rows:
        row, problems = check_cells(number, cells, scope, HEADERS)
        if row is not None:
            parsed.rows.append(row)
        parsed.problems.extend(problems)
    return parsed


# --- the template ---------------------------------------------------------------------------------

def template_rows(own_company: bool, grid_code: str = "G01") -> list[list[str]]:
    """The header row and two example rows (company staff: no grid column; it is their company's)."""
    names = [n for n in HEADERS if not (own_company and n == "grid")]
    examples = [
        {"day": "2026-03-02", "kind": KIND_NAMES[OutreachKind.PRESHIFT], "place": "一车间", "grid": grid_code,
         "speaker": "张主任", "people": "45", "note": "刷单返利"},
        {"day": "2026-03-05", "kind": KIND_NAMES[OutreachKind.COMMUNITY], "place": "新塘村文化广场",
         "grid": grid_code, "speaker": "李警官", "people": "120", "note": ""},
    ]
    return [[HEADERS[n] for n in names]] + [[e[n] for n in names] for e in examples]


def template_csv(own_company: bool, grid_code: str = "G01") -> bytes:
    """CSV with the BOM Excel needs to show Chinese correctly."""
    out = io.StringIO(newline="")
    csv.writer(out, lineterminator="\r\n").writerows(template_rows(own_company, grid_code))
    return out.getvalue().encode("utf-8-sig")


def template_xlsx(own_company: bool, grid_code: str = "G01") -> bytes:
    """The same rows as an XLSX workbook, every column text (a date typed as 2026-03-02 stays so)."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.worksheets[0]  # the empty sheet a new workbook starts with
    sheet.title = "宣传活动台账"
    for row in template_rows(own_company, grid_code):
        sheet.append(row)
    for index in range(1, len(HEADERS) + 1):
        letter = chr(ord("A") + index - 1)
        sheet.column_dimensions[letter].width = 16
        sheet.column_dimensions[letter].number_format = "@"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
