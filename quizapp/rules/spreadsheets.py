"""What every spreadsheet file quizapp reads or writes must respect: the encodings Excel on Chinese
Windows saves CSV in, the cell starts a spreadsheet would run as a formula (CSV injection), and the
marker that empties a field on import (a blank cell never does: it leaves the field as it is).
Also the one reader of an uploaded sheet (CSV or an XLSX's first sheet) into numbered rows of
cells. Used by the roster import, the incident import, the outreach import and the exports. Pure
(openpyxl is imported when an XLSX is read)."""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Generator
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


# --- reading an uploaded sheet ------------------------------------------------------------------

class SheetError(ValueError):
    """The whole file cannot be read: `reason` is one of empty, too_big (details: mb), old_xls,
    not_xlsx, encoding, unreadable; each import words it in its own messages."""

    def __init__(self, reason: str, **details: Any) -> None:
        super().__init__(reason)
        self.reason = reason
        self.details = details


class Formula(str):
    """An XLSX cell holding a formula (its text): never taken, whatever it would compute."""


def _csv_rows(data: bytes) -> Generator[tuple[int, list], None, None]:
    text = decode_text(data)
    if text is None:
        raise SheetError("encoding")
    first = text.split("\n", 1)[0]
    delimiter = max(",\t;", key=first.count)
    try:
        yield from enumerate(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter), start=1)
    except csv.Error as exc:  # e.g. a cell longer than the csv module allows
        raise SheetError("unreadable") from exc


def _xlsx_value(cell: Any) -> object:  # an openpyxl cell (openpyxl has no type information)
    if cell.data_type == "f":
        return Formula(cell.value)
    value = cell.value
    if isinstance(value, float) and value.is_integer():
        return int(value)  # employee numbers typed as numbers come back as 1001.0
    return value


def _xlsx_rows(data: bytes) -> Generator[tuple[int, list], None, None]:
    from openpyxl import load_workbook

    # A damaged or foreign file can fail anywhere inside openpyxl, zipfile or the XML parser, with
    # many exception types: any of them means "not a workbook we can read".
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception as exc:
        raise SheetError("not_xlsx") from exc
    try:
        if not book.worksheets:
            raise SheetError("not_xlsx")
        sheet = book.worksheets[0]
        sheet.reset_dimensions()  # some writers store a wrong size; read every row there is
        for cells in sheet.iter_rows():
            number = next((c.row for c in cells if getattr(c, "row", None)), None)
            if number is not None:
                yield number, [_xlsx_value(c) for c in cells]
    except SheetError:
        raise
    except Exception as exc:
        raise SheetError("not_xlsx") from exc
    finally:
        book.close()


def read_sheet(filename: str, data: bytes, max_bytes: int) -> Generator[tuple[int, list], None, None]:
    """(row number, cells) for every row of a CSV or of an XLSX's first sheet, told apart by
    content (an XLSX is a zip); close it when done, so that the workbook is released even if the
    rows are not all read. SheetError when the file cannot be read (some only once read)."""
    if not data.strip():
        raise SheetError("empty")
    if len(data) > max_bytes:
        raise SheetError("too_big", mb=max_bytes // (1024 * 1024))
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise SheetError("old_xls")
    if data.startswith(b"PK\x03\x04"):
        return _xlsx_rows(data)
    if filename.lower().endswith((".xlsx", ".xlsm")):
        raise SheetError("not_xlsx")
    return _csv_rows(data)
