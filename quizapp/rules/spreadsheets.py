"""What every spreadsheet file quizapp reads or writes must respect: the encodings Excel on Chinese
Windows saves CSV in, the cell starts a spreadsheet would run as a formula (CSV injection), and the
marker that empties a field on import (a blank cell never does: it leaves the field as it is).
Also the one reader of an uploaded sheet (CSV, or the XLSX sheet the user meant: the first visible
one with the import's header, merged cells read as the value the user sees) into numbered rows of
cells, the limits of the two large imports (the roster, the town's register), the finder of their
header row, and the checks of cells Excel has changed (an ID stored as a number, a day that is not
one). Used by the roster import, the register import, the incident import, the
outreach import and the exports. Pure (openpyxl is imported when an XLSX is read)."""

from __future__ import annotations

import csv
import io
import re
import unicodedata
import zipfile
from collections.abc import Callable, Collection, Generator, Iterator
from contextlib import closing
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

# A text cell starting with one of these is run as a formula by Excel or LibreOffice.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def looks_like_formula(text: str) -> bool:
    return text.startswith(FORMULA_START)


# The clear marker as staff type it: 清空 ("empty it") or "clear", bare or in brackets of any
# width. Not "-": a cell starting with "-" is refused as a formula (CSV injection), and "-" is
# what many exports write for "unknown", which must not erase anything.
CLEAR_MARKER = "清空"
_CLEAR_WORDS = {"清空", "clear"}
_BRACKETED = re.compile(r"^[(\[【<《]\s*(.*?)\s*[)\]】>》]$")


def is_clear_marker(value: object) -> bool:
    """A cell that asks to empty the field: 清空 or clear, alone or in brackets (（清空）, [clear])."""
    if not isinstance(value, str):
        return False
    text = unicodedata.normalize("NFKC", value).strip().casefold()
    return _BRACKETED.sub(r"\1", text) in _CLEAR_WORDS


def decode_text(data: bytes) -> str | None:
    """The text of a CSV file: UTF-8 (with or without the BOM Excel writes), UTF-16 (Excel's
    "Unicode text"), or GB18030, the superset of the GBK that Excel on Chinese Windows uses.
    None when it is none of these (or binary)."""
    encodings = ("utf-16",) if data.startswith((b"\xff\xfe", b"\xfe\xff")) else ("utf-8-sig", "gb18030")
    for encoding in encodings:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if "\x00" not in text:  # a NUL means a binary file that happened to decode
            return text
    return None


# The roster's and the register's limits: a company's roster or a town's register is at most a
# few thousand rows; blank rows count (a file of blank rows must not hold a worker for minutes).
SHEET_MAX_BYTES = 10 * 1024 * 1024
SHEET_MAX_ROWS = 20_000
HEADER_SEARCH = 10  # a title line or two above the header row is common in factory spreadsheets


# --- reading an uploaded sheet ------------------------------------------------------------------

# An XLSX is a zip of XML files. Checked before any XML is parsed: a 1 MB file can unpack to 1 GiB
# of whitespace, or to millions of rows; openpyxl reads all shared strings into memory at once, and
# scans a whole sheet that lacks its <dimension> before the first row is read. A 20,000-row,
# six-column roster unpacks to about 7 MB (inline strings; less with shared strings); a workbook
# from Excel or WPS holds a dozen entries.
XLSX_MAX_ENTRIES = 200
XLSX_MAX_UNPACKED = 16 * 1024 * 1024
XLSX_MAX_SHARED_STRINGS = 8 * 1024 * 1024
# A row element, with or without a namespace prefix (<row r="2">, <x:row>, <row/>).
_ROW_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?row[\s/>]")
_CHUNK = 1024 * 1024


