"""Register files: the town's grids and companies in a CSV or XLSX (the sheet with the register's
header), one company per row, read and checked cell by cell; and the template and export written in the same format, so
that an export imports back unchanged.

Used by register.service and bench/register_import.py. The file is read by the one sheet reader
(quizapp/rules/spreadsheets.py) with the roster import's limits (size, rows, an XLSX checked
before it is opened, formulas refused); the header row is found the same way, in Chinese or
English. Rows are numbered as the spreadsheet shows them (the header is row 1 when it is first).

Blank cells never erase anything (as in the roster import, docs/roster.md): for a company already
in the town a blank 每次题数, 工作日, 班次 or 启用 keeps what it has, and a blank 网格名称 keeps the
grid's name; 清空 in 班次 removes every shift. A row with a grid but no company names the grid
(so a grid without companies has a row too).
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Iterable, Iterator
from contextlib import closing
from dataclasses import dataclass, field
from typing import Any

from quizapp.organisation.rules import (
    COMPANY_NAME_MAX,
    GRID_NAME_MAX,
    PER_QUIZ_MAX,
    PER_QUIZ_MIN,
    clean_text,
    normalise_company_code,
)
from quizapp.rules.errors import Invalid
from quizapp.rules.inputs import plain_text
from quizapp.rules.spreadsheets import (
    SHEET_MAX_BYTES,
    SHEET_MAX_ROWS,
    SheetError,
    SheetRows,
    cell_text,
    find_header,
    header_keys,
    header_test,
    id_cell_problem,
    is_clear_marker,
    is_formula,
    is_number_cell,
    read_import,
    spelling_key,
    zero_padded_width,
)

MAX_BYTES, MAX_ROWS = SHEET_MAX_BYTES, SHEET_MAX_ROWS
FIELDS = ("grid_code", "grid_name", "company_code", "company_name", "questions_per_quiz", "workdays", "shifts",
          "active")
REQUIRED = ("grid_code", "grid_name", "company_code", "company_name")
CODES = ("grid_code", "company_code")  # may be digits only, and then Excel may drop their leading zeros
SETTINGS = ("questions_per_quiz", "workdays", "shifts", "active")  # a blank cell keeps the company's
# The header rows the template and the export write; the import reads either (and the aliases).
HEADERS = {"grid_code": "网格编码", "grid_name": "网格名称", "company_code": "企业编码", "company_name": "企业名称",
           "questions_per_quiz": "每次题数", "workdays": "工作日", "shifts": "班次", "active": "启用"}
HEADERS_EN = {"grid_code": "Grid code", "grid_name": "Grid name", "company_code": "Company code",
              "company_name": "Company name", "questions_per_quiz": "Questions per quiz", "workdays": "Workdays",
              "shifts": "Shifts", "active": "Active"}
_ALIASES = {
    "grid_code": ["网格编码", "网格代码", "网格编号", "grid code", "grid id", "grid no"],
    "grid_name": ["网格名称", "网格名", "网格", "grid name", "grid"],
    "company_code": ["企业编码", "企业代码", "企业编号", "单位编码", "单位代码", "company code", "company id", "code"],
    "company_name": ["企业名称", "企业", "单位名称", "公司名称", "company name", "company", "name"],
    "questions_per_quiz": ["每次题数", "每次答题数", "题数", "questions per quiz", "questions"],
    "workdays": ["工作日", "答题日", "workdays", "work days"],
    "shifts": ["班次", "班次及开始时间", "shifts", "shift start times"],
    "active": ["启用", "是否启用", "状态", "active", "status"],
}
HEADER_KEYS = header_keys(_ALIASES)
YES, NO = "是", "否"
_ACTIVE_WORDS = {**dict.fromkeys(("是", "启用", "在用", "正常", "yes", "y", "true", "1", "active"), True),
                 **dict.fromkeys(("否", "停用", "注销", "no", "n", "false", "0", "inactive"), False)}


class RegisterFileError(Invalid):
    """The whole file is refused (nothing is kept): the code "register.file.<reason>" says why,
    `data` the specifics (the size limit, the columns missing and found)."""

    def __init__(self, reason: str, **details: Any) -> None:
        super().__init__(f"register.file.{reason}", **details)


@dataclass
class ParsedRegister:
    """A file read and checked. `rows` the good rows ({row, grid_code[, grid_name][, company_code,
    company_name][, questions_per_quiz][, workdays][, shifts][, active]}: a blank cell is left out);
    `bad_rows` the rows with a problem, as far as they could be read (a cell that could not be read
    is left out, and a grid code that could not be is ""): the plan checks them against the town
    too, so that the first upload shows everything, but they add or change nothing; `problems`
    what is wrong, at row and column ({row, column, field, reason, value, detail, grid_code,
    company_code}; a grid code's problem may also have `unchecked`, the checks of its row that wait
    for the grid: grid_waits); `columns` each field's header as found; `ignored` the other
    headers; `sheet` the XLSX sheet read (None for a CSV), `other_sheets` the workbook's other
    visible sheets that hold something, not read."""

    rows: list[dict] = field(default_factory=list)
    bad_rows: list[dict] = field(default_factory=list)
    problems: list[dict] = field(default_factory=list)
    columns: dict[str, str] = field(default_factory=dict)
    ignored: list[str] = field(default_factory=list)
    sheet: str | None = None
    other_sheets: list[str] = field(default_factory=list)

    @property
    def every_row(self) -> list[dict]:
        """The good rows and the bad ones, in the file's order: what the preview keeps and plans."""
        return sorted([*self.rows, *self.bad_rows], key=lambda r: r["row"])


