"""Roster files: reading a company's roster from CSV or XLSX, checking every row, and working out
what an import would add, change, empty and leave out.

Used by roster.service (imports and hand edits) and by bench/roster_import.py. Owns the file
rules: accepted encodings and header names, what makes a row bad (numbered as the spreadsheet
shows it: header = row 1), the size limits, refusing formulas (CSV injection), blank cells and the
clear marker, and the plan that matches a file to the roster by employee number. No Flask and no
database here.

Blank cells never erase anything: a file is often an export from another system, or the app's own
template filled in by hand, with the optional columns left empty. So for a worker already on the
roster a blank team, shift or start date means "keep what the roster has"; to empty one, the cell
holds the clear marker (清空). For a new worker a blank cell is simply empty.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import unicodedata
from collections.abc import Collection, Iterable, Iterator
from contextlib import closing
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from quizapp.rules.errors import Invalid
from quizapp.rules.metrics import Span, counted_from, days_away
from quizapp.rules.spreadsheets import (
    CLEAR_MARKER,  # noqa: F401  (roster's wording and pages read it from here)
    SHEET_MAX_BYTES,
    SHEET_MAX_ROWS,
    NoSuchDay,
    SheetError,
    SheetRows,
    find_header,
    header_keys,
    header_test,
    id_cell_problem,
    is_clear_marker,
    is_number_cell,
    padded_ids,
    read_import,
    zero_padded_width,
    zeros_dropped,
)
from quizapp.rules.spreadsheets import cell_date as parse_date
from quizapp.rules.spreadsheets import cell_text as _text
from quizapp.rules.spreadsheets import is_formula as _is_formula

# Bytes and rows in a file, blank rows included: the limits the register import shares.
MAX_BYTES = SHEET_MAX_BYTES
MAX_ROWS = SHEET_MAX_ROWS
# Column widths of the Employee table.
LIMITS = {"employee_no": 32, "name": 64, "team": 64, "shift": 32}
REQUIRED = ("employee_no", "name", "team", "shift")  # columns the file must have
# Fields a worker may have empty: in a file, a blank cell leaves them as they are and the clear
# marker empties them (team and shift become "", the start date None).
OPTIONAL = ("team", "shift", "active_from")
# The required columns a NEW worker's row must fill: for a worker on the roster a blank team or shift
# cell keeps what the roster has, but a new worker has nothing to keep, and a worker with no shift is
# on no shift's list (the board's 无班次). The import page and the template's notes say so, and a
# worker added by hand must fill them too (blank_for_new, roster.service.save_worker).
NEEDED_FOR_NEW = ("team", "shift")

# The template's header row; the Chinese names are the file format, like a CSV spec.
HEADERS = {"employee_no": "工号", "name": "姓名", "team": "班组", "shift": "班次", "active_from": "入职日期"}
_ALIASES = {
    "employee_no": ["工号", "员工工号", "员工编号", "员工号", "职工号", "编号", "employee no", "employee number",
                    "employee id", "staff no", "emp no", "no"],
    "name": ["姓名", "员工姓名", "名字", "name", "employee name", "full name"],
    "team": ["班组", "部门", "班组/部门", "部门/班组", "车间", "组别", "team", "department", "dept",
             "team/department", "group"],
    "shift": ["班次", "班别", "shift"],
    "active_from": ["入职日期", "入职时间", "到岗日期", "active from", "start date", "hire date", "date joined"],
}


class RosterFileError(Invalid):
    """The whole file is refused (nothing is stored): the code "roster.file.<reason>" says why,
    `data` holds the specifics (the size limit, the columns missing and found, ...)."""

    def __init__(self, reason: str, **details: Any) -> None:  # Any: the details are data, never `field`
        super().__init__(f"roster.file.{reason}", **details)


def employee_number(text: object) -> str:
    """An employee number as the roster keeps it, wherever one enters (a file, a staff member's
    form, a worker's sign-in): Unicode NFKC (full-width Ａ００１ is A001) and trimmed."""
    return unicodedata.normalize("NFKC", _text(text)).strip()


def number_key(text: object) -> str:
    """What makes two employee numbers the same worker: case does not count (a phone keyboard types
    dpt00009 for DPT00009), nor width. A company's roster never holds two with the same key."""
    return employee_number(text).upper()


HEADER_KEYS = header_keys(_ALIASES)


@dataclass
class ParsedRoster:
    """A file read and checked. `rows` are the good rows ({row, employee_no, name[, team][, shift][,
    active_from][, clear]}: an optional field whose cell was blank is left out of the row, and the
    fields whose cell held the clear marker are listed in `clear`); `problems` the rows left out
    and the columns ignored ({row, column, reason, value, detail, employee_no}); `columns` maps each
    field to the header found in the file; `sheet` the XLSX sheet read (None for a CSV) and
    `other_sheets` the workbook's other visible sheets that hold something, not read."""

    rows: list[dict] = field(default_factory=list)
    problems: list[dict] = field(default_factory=list)
    columns: dict[str, str] = field(default_factory=dict)
    sheet: str | None = None
    other_sheets: list[str] = field(default_factory=list)


def problem(row: int, column: str, reason: str, value: str = "", detail: str = "", employee_no: str = "",
            field: str = "") -> dict:
    return {"row": row, "column": column, "reason": reason, "value": value[:80], "detail": detail,
            "employee_no": employee_no, "field": field}


# --- reading a file into numbered rows of cells ------------------------------------------------

def read_rows(filename: str, data: bytes) -> SheetRows:
    """(row number, cells) for every row of a CSV or of an XLSX's sheet with the roster's header
    (quizapp/rules/spreadsheets.py reads them; `sheet` says which); close it when done. A file
    that cannot be read raises RosterFileError, with the reader's reason."""
    return read_import(filename, data, RosterFileError, header_test(HEADER_KEYS, REQUIRED))


# --- checking cells and rows ------------------------------------------------------------------


def check_fields(values: dict, shift_names: Collection[str], row: int = 0,
                 labels: dict[str, str] | None = None, from_file: bool = False) -> tuple[dict, list[dict]]:
    """One worker's fields (raw cells by field name) cleaned, and what is wrong with them: a
    formula, an empty employee number or name, a value too long for its column, a shift the
    company does not have (once it has shifts), a start date that is not a date.

    From a file (`from_file`), a blank optional cell is left out of the result (it changes
    nothing) and a cell holding the clear marker is listed under "clear" instead; the marker in
    the employee number or name is refused (they cannot be empty). By hand, a blank field is
    empty and the marker is just text."""
    labels = labels or HEADERS
    clean: dict = {}
    cleared: list[str] = []
    problems: list[dict] = []
    number = employee_number(values.get("employee_no"))
    for name, raw in values.items():
        text = number if name == "employee_no" else _text(raw)
        fault: tuple[str, str] | None = None  # (reason, detail)
        if from_file and is_clear_marker(raw):
            if name in OPTIONAL:
                cleared.append(name)
            else:
                fault = ("cannot_clear", "")
        elif from_file and name in OPTIONAL and not text:
            continue  # blank: unchanged
        elif _is_formula(raw):
            fault = ("formula", "")
        elif from_file and name == "employee_no" and id_cell_problem(raw):
            fault = ("scientific", "")  # 1.38E+10: the digits are gone
        elif name == "active_from":
            try:
                clean[name] = parse_date(raw).isoformat() if text else None
            except NoSuchDay as exc:
                fault = ("no_such_day", exc.text)
            except ValueError:
                fault = ("bad_date", "")
        elif not text and name in ("employee_no", "name"):
            fault = (f"empty_{name}", "")
        elif len(text) > LIMITS[name]:
            fault = ("too_long", str(LIMITS[name]))
        elif name == "shift" and text and shift_names and text not in shift_names:
            fault = ("unknown_shift", " / ".join(shift_names))
        else:
            clean[name] = text
        if fault is not None:
            reason, detail = fault
            problems.append(problem(row, labels.get(name, name), reason, text, detail, number, name))
    if cleared:
        clean["clear"] = cleared
    return clean, problems


def parse_roster(filename: str, data: bytes, shift_names: Collection[str] = ()) -> ParsedRoster:
    """Read and check a roster file. Bad rows are left out with their row number, column and
    reason. An employee number on several rows (in any case or width, as sign-in matches it:
    number_key) leaves out every one of those rows, each naming the others: which row is right is
    the file's to say, not the first row's. A file that cannot be read at all raises RosterFileError."""
    with closing(read_rows(filename, data)) as rows:
        parsed = _parse_rows(rows, shift_names)
        parsed.sheet, parsed.other_sheets = rows.sheet, rows.others
        return parsed


def _parse_rows(rows: Iterator[tuple[int, list]], shift_names: Collection[str]) -> ParsedRoster:
    try:
        header_row, fields, headers, ignored = find_header(rows, HEADER_KEYS, {f: HEADERS[f] for f in REQUIRED})
    except SheetError as exc:
        raise RosterFileError(exc.reason, **exc.details) from exc
    parsed = ParsedRoster(problems=[problem(header_row, header, "ignored_column") for header in ignored],
                          columns=headers)
    checked: list[tuple[int, dict, list[dict], str]] = []  # (row number, clean fields, problems, number key)
    rows_of: dict[str, list[int]] = {}
    padded = 0  # the width of the file's zero-padded numbers (000123), typed as text
    numbers: list[tuple[list[dict], int, str]] = []  # employee numbers stored as numbers: (problems, row, text)
    data_rows = 0
    for number, cells in rows:
        values = {name: cells[index] if index < len(cells) else None for name, index in fields.items()}
        if not any(_text(v) for v in values.values()):
            continue  # blank lines between teams are common
        data_rows += 1
        if data_rows > MAX_ROWS:
            raise RosterFileError("too_many_rows", limit=MAX_ROWS)
        clean, problems = check_fields(values, shift_names, number, headers, from_file=True)
        number_text = employee_number(values["employee_no"])
        key = number_key(number_text) if number_text and not _is_formula(values["employee_no"]) else ""
        if key:
            rows_of.setdefault(key, []).append(number)
        if is_number_cell(values["employee_no"]):
            numbers.append((problems, number, number_text))
        else:
            padded = max(padded, zero_padded_width(number_text))
        checked.append((number, clean, problems, key))
    if not data_rows:
        raise RosterFileError("no_rows", row=header_row)
    for problems, number, text in numbers:  # 000123 beside 123: Excel dropped the zeros of a number cell
        if text.isdigit() and len(text) < padded and not problems:
            problems.append(problem(number, headers["employee_no"], "lost_zeros", text, text.zfill(padded), text,
                                    "employee_no"))
    for number, clean, problems, key in checked:
        others = [str(n) for n in rows_of.get(key, ()) if n != number]
        if others:  # A2 and a2 (or Ａ２) are one worker: none of their rows is imported
            problems.append(problem(number, headers["employee_no"], "duplicate", clean.get("employee_no", key),
                                    ", ".join(others), clean.get("employee_no", key), "employee_no"))
        if problems:
            parsed.problems.extend(problems)
        else:
            parsed.rows.append({"row": number, **clean})
    return parsed


def mentioned_numbers(rows: Iterable[dict], problems: Iterable[dict]) -> set[str]:
    """Every employee number in the file, bad rows included: a worker whose row was left out is
    not "missing" from the file and must not be offered for deactivation."""
    return {r["employee_no"] for r in rows} | {p["employee_no"] for p in problems if p.get("employee_no")}


# --- comparing a file with the roster ---------------------------------------------------------

@dataclass(frozen=True)
class Current:
    """A worker on the roster, as the plan needs them."""

    id: int
    employee_no: str
    name: str
    team: str
    shift: str
    active: bool
    active_from: date | None = None
    active_until: date | None = None
    added_on: date = date.min  # the local day they were put on the roster (metrics.counted_from)


@dataclass(frozen=True)
class Change:
    row: dict
    current: Current
    fields: list[tuple[str, object, object]]  # (field, old, new); new None or "": the field is emptied

    @property
    def reactivates(self) -> bool:
        return not self.current.active

    def away(self, today: date) -> Span | None:
        """The days a worker this change brings back on `today` was away (metrics.days_away): they
        stay not counted, and the worker is expected again from `today`. None for a worker on the
        roster, or one deactivated `today`."""
        if not self.reactivates:
            return None
        worker = self.current
        return days_away(worker.active, worker.active_until, counted_from(worker.active_from, worker.added_on), today)

    @property
    def emptied(self) -> list[str]:
        """The fields this change empties (only ever asked for with the clear marker)."""
        return [name for name, _old, new in self.fields if new is None or new == ""]


@dataclass
class Plan:
    """What applying a file would do: add new employee numbers, change (or reactivate) known
    ones, leave the rest alone, and which active workers the file no longer lists."""

    added: list[dict] = field(default_factory=list)
    changed: list[Change] = field(default_factory=list)
    unchanged: int = 0
    missing: list[Current] = field(default_factory=list)
    incomplete: list[dict] = field(default_factory=list)  # problems of new workers' rows: left out
    active: int = 0  # active workers on the roster now
    # Rows naming a shift the company no longer has: the shifts changed after the upload checked
    # them (renamed or removed in the settings, or by the town's register). Nothing can be applied
    # then: the file is uploaded again and checked against the shifts as they are.
    stale: list[dict] = field(default_factory=list)

    @property
    def deactivates_most(self) -> bool:
        """Whether deactivating the workers not in the file would deactivate more than half of the
        active roster: most often a file of one team or one page, not a roster of everyone. The
        preview says so prominently and applying it takes a second, explicit confirmation."""
        return bool(self.missing) and len(self.missing) * 2 > self.active

    @property
    def emptied(self) -> int:
        """How many fields the plan empties, over all the workers it changes."""
        return sum(len(c.emptied) for c in self.changed)

    def fingerprint(self) -> str:
        """Changes whenever the plan does: the confirmation must apply what the user saw."""
        summary = [sorted(json.dumps(r, ensure_ascii=False, sort_keys=True) for r in self.added),
                   sorted([c.current.id, [[f, str(o), str(n)] for f, o, n in c.fields]] for c in self.changed),
                   sorted(w.id for w in self.missing)]
        return hashlib.sha256(json.dumps(summary, ensure_ascii=False).encode()).hexdigest()[:32]


KEEP = object()  # a row leaves the field as the roster has it


def new_value(row: dict, name: str) -> object:
    """What a row writes into a field: the clear marker's empty value, the cell's value, or KEEP
    (a blank cell, or no column for it in the file)."""
    if name in row.get("clear", ()):
        return None if name == "active_from" else ""
    value = row.get(name)
    if value is None or value == "":  # also rows stored before blanks meant "unchanged"
        return KEEP
    return date.fromisoformat(value) if name == "active_from" else value


def plan_import(rows: list[dict], mentioned: Collection[str], roster: Iterable[Current],
                shift_names: Collection[str] = ()) -> Plan:
    """Match the file's good rows to the roster by employee number, whatever its case or width
    (number_key: the roster keeps its own spelling). A field the file has no column for, or a
    blank cell, is left as it is; the clear marker empties the field; an inactive worker who is
    back in the file is reactivated. A new worker's row with a blank team or shift (NEEDED_FOR_NEW)
    is left out, as `incomplete` row problems, and so is a number that is a worker's with its
    leading zeros gone (123 for 000123: Excel's doing), which leaves that worker "in the file".

    The rows were checked at upload against the company's shifts then; `shift_names` are its
    shifts now, and a row whose shift is no longer one of them (the check_fields rule) is `stale`:
    the shifts changed since, and the plan cannot be applied."""
    by_number = {number_key(w.employee_no): w for w in roster}
    mentioned = {number_key(n) for n in mentioned}
    padded = padded_ids(list(by_number))
    # 123 in the file, in a good row or a left-out one, where the roster has 000123: that worker is
    # in the file (with Excel's number), so not offered for deactivation.
    mentioned |= {meant for number in mentioned if (meant := zeros_dropped(number, padded))}
    plan = Plan(active=sum(1 for w in by_number.values() if w.active))
    for row in rows:
        shift = row.get("shift")
        if shift and shift_names and shift not in shift_names:
            plan.stale.append(problem(row["row"], HEADERS["shift"], "shift_gone", shift, " / ".join(shift_names),
                                      row["employee_no"], "shift"))
            continue
        current = by_number.get(number_key(row["employee_no"]))
        meant = zeros_dropped(row["employee_no"], padded) if current is None else None
        if meant is not None:  # 123 where the roster has 000123: not a new worker, Excel's number
            plan.incomplete.append(problem(row["row"], HEADERS["employee_no"], "lost_zeros", row["employee_no"],
                                           by_number[meant].employee_no, row["employee_no"], "employee_no"))
            continue
        if current is None:
            blanks = blank_for_new(row)
            if blanks:
                plan.incomplete.extend(problem(row["row"], HEADERS[name], f"new_without_{name}", "", "",
                                               row["employee_no"], name) for name in blanks)
            else:
                plan.added.append(row)
            continue
        changes = []
        for name in ("name", *OPTIONAL):
            new = new_value(row, name)
            old = getattr(current, name)
            if new is not KEEP and old != new:
                changes.append((name, old, new))
        if not current.active:
            changes.append(("active", False, True))
        if changes:
            plan.changed.append(Change(row, current, changes))
        else:
            plan.unchanged += 1
    plan.missing = sorted((w for key, w in by_number.items() if w.active and key not in mentioned),
                          key=lambda w: w.employee_no)
    return plan


def blank_for_new(fields: dict) -> list[str]:
    """The fields of NEEDED_FOR_NEW a new worker's row leaves blank (or clears): a file's good row,
    or the fields typed into the add-a-worker form (check_fields' result). One rule for both ways
    onto the roster; each blank one is a "new_without_<field>" problem."""
    return [name for name in NEEDED_FOR_NEW if new_value(fields, name) in (KEEP, "")]


# --- the template ------------------------------------------------------------------------------

def new_worker(row: dict) -> dict:
    """A new worker's fields from a row: blank cells (and the clear marker) are simply empty."""
    start = new_value(row, "active_from")
    return {"employee_no": row["employee_no"], "name": row["name"],
            "team": row.get("team") or "", "shift": row.get("shift") or "",
            "active_from": start if isinstance(start, date) else None}


def template_rows(shift: str | None = None) -> list[list[str]]:
    """The header row and one example row (the example uses the company's first shift)."""
    return [list(HEADERS.values()), ["A0001", "王小明", "一车间", shift or "早班", "2024-03-01"]]


def template_csv(shift: str | None = None) -> bytes:
    """CSV with the BOM Excel needs to show Chinese correctly."""
    out = io.StringIO(newline="")
    csv.writer(out, lineterminator="\r\n").writerows(template_rows(shift))
    return out.getvalue().encode("utf-8-sig")


def template_xlsx(shift: str | None = None, notes: Iterable[str] = ()) -> bytes:
    """XLSX with the employee-number column as text, so numbers like 000123 keep their zeros;
    `notes` (how to fill it in, in the reader's language) go on a second sheet, which the import
    never reads."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.worksheets[0]  # the empty sheet a new workbook starts with
    sheet.title = "花名册"
    for row in template_rows(shift):
        sheet.append(row)
    for column, width in zip("ABCDE", (14, 12, 16, 10, 14), strict=True):
        sheet.column_dimensions[column].width = width
        sheet.column_dimensions[column].number_format = "@"
    notes = list(notes)
    if notes:
        help_sheet = book.create_sheet("说明")
        for line in notes:
            help_sheet.append([line])
        help_sheet.column_dimensions["A"].width = 100
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