def xlsx_problem(data: bytes, max_rows: int) -> str | None:
    """Why a workbook is refused before it is opened: "not_xlsx" (not a zip), "too_many_entries",
    "too_big_unpacked" (all entries, or the shared strings, unpack past their limit), "too_many_rows"
    (its sheets hold more row elements than `max_rows`, blank ones included: counted in the bytes,
    which costs milliseconds); None when it may be read. The sizes are those the zip declares:
    Python's zipfile never unpacks past them."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            entries = archive.infolist()
            if len(entries) > XLSX_MAX_ENTRIES:
                return "too_many_entries"
            shared = sum(e.file_size for e in entries if e.filename.lower().endswith("sharedstrings.xml"))
            if sum(e.file_size for e in entries) > XLSX_MAX_UNPACKED or shared > XLSX_MAX_SHARED_STRINGS:
                return "too_big_unpacked"
            rows = 0
            for entry in entries:
                if entry.filename.startswith("xl/worksheets/") and entry.filename.endswith(".xml"):
                    rows += _row_tags(archive, entry, max_rows - rows)
                    if rows > max_rows:
                        return "too_many_rows"
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError, OSError):
        return "not_xlsx"
    return None


def _row_tags(archive: zipfile.ZipFile, entry: zipfile.ZipInfo, limit: int) -> int:
    """How many row elements an entry holds, streamed a megabyte at a time; stops past `limit`."""
    count, tail = 0, b""
    with archive.open(entry) as source:
        while True:
            chunk = source.read(_CHUNK)
            buffer = tail + chunk
            # A tag cut by the chunk's end is counted with the next chunk (tags are short).
            safe = len(buffer) - 64 if chunk else len(buffer)
            count += sum(1 for found in _ROW_TAG.finditer(buffer) if found.start() < safe)
            if not chunk or count > limit:
                return count
            tail = buffer[safe:]


class SheetError(ValueError):
    """The whole file cannot be read: `reason` is one of empty, too_big (details: mb), old_xls,
    not_xlsx, too_big_unpacked (mb), too_many_rows (limit), encoding, unreadable; each import
    words it in its own messages."""

    def __init__(self, reason: str, **details: Any) -> None:
        super().__init__(reason)
        self.reason = reason
        self.details = details


class Formula(str):
    """An XLSX cell holding a formula (its text): never taken, whatever it would compute."""


class SpreadText(str):
    """Text a merged range spread sideways into a cell right of its first column: a header merged
    over two columns is one column (_map_header skips the copy), while two real columns with the
    same header are still refused."""


@dataclass
class SheetInfo:
    """Which sheet of a workbook was read, for the import's preview to name: `sheet` the worksheet's
    name (None for a CSV), `others` the other visible worksheets that hold anything (not read)."""

    sheet: str | None = None
    others: list[str] = field(default_factory=list)


class SheetRows(Generator[tuple[int, list], None, None]):
    """The rows read_sheet gives, (row number, cells), and which sheet they come from (`sheet`,
    `others`: known once the first row is asked for, so read after the rows). Close it when done."""

    def __init__(self, rows: Generator[tuple[int, list], None, None], info: SheetInfo) -> None:
        self._rows, self.info = rows, info

    @property
    def sheet(self) -> str | None:
        return self.info.sheet

    @property
    def others(self) -> list[str]:
        return self.info.others

    def send(self, value: None) -> tuple[int, list]:
        return self._rows.send(value)

    def throw(self, *args: Any) -> tuple[int, list]:
        return self._rows.throw(*args)

    def close(self) -> None:
        self._rows.close()


def _csv_rows(data: bytes, max_rows: int) -> Generator[tuple[int, list], None, None]:
    text = decode_text(data)
    if text is None:
        raise SheetError("encoding")
    first = text.split("\n", 1)[0]
    delimiter = max(",\t;", key=first.count)
    try:
        for number, cells in enumerate(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter), start=1):
            if number > max_rows:  # blank lines count
                raise SheetError("too_many_rows", limit=max_rows)
            yield number, cells
    except csv.Error as exc:  # e.g. a cell longer than the csv module allows
        raise SheetError("unreadable") from exc


# A number format of zeros only ("000000") shows 123 as 000123: what the user sees is read.
_ZERO_PADDED = re.compile(r"^0+$")


def _xlsx_value(cell: Any) -> object:  # an openpyxl cell (openpyxl has no type information)
    if cell.data_type == "f":
        return Formula(cell.value)
    value = cell.value
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # employee numbers typed as numbers come back as 1001.0
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        shown = getattr(cell, "number_format", None) or ""
        if _ZERO_PADDED.match(shown) and len(shown) > len(str(value)):
            return str(value).zfill(len(shown))
    return value


# Merged cells: Excel keeps the value in the range's top-left cell only, and openpyxl's read-only
# mode (which keeps a 20,000-row file in a few MB) ignores merges. The ranges are read from the
# sheet's XML (<mergeCell ref="C2:C41"/>, after the rows) and every cell of a range is given the
# top-left value, as the user sees it. A row with no value of its own stays blank (a team merged
# down past the last worker adds no rows). Bounded: columns past MERGE_MAX_COLUMN are not filled
# and the cells a file's ranges cover are counted before any is filled.
MERGE_MAX_COLUMN = 256
MERGE_MAX_CELLS = 2_000_000
_MERGE_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?mergeCell\b[^>]*?\sref=\"([A-Za-z]+[0-9]+(?::[A-Za-z]+[0-9]+)?)\"")

Merge = tuple[int, int, int, int]  # first row, first column, last row, last column (1-based)


def _merged_ranges(source: Any, max_rows: int) -> dict[int, list[Merge]]:
    """The merged ranges of a sheet's XML (a binary stream), by first row; single cells and ranges
    starting past `max_rows` left out. SheetError "too_big_unpacked" past MERGE_MAX_CELLS."""
    from openpyxl.utils.cell import range_boundaries

    found: dict[int, list[Merge]] = {}
    cells, tail = 0, b""
    while True:
        chunk = source.read(_CHUNK)
        buffer = tail + chunk
        safe = len(buffer) - 256 if chunk else len(buffer)  # a tag cut by the chunk's end: next time
        for match in _MERGE_TAG.finditer(buffer):
            if match.start() >= safe:
                break
            ref = match.group(1).decode("ascii").upper()
            if ":" not in ref:
                continue
            min_col, min_row, max_col, max_row = (int(b or 0) for b in range_boundaries(ref))
            max_col, max_row = min(max_col, MERGE_MAX_COLUMN), min(max_row, max_rows)
            if min_row > max_rows or min_col > MERGE_MAX_COLUMN or (min_row, min_col) == (max_row, max_col):
                continue
            cells += (max_row - min_row + 1) * (max_col - min_col + 1)
            if cells > MERGE_MAX_CELLS:
                raise SheetError("too_big_unpacked", mb=XLSX_MAX_UNPACKED // (1024 * 1024))
            found.setdefault(min_row, []).append((min_row, min_col, max_row, max_col))
        if not chunk:
            return found
        tail = buffer[safe:]


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _fill_merges(rows: Iterator[tuple[int, list]],
                 merges: dict[int, list[Merge]]) -> Generator[tuple[int, list], None, None]:
    active: list[tuple[Merge, object]] = []  # ranges reaching the current row, with their value
    for number, cells in rows:
        active = [(m, v) for m, v in active if m[2] >= number]
        own = any(not _blank(v) for v in cells)
        for merge in merges.get(number, ()):
            value = cells[merge[1] - 1] if merge[1] <= len(cells) else None
            if not _blank(value):
                active.append((merge, value))
        if active and own:
            for (_first, min_col, _last, max_col), value in active:
                if len(cells) < max_col:
                    cells.extend([None] * (max_col - len(cells)))
                for index in range(min_col - 1, max_col):
                    sideways = index > min_col - 1 and isinstance(value, str) and not isinstance(value, Formula)
                    cells[index] = SpreadText(value) if sideways else value
        yield number, cells


def _sheet_rows(sheet: Any, max_rows: int) -> Generator[tuple[int, list], None, None]:
    """(row number, cells) of a read-only worksheet's rows that have cells, as stored."""
    sheet.reset_dimensions()  # some writers store a wrong size; read every row there is
    for seen, cells in enumerate(sheet.iter_rows(), start=1):
        number = next((c.row for c in cells if getattr(c, "row", None)), None)
        if seen > max_rows or (number or 0) > max_rows:  # blank rows count: each costs reading
            raise SheetError("too_many_rows", limit=max_rows)
        if number is not None:
            yield number, [_xlsx_value(c) for c in cells]