def problem(row: int, column: str, name: str, reason: str, value: object = "", detail: object = "",
            grid_code: str = "", company_code: str = "") -> dict:
    return {"row": row, "column": column, "field": name, "reason": reason, "value": cell_text(value)[:80],
            "detail": detail, "grid_code": grid_code, "company_code": company_code}


ROWS_NAMED = 10  # a clash names at most this many of the other rows it is on (and how many more)


def other_rows(rows: list[int]) -> dict:
    """The detail of a row's clash with the rows `rows` (a code or a name they repeat): the first
    ROWS_NAMED of them and how many more, so that a code on thousands of rows stays a short problem."""
    return {"rows": rows[:ROWS_NAMED], "more": max(0, len(rows) - ROWS_NAMED)}


# The checks a grid code's problem leaves undone on its row, as they need the grid (register.rules.plan):
# the company's name against the grid's other companies, the grid's name against the town's other
# grids. Every other check of the row runs.
UNCHECKED_COMPANY_NAME, UNCHECKED_GRID_NAME = "company_name", "grid_name"


def grid_waits(problem: dict, row: dict) -> dict:
    """A grid code's problem, with what it leaves unchecked on its row (`unchecked`, when
    anything): the company name of a company's row, the grid name the row gives."""
    unchecked = [UNCHECKED_COMPANY_NAME] if row.get("company_code") and row.get("company_name") else []
    if row.get("grid_name"):
        unchecked.append(UNCHECKED_GRID_NAME)
    if unchecked:
        problem["unchecked"] = unchecked
    return problem


# --- single cells --------------------------------------------------------------------------------

def company_code(value: object) -> str:
    """A company code as the town keeps it: NFKC, trimmed, lower case (the QR code's URL)."""
    return normalise_company_code(unicodedata.normalize("NFKC", cell_text(value)))


def _words(value: object) -> str:
    return clean_text(plain_text(unicodedata.normalize("NFKC", cell_text(value)), limit=1000))


_DAY_NAMES = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "日": 7, "天": 7, "mon": 1, "tue": 2, "wed": 3,
              "thu": 4, "fri": 5, "sat": 6, "sun": 7}
