"""One parsing rule per kind of value that arrives from outside (a URL, a query string, a form
field, a cell of an uploaded file), so that every edge refuses the same things the same way:

- whole numbers: ASCII digits only (``"²".isdigit()`` is true, ``int("²")`` fails) within a range,
  at most what the database's integer columns hold;
- dates: within the window their meaning allows (an incident or a follow-up cannot lie before the
  town's records began nor years ahead);
- text: a length limit and no control characters other than tab and newline (a NUL or \\x01 in a
  name would break every XLSX export and travel raw into CSV files).

Also what is written out: `xml_safe` drops the characters an XML document (an XLSX cell) cannot
hold, for values stored before these rules. Pure: used by quizapp.validators (forms, URLs, query
strings), the imports and the exports.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

# The largest value of the database's INTEGER columns (PostgreSQL's int4): every id, count and page.
MAX_INT = 2**31 - 1

# The earliest date any record of the town may carry: nothing in quizapp happened before 2000
# (anti-fraud work, companies' records, the API's history). Years ahead of today are never valid
# for something that "happened"; a plan may look ahead a little.
EARLIEST_DAY = date(2000, 1, 1)
# The last date a filter may name whatever today is (a search in a log, not a record).
LATEST_DAY = date(2100, 12, 31)
PLANNING_DAYS = 366

# Text fields without a tighter limit of their own (a name, a note) take at most this many characters.
TEXT_LIMIT = 4000
# A search box or a filter typed into the URL.
QUERY_TEXT_LIMIT = 100

_DIGITS = re.compile(r"[0-9]{1,19}")
# C0 controls except tab and newline, DEL, and the C1 controls.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
# What XML 1.0 cannot hold at all (openpyxl refuses a cell with one of them): C0 controls except
# tab, newline and carriage return; lone surrogates; U+FFFE and U+FFFF.
_NOT_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def whole(text: object, low: int = 0, high: int = MAX_INT) -> int | None:
    """A whole number written in ASCII digits (an optional leading minus when `low` is negative),
    within low..high; None for anything else."""
    if isinstance(text, bool):
        return None
    if isinstance(text, int):
        value = text
    else:
        raw = str(text if text is not None else "").strip()
        negative = raw.startswith("-") and low < 0
        digits = raw[1:] if negative else raw
        if not _DIGITS.fullmatch(digits):
            return None
        value = -int(digits) if negative else int(digits)
    return value if low <= value <= high else None


def row_id(text: object) -> int | None:
    """A row's id as it appears in a URL, a query string or a form: 1..MAX_INT."""
    return whole(text, 1, MAX_INT)


def control_characters(text: str) -> bool:
    """Whether the text holds a control character other than tab and newline (a carriage return
    counts: forms' newlines are made \\n before this is asked)."""
    return _CONTROL.search(text) is not None


def plain_text(text: str | None, limit: int = QUERY_TEXT_LIMIT) -> str:
    """Text read from a query string: control characters dropped, at most `limit` characters, the
    ends trimmed."""
    return _CONTROL.sub("", (text or "").replace("\r\n", "\n"))[:limit].strip()


def newlines(text: str | None) -> str | None:
    """A form's line ends as \\n (browsers send a textarea's lines as \\r\\n)."""
    return text.replace("\r\n", "\n").replace("\r", "\n") if isinstance(text, str) else text


def xml_safe(value: object) -> object:
    """A value as an XLSX cell can hold it: text without the characters XML cannot carry; other
    values as they are."""
    return _NOT_XML.sub("", value) if isinstance(value, str) else value


def csv_safe(text: str) -> str:
    """Text for a CSV cell: control characters other than tab and newline dropped (a NUL ends the
    cell in many readers)."""
    return _CONTROL.sub("", text)


def latest_day(today: date, ahead: int = 0) -> date:
    """The last day a date may name: today for what has happened, `ahead` days on for a plan."""
    return today + timedelta(days=ahead)


def day_within(day: date, earliest: date, latest: date) -> bool:
    """Whether the day lies in the window its meaning allows (both ends included)."""
    return earliest <= day <= latest


def shift_day(day: date, days: int) -> date:
    """`day` moved by `days`, held within the dates Python can hold: date arithmetic on a stored
    value must never fail a page (a year-1 date minus 30 days is still year 1, not an error)."""
    try:
        return day + timedelta(days=days)
    except OverflowError:
        return date.min if days < 0 else date.max