def _look_at(sheet: Any, max_rows: int, header: Callable[[list], bool] | None) -> tuple[bool, bool]:
    """Whether a worksheet holds anything, and whether one of its first HEADER_SEARCH non-blank rows
    is the import's header (`header`)."""
    seen = 0
    with closing(_sheet_rows(sheet, max_rows)) as rows:
        for _number, cells in rows:
            if not any(cell_text(v) for v in cells):
                continue
            seen += 1
            if header is None or header(cells):
                return True, header is not None
            if seen >= HEADER_SEARCH:
                break
    return seen > 0, False


def _choose_sheet(sheets: list[Any], max_rows: int, header: Callable[[list], bool] | None) -> tuple[Any, list[str]]:
    """The worksheet to read: the first visible one with the import's header, else the first
    visible one with anything in it, else the first visible one (a hidden sheet is never read: the
    user does not see it); and the other visible worksheets that hold anything."""
    visible = [s for s in sheets if getattr(s, "sheet_state", "visible") == "visible"] or sheets
    if len(visible) == 1:
        return visible[0], []
    looks = [(sheet, *_look_at(sheet, max_rows, header)) for sheet in visible]
    chosen = next((s for s, _data, has_header in looks if has_header), None) \
        or next((s for s, has_data, _header in looks if has_data), visible[0])
    return chosen, [s.title for s, has_data, _header in looks if has_data and s is not chosen]