_DAY = r"(?:[1-7]|mon|tue|wed|thu|fri|sat|sun|[一二三四五六日天])"
_DAY_RANGE = re.compile(rf"^{_DAY}(?:\s*(?:-|~|至|到)\s*{_DAY})?$")


def _day(text: str) -> int:
    return int(text) if text.isdigit() else _DAY_NAMES[text]


def parse_workdays(value: object) -> str | None:
    """ISO weekdays as the company keeps them ("123456"), from 1-6, 1,2,3,4,5, 123456, 周一至周六,
    星期一、星期三, Mon-Fri or 每天; None when it is not a list of days."""
    text = unicodedata.normalize("NFKC", cell_text(value)).casefold()
    text = re.sub(r"(星期|礼拜|周)", "", text)
    if text in ("每天", "daily", "everyday", "every day"):
        return "1234567"
    if re.fullmatch(r"[1-7]{2,7}", text):  # 123456, as the app keeps it (and a number cell)
        return "".join(sorted(set(text)))
    days: set[int] = set()
    for part in re.split(r"[,，、;；/\s]+", text.strip()):
        if not part:
            continue
        if not _DAY_RANGE.match(part):
            return None
        ends = [_day(p.strip()) for p in re.split(r"-|~|至|到", part)]
        first, last = ends[0], ends[-1]
        if last < first:
            return None
        days.update(range(first, last + 1))
    return "".join(str(d) for d in sorted(days)) or None


def format_workdays(days: str) -> str:
    """ISO weekdays written back: runs of three or more as a range ("123456" -> "1-6", "12357" -> "1-3,5,7")."""
    numbers = sorted({int(d) for d in days if d in "1234567"})
    parts: list[str] = []
    start = 0
    while start < len(numbers):
        end = start
        while end + 1 < len(numbers) and numbers[end + 1] == numbers[end] + 1:
            end += 1
        if end - start >= 2:
            parts.append(f"{numbers[start]}-{numbers[end]}")
        else:
            parts.extend(str(n) for n in numbers[start:end + 1])
        start = end + 1
    return ",".join(parts)


SHIFT_NAME_MAX = 32  # Shift.name
_SHIFT = re.compile(r"^(?P<name>.*?)\s*[=@]?\s*(?P<hour>\d{1,2})[:：](?P<minute>\d{2})$")
_SHIFT_SPLIT = re.compile(r"[;；,，、|\n]+")


def parse_shifts(value: object) -> tuple[list[list[str]], tuple[str, str] | None]:
    """A company's shifts from one cell, "早班 08:00; 夜班 20:00" (also 早班=8:00, with ， 、 or new
    lines between shifts): [[name, "HH:MM"], ...] by start time, or the first fault as (reason,
    the shift as written): bad_shift_time (no time, or not a time of day), shift_name_empty,
    shift_name_too_long, shift_twice."""
    text = unicodedata.normalize("NFKC", str(value or "")).replace("\r", "\n")
    shifts: dict[str, str] = {}
    for item in _SHIFT_SPLIT.split(text):
        item = clean_text(item)
        if not item:
            continue
        match = _SHIFT.match(item)
        if not match or int(match["hour"]) > 23 or int(match["minute"]) > 59:
            return [], ("bad_shift_time", item)
        name = match["name"].strip(" =@")
        if not name:
            return [], ("shift_name_empty", item)
        if len(name) > SHIFT_NAME_MAX:
            return [], ("shift_name_too_long", item)
        if name in shifts:
            return [], ("shift_twice", name)
        shifts[name] = f"{int(match['hour']):02d}:{match['minute']}"
    return sorted(([n, t] for n, t in shifts.items()), key=lambda s: (s[1], s[0])), None


def format_shifts(shifts: Iterable[Iterable[str]], separator: str = "; ") -> str:
    """Shifts written back into one cell: "早班 08:00; 夜班 20:00" (a Chinese page: "早班 08:00；夜班 20:00",
    which parse_shifts reads as well)."""
    return separator.join(f"{name} {starts}" for name, starts in shifts)


