"""What every spreadsheet file quizapp reads or writes must respect: the encodings Excel on Chinese
Windows saves CSV in, and the cell starts a spreadsheet would run as a formula (CSV injection).
Used by the roster import, the incident import and the exports. Pure."""

from __future__ import annotations

# A text cell starting with one of these is run as a formula by Excel or LibreOffice.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def looks_like_formula(text: str) -> bool:
    return text.startswith(FORMULA_START)


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