def _xlsx_rows(data: bytes, max_rows: int, header: Callable[[list], bool] | None,
               info: SheetInfo) -> Generator[tuple[int, list], None, None]:
    from openpyxl import load_workbook

    problem = xlsx_problem(data, max_rows)
    if problem == "too_big_unpacked":
        raise SheetError("too_big_unpacked", mb=XLSX_MAX_UNPACKED // (1024 * 1024))
    if problem == "too_many_rows":
        raise SheetError("too_many_rows", limit=max_rows)
    if problem is not None:
        raise SheetError("not_xlsx")

    # A damaged or foreign file can fail anywhere inside openpyxl, zipfile or the XML parser, with
    # many exception types: any of them means "not a workbook we can read".
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception as exc:
        raise SheetError("not_xlsx") from exc
    try:
        if not book.worksheets:
            raise SheetError("not_xlsx")
        sheet, info.others = _choose_sheet(list(book.worksheets), max_rows, header)
        info.sheet = sheet.title
        with sheet._get_source() as source:  # the sheet's XML, as openpyxl's read-only mode opens it
            merges = _merged_ranges(source, max_rows)
        rows = _sheet_rows(sheet, max_rows)
        yield from _fill_merges(rows, merges) if merges else rows
    except SheetError:
        raise
    except Exception as exc:
        raise SheetError("not_xlsx") from exc
    finally:
        book.close()


def read_sheet(filename: str, data: bytes, max_bytes: int, max_rows: int,
               header: Callable[[list], bool] | None = None) -> SheetRows:
    """(row number, cells) for every row of a CSV or of an XLSX's sheet, told apart by content (an
    XLSX is a zip); close it when done, so that the workbook is released even if the rows are not
    all read. The sheet read is the first visible one whose first rows include the import's
    header (`header`, see header_test), else the first visible one with anything in it; a merged
    cell reads as its range's value. The result's `sheet` and `others` say which sheet was read
    and which other visible sheets hold something. SheetError when the file cannot be read (some
    only once read): past `max_rows` rows, blank ones included, it stops ("too_many_rows"); an
    XLSX is checked before it is opened (xlsx_problem)."""
    if not data.strip():
        raise SheetError("empty")
    if len(data) > max_bytes:
        raise SheetError("too_big", mb=max_bytes // (1024 * 1024))
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise SheetError("old_xls")
    info = SheetInfo()
    if data.startswith(b"PK\x03\x04"):
        return SheetRows(_xlsx_rows(data, max_rows, header, info), info)
    if filename.lower().endswith((".xlsx", ".xlsm")):
        raise SheetError("not_xlsx")
    return SheetRows(_csv_rows(data, max_rows), info)


def read_import(filename: str, data: bytes, error: Callable[..., Exception],
                header: Callable[[list], bool] | None = None) -> SheetRows:
    """read_sheet with the large imports' limits (SHEET_MAX_BYTES, SHEET_MAX_ROWS), for the roster
    and the register: a file that cannot be read, when it is opened or while its rows are read,
    raises the import's own `error(reason, **details)`, which its pages word. Close it when done."""
    try:
        rows = read_sheet(filename, data, SHEET_MAX_BYTES, SHEET_MAX_ROWS, header)
    except SheetError as exc:
        raise error(exc.reason, **exc.details) from exc
    return SheetRows(_raising(rows, error), rows.info)


def _raising(rows: Generator[tuple[int, list], None, None],
             error: Callable[..., Exception]) -> Generator[tuple[int, list], None, None]:
    with closing(rows):
        try:
            yield from rows
        except SheetError as exc:
            raise error(exc.reason, **exc.details) from exc


# --- finding the header row ----------------------------------------------------------------------

def spelling_key(text: str) -> str:
    """What makes two spellings of one name the same in an import's cell: width (（杀猪盘） is
    (杀猪盘), ＤＳ－１ is DS-1), case and surrounding space. A grid's code or name, a fraud type: the
    names the app knows and the file's cells are both read through it."""
    return unicodedata.normalize("NFKC", text).casefold().strip()


def header_key(text: str) -> str:
    """What makes two header names the same column: width, case, spaces, punctuation and a note in
    brackets do not count ("入职日期(可选)", "工号 (必填)", "Employee No.")."""
    text = unicodedata.normalize("NFKC", text).casefold()
    text = re.sub(r"\(.*?\)", "", text)
    return re.sub(r"[\s_\-./*:：]", "", text)


def header_keys(aliases: dict[str, list[str]]) -> dict[str, str]:
    """Each alias's header_key to its field: {"employee_no": ["工号", "employee no"]} ->
    {"工号": "employee_no", "employeeno": "employee_no"}."""
    return {header_key(alias): name for name, names in aliases.items() for alias in names}


def _map_header(cells: list, keys: dict[str, str]) -> tuple[dict[str, int], dict[str, str], list[str]]:
    fields: dict[str, int] = {}
    headers: dict[str, str] = {}
    ignored: list[str] = []
    for index, cell in enumerate(cells):
        if isinstance(cell, SpreadText):
            continue  # a header merged over two columns (read into both): the column is its first
        header = cell_text(cell)
        name = keys.get(header_key(header)) if header else None
        if name is None:
            if header:
                ignored.append(header)
        elif name in fields:
            raise SheetError("duplicate_columns", columns=f"{headers[name]}, {header}")
        else:
            fields[name], headers[name] = index, header
    return fields, headers, ignored


def header_test(keys: dict[str, str], required: Collection[str]) -> Callable[[list], bool]:
    """Whether a row is an import's header: it names every `required` field (by header_keys'
    `keys`). What read_sheet looks for to choose among a workbook's sheets."""
    def test(cells: list) -> bool:
        try:
            fields = _map_header(cells, keys)[0]
        except SheetError:  # two columns for one field: the header all the same (find_header says so)
            return True
        return all(name in fields for name in required)
    return test


def find_header(rows: Iterator[tuple[int, list]], keys: dict[str, str],
                required: dict[str, str]) -> tuple[int, dict[str, int], dict[str, str], list[str]]:
    """The header row among the first HEADER_SEARCH non-blank rows: the first that has every
    `required` field ({field: its name in the template}). Returns its number, each field's column
    index and header text as found, and the headers that name no field (ignored). SheetError
    "duplicate_columns" (columns) when two columns mean one field, "missing_columns" (missing:
    the template names, found: the likeliest row's headers) when no row has them all, "empty"
    when there is no non-blank row."""
    best: tuple[int, list[str], list[str]] | None = None  # (fields known, missing, found) of the likeliest row
    for _ in range(HEADER_SEARCH):
        number, cells = next(((n, c) for n, c in rows if any(cell_text(v) for v in c)), (0, None))
        if cells is None:
            break
        fields, headers, ignored = _map_header(cells, keys)
        missing = [label for name, label in required.items() if name not in fields]
        if not missing:
            return number, fields, headers, ignored
        if best is None or len(fields) > best[0]:
            best = (len(fields), missing, [cell_text(c) for c in cells if cell_text(c)])
    if best is None:
        raise SheetError("empty")
    raise SheetError("missing_columns", missing=best[1], found=best[2])


# --- reading one cell (roster, outreach and incident files alike) -------------------------------

_DATE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")


def cell_text(value: object) -> str:
    """A cell as one line of text: a date cell as its day, runs of whitespace as one space."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = value.date()
    return re.sub(r"\s+", " ", str(value)).strip()


def is_formula(value: object) -> bool:
    """A formula cell, or text that a spreadsheet would run as one (=, +, -, @ ...)."""
    return isinstance(value, Formula) or (isinstance(value, str) and looks_like_formula(value.strip()))


class NoSuchDay(ValueError):
    """A day written in a date's format that the calendar does not have (2026-02-30): `text` as
    written, for the message to quote."""

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.text = text


def cell_date(value: object) -> date:
    """A day as a date (a form's, a spreadsheet's date cell) or written 2026-03-01, 2026/3/1,
    2026.3.1 or 2026年3月1日, in any width (２０２６－０３－０５); NoSuchDay (a ValueError) when the
    calendar has no such day, ValueError when it is not a date at all."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = unicodedata.normalize("NFKC", cell_text(value))
    match = _DATE.match(text)
    if not match:
        raise ValueError(value)
    try:
        return date(*(int(part) for part in match.groups()))
    except ValueError as exc:  # 2026-02-30, 2026-13-01
        raise NoSuchDay(text) from exc


# --- an ID column Excel has changed (an employee number, a code) --------------------------------

# Excel turns a typed 000123 into the number 123 (a cell not set to text), shows a long number as
# 1.38E+10 and keeps only 15 digits of it; a CSV saved then holds "1.38E+10". An ID read from such
# a cell is not the ID the user meant, and matching it would add a worker who already exists.
_SCIENTIFIC = re.compile(r"^[+-]?\d+(?:[.,]\d+)?e[+-]?\d+$", re.IGNORECASE)
EXCEL_DIGITS = 15


def is_number_cell(value: object) -> bool:
    """A spreadsheet cell stored as a number (a CSV's cells are all text)."""
    return isinstance(value, int | float) and not isinstance(value, bool)


def id_cell_problem(value: object) -> str | None:
    """Why an ID cell holds what Excel made of the ID rather than the ID: "scientific" for text
    in scientific notation (1.38E+10: the digits are gone) or a number cell too long for Excel to
    keep every digit, or not whole; None otherwise (see zeros_dropped for 000123 stored as 123)."""
    if isinstance(value, str):
        return "scientific" if _SCIENTIFIC.match(unicodedata.normalize("NFKC", value).strip()) else None
    if is_number_cell(value):
        if isinstance(value, float) or abs(int(value)) >= 10 ** EXCEL_DIGITS:  # type: ignore[call-overload]
            return "scientific"
    return None


def zero_padded_width(text: str) -> int:
    """The width of a digits-only ID that starts with 0 (000123: 6), else 0: a file or a roster
    with such IDs keeps its zeros, so a shorter number among them has lost its own."""
    return len(text) if len(text) > 1 and text.isascii() and text.isdigit() and text.startswith("0") else 0


def zeros_dropped(text: str, padded: dict[str, str]) -> str | None:
    """The known ID that a digits-only `text` is with its leading zeros gone (123 for 000123),
    from `padded`: the known zero-padded IDs by their digits without the zeros (padded_ids)."""
    if not (text.isascii() and text.isdigit()) or text.startswith("0"):
        return None
    return padded.get(text)


def padded_ids(ids: Iterator[str] | list[str]) -> dict[str, str]:
    """The zero-padded IDs among `ids` (000123), by their digits without the zeros (123)."""
    return {i.lstrip("0"): i for i in ids if zero_padded_width(i) and i.lstrip("0")}


# --- notes kept with an import's problems -------------------------------------------------------------

# An import keeps its file's problems as a list of {"row", "column", "reason", ...}; two entries are
# notes for the preview, not problems: a column the import does not know (ignored), and which
# sheet of a workbook it read (row 0; "column" the sheet, "detail" the other sheets, not read).
NOTES = ("ignored_column", "sheet_read")


def sheet_note(sheet: str | None, others: list[str]) -> list[dict]:
    """The "sheet read" note of a workbook's import (none for a CSV)."""
    return [] if not sheet else [{"row": 0, "column": sheet, "reason": "sheet_read", "value": "", "detail": others}]


def problems_only(entries: list[dict]) -> list[dict]:
    """An import's stored entries without the notes (NOTES)."""
    return [e for e in entries if e.get("reason") not in NOTES]