def parse_active(value: object) -> bool | None:
    """是/否, 启用/停用, yes/no, 1/0, true/false, active/inactive; None when it is none of these."""
    return _ACTIVE_WORDS.get(unicodedata.normalize("NFKC", cell_text(value)).strip().casefold())


# --- one row -------------------------------------------------------------------------------------

def check_row(number: int, values: dict[str, object], columns: dict[str, str]) -> tuple[dict, list[dict]]:
    """One row's cells (by field) cleaned, and what is wrong with them. A company row needs its
    grid code, company code and name; a row with a grid code alone (and maybe its name) names a grid."""
    grid = unicodedata.normalize("NFKC", cell_text(values.get("grid_code"))).strip()
    code = company_code(values.get("company_code"))
    row: dict = {"row": number, "grid_code": grid}
    problems: list[dict] = []

    def fault(name: str, reason: str, detail: object = "") -> None:
        problems.append(problem(number, columns.get(name, HEADERS[name]), name, reason, values.get(name), detail,
                                grid, code))

    for name in FIELDS:
        raw = values.get(name)
        if name not in values or not cell_text(raw):
            continue
        if is_formula(raw):
            fault(name, "formula")
        elif name in ("grid_code", "company_code") and id_cell_problem(raw):
            fault(name, "scientific")  # 1.38E+10: the digits are gone
        elif is_clear_marker(raw):
            if name == "shifts":
                row["shifts"] = []
            else:
                fault(name, "cannot_clear")
        elif name == "grid_name":
            row[name] = _words(raw)
            if len(row[name]) > GRID_NAME_MAX:
                fault(name, "too_long", GRID_NAME_MAX)
        elif name == "company_name":
            row[name] = _words(raw)
            if len(row[name]) > COMPANY_NAME_MAX:
                fault(name, "too_long", COMPANY_NAME_MAX)
        elif name == "company_code":
            row[name] = code
        elif name == "questions_per_quiz":
            text = unicodedata.normalize("NFKC", cell_text(raw))
            if text.isdigit() and PER_QUIZ_MIN <= int(text) <= PER_QUIZ_MAX:
                row[name] = int(text)
            else:
                fault(name, "bad_per_quiz", f"{PER_QUIZ_MIN}-{PER_QUIZ_MAX}")
        elif name == "workdays":
            days = parse_workdays(raw)
            if days is None:
                fault(name, "bad_workdays")
            else:
                row[name] = days
        elif name == "shifts":
            shifts, wrong = parse_shifts(raw)
            if wrong is not None:
                fault(name, wrong[0], wrong[1])
            else:
                row[name] = shifts
        elif name == "active":
            active = parse_active(raw)
            if active is None:
                fault(name, "bad_active")
            else:
                row[name] = active
    company_cells = [n for n in ("company_code", "company_name", *SETTINGS) if n in row or any(
        p["field"] == n for p in problems)]
    if not grid and not any(p["field"] == "grid_code" for p in problems):
        fault("grid_code", "empty_grid_code")
    if company_cells:
        if "company_code" not in row and not any(p["field"] == "company_code" for p in problems):
            fault("company_code", "empty_company_code")
        if "company_name" not in row and not any(p["field"] == "company_name" for p in problems):
            fault("company_name", "empty_company_name")
    for grid_fault in problems:
        if grid_fault["field"] == "grid_code":  # a formula or Excel's number: no grid to check the row against
            row["grid_code"] = ""
            grid_waits(grid_fault, row)
    return row, problems


# --- a whole file --------------------------------------------------------------------------------

def read_rows(filename: str, data: bytes) -> SheetRows:
    """(row number, cells) for every row of the file (an XLSX's sheet with the register's header;
    `sheet` says which), read with the roster's limits; close it when done. A file that cannot be
    read raises RegisterFileError with the reader's reason."""
    return read_import(filename, data, RegisterFileError, header_test(HEADER_KEYS, REQUIRED))


