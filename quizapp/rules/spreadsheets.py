"""What every spreadsheet file quizapp reads or writes must respect: the encodings Excel on Chinese
Windows saves CSV in, the cell starts a spreadsheet would run as a formula (CSV injection), and the
marker that empties a field on import (a blank cell never does: it leaves the field as it is).
Used by the roster import, the incident import and the exports. Pure."""

from __future__ import annotations

import re
import unicodedata

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