# A good row's codes that were number cells shorter than their column's zero-padded codes: field ->
# the code with its zeros (parse_register; plan.plan_import decides).
ZEROS_LOST = "zeros_lost"


def parse_register(filename: str, data: bytes) -> ParsedRegister:
    """Read and check a register file. Every problem is kept at its row and column, every cell's
    on the first reading (one cell's problem hides no other's); a company code several rows have (in
    any case or width) is a problem at each of them (the first names the others, the others the
    first), and a grid given two names is one at each row whose name differs from the first and at
    that first row. As in the roster import, a code in a number cell that is shorter than the zero-padded
    codes typed as text in its column (123 beside 000124) has probably lost its zeros to Excel: the
    row keeps the code as read and, under ZEROS_LOST, the code with its zeros, for the plan to
    decide (plan.plan_import: a problem "lost_zeros" unless the town has the code as read, since
    codes of mixed widths are legitimate). A file that cannot be read at all raises RegisterFileError."""
    with closing(read_rows(filename, data)) as rows:
        parsed = _parse_rows(rows)
        parsed.sheet, parsed.other_sheets = rows.sheet, rows.others
        return parsed


def _parse_rows(rows: Iterator[tuple[int, list]]) -> ParsedRegister:
    try:
        header_row, fields, headers, ignored = find_header(rows, HEADER_KEYS, {f: HEADERS[f] for f in REQUIRED})
    except SheetError as exc:
        raise RegisterFileError(exc.reason, **exc.details) from exc
    parsed = ParsedRegister(columns=headers, ignored=ignored)
    with_code: dict[str, list[tuple[dict, list[dict]]]] = {}  # company code -> its rows, in order
    grid_names: dict[str, tuple[str, dict, list[dict]]] = {}  # grid key -> its first name and row
    differing: dict[str, dict] = {}  # grid key -> the first row giving it another name
    checked: list[tuple[dict, list[dict]]] = []
    padded = dict.fromkeys(CODES, 0)  # each code column's widest zero-padded code typed as text (000123)
    numbers: list[tuple[dict, list[dict], str, str]] = []  # codes stored as numbers: (row, problems, field, text)
    data_rows = 0
    for number, cells in rows:
        values = {name: cells[index] if index < len(cells) else None for name, index in fields.items()}
        if not any(cell_text(v) for v in values.values()):
            continue  # blank lines between grids are common
        data_rows += 1
        row, problems = check_row(number, values, headers)
        for field_name in CODES:
            text = unicodedata.normalize("NFKC", cell_text(values.get(field_name))).strip()
            if is_number_cell(values.get(field_name)):
                numbers.append((row, problems, field_name, text))
            else:
                padded[field_name] = max(padded[field_name], zero_padded_width(text))
        code = row.get("company_code")
        if code:
            with_code.setdefault(code, []).append((row, problems))
        name = row.get("grid_name")
        if name and row["grid_code"]:
            key = spelling_key(row["grid_code"])
            first_name, first_row, _problems = grid_names.setdefault(key, (name, row, problems))
            if first_name != name:
                differing.setdefault(key, row)
                problems.append(problem(number, headers["grid_name"], "grid_name", "grid_name_differs", name,
                                        f"{first_row['row']}: {first_name}", row["grid_code"], code or ""))
        checked.append((row, problems))
    if not data_rows:
        raise RegisterFileError("no_rows", row=header_row)
    for code, rows_of in with_code.items():  # each row with a repeated code says so, the first too
        if len(rows_of) > 1:
            (first, first_problems), later = rows_of[0], rows_of[1:]
            first_problems.append(problem(first["row"], headers["company_code"], "company_code", "duplicate_company",
                                          code, other_rows([r["row"] for r, _p in later]), first["grid_code"], code))
            for row, problems in later:
                problems.append(problem(row["row"], headers["company_code"], "company_code", "duplicate_company",
                                        code, first["row"], row["grid_code"], code))
    for key, other in differing.items():  # the first name's row, for the other side of the disagreement
        first_name, first, first_problems = grid_names[key]
        first_problems.append(problem(first["row"], headers["grid_name"], "grid_name", "grid_name_differs", first_name,
                                      f"{other['row']}: {other['grid_name']}", first["grid_code"],
                                      first.get("company_code", "")))
    for row, _problems, field_name, text in numbers:  # 000124 beside 123: Excel may have dropped the zeros
        width = padded[field_name]
        if text.isdigit() and len(text) < width and row.get(field_name):  # the code was read (no formula)
            row.setdefault(ZEROS_LOST, {})[field_name] = text.zfill(width)
    for row, problems in checked:
        if problems:
            parsed.problems.extend(problems)
            parsed.bad_rows.append(row)
        else:
            parsed.rows.append(row)
    return parsed


# --- the template and the export -------------------------------------------------------------------

def sheet_rows(rows: Iterable[dict], english: bool = False) -> list[list[object]]:
    """The header row (in the reader's language: the import reads either) and one row per company
    or grid, as the import reads them back: {grid_code, grid_name, company_code, company_name,
    questions_per_quiz, workdays ("123456"), shifts ([[name, "HH:MM"]]), active}, the company
    fields absent for a grid without companies."""
    headers = HEADERS_EN if english else HEADERS
    out: list[list[object]] = [[headers[f] for f in FIELDS]]
    for row in rows:
        if not row.get("company_code"):
            out.append([row["grid_code"], row["grid_name"], "", "", "", "", "", ""])
            continue
        out.append([row["grid_code"], row["grid_name"], row["company_code"], row["company_name"],
                    row["questions_per_quiz"], format_workdays(row["workdays"]), format_shifts(row["shifts"]),
                    YES if row["active"] else NO])
    return out


def _safe(value: object) -> object:
    # A name starting with = + - @ would run as a formula in Excel: written with a leading quote
    # mark, as text. Codes never start with one (letters, digits and inner hyphens only).
    if isinstance(value, str) and is_formula(value):
        return "'" + value
    return value


def to_csv(rows: list[list[object]]) -> bytes:
    """CSV with the BOM Excel needs to show Chinese correctly."""
    out = io.StringIO(newline="")
    csv.writer(out, lineterminator="\r\n").writerows([[_safe(v) for v in r] for r in rows])
    return out.getvalue().encode("utf-8-sig")


def to_xlsx(rows: list[list[object]], notes: Iterable[str] = (), title: str = "名册") -> bytes:
    """XLSX with the code columns as text (a code like 0012 keeps its zeros); `notes` (how to fill
    it in, in the reader's language) on a second sheet, which the import never reads."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.worksheets[0]
    sheet.title = title
    for row in rows:
        sheet.append([_safe(v) for v in row])
    for column, width in zip("ABCDEFGH", (12, 16, 14, 28, 10, 12, 28, 8), strict=True):
        sheet.column_dimensions[column].width = width
    for cells in sheet.iter_rows(min_row=2):
        for cell in (cells[0], cells[2]):
            cell.number_format = "@"
    notes = list(notes)
    if notes:
        help_sheet = book.create_sheet("说明")
        for line in notes:
            help_sheet.append([line])
        help_sheet.column_dimensions["A"].width = 100
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def template_rows() -> list[dict]:
    """The template's example: a grid with two companies (one with two shifts) and a grid without
    companies yet."""
    return [
        {"grid_code": "G01", "grid_name": "新塘村网格", "company_code": "dls2k7mq",
         "company_name": "东莞示例电子有限公司", "questions_per_quiz": 5, "workdays": "123456",
         "shifts": [["早班", "08:00"], ["夜班", "20:00"]], "active": True},
        {"grid_code": "G01", "grid_name": "新塘村网格", "company_code": "dls9h3xw", "company_name": "东莞示例五金厂",
         "questions_per_quiz": 5, "workdays": "12345", "shifts": [], "active": True},
        {"grid_code": "G02", "grid_name": "大塘朗社区网格"},
    ]
