"""Pure rules of the town admin's audit log page: how a row's detail is shown, how an action filter
becomes a safe SQL LIKE prefix, and which UTC instants a range of the town's local dates covers.

Used by audit.service (the log's queries and its CSV export). No Flask, no SQLAlchemy.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

# Quick filters offered on the page, as action-code prefixes. "export" without a dot also takes the
# older codes written before the dotted style (export_ledger, export_incidents); likewise "import".
ACTION_FAMILIES = ("export", "api.", "admin.", "api_token.", "import", "supervision", "retention.")
MICROSECOND = timedelta(microseconds=1)


def detail_pairs(detail: str) -> list[tuple[str, str]] | None:
    """A JSON object detail as (key, value) pairs in its own order, values as plain text (lists
    joined with commas, nested objects as compact JSON); None when the detail is not a JSON object
    (then it is shown as it is)."""
    try:
        parsed = json.loads(detail) if detail else None
    except ValueError:
        return None
    if not isinstance(parsed, dict):
        return None
    return [(str(key), value_text(value)) for key, value in parsed.items()]


def value_text(value: object) -> str:
    if value is None:
        return "–"
    if isinstance(value, bool):
        return "✓" if value else "✗"  # language-neutral: the detail is data, not prose
    if isinstance(value, list):
        return ", ".join(value_text(v) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return str(value)


def detail_text(detail: str) -> str:
    """The detail on one line (for the CSV export): "key: value; key: value", or the text as it is."""
    pairs = detail_pairs(detail)
    if pairs is None:
        return detail
    return "; ".join(f"{key}: {value}" for key, value in pairs)


def like_prefix(prefix: str, escape: str = "\\") -> str:
    """A LIKE pattern matching codes that start with `prefix` literally: "%" and "_" in what the
    admin typed match only themselves (action codes such as "export_ledger" contain "_")."""
    cleaned = prefix.strip()
    for special in (escape, "%", "_"):
        cleaned = cleaned.replace(special, escape + special)
    return cleaned + "%"


def utc_bounds(first: date | None, last: date | None, zone: ZoneInfo) -> tuple[datetime | None, datetime | None]:
    """The stored (naive UTC) instants of a range of the town's local days, both ends included, as
    (after, until): a row is in range when after < at <= until.

    Why not at >= start-of-day: SQLite keeps `at` as text, and a row stamped by the database
    ("2026-03-01 16:00:00") sorts before the same instant written by Python ("…16:00:00.000000").
    Moving both bounds one microsecond earlier and comparing strictly / inclusively gives the same
    answer for both spellings, and on PostgreSQL (microsecond timestamps) it is exactly the range.
    """
    after = until = None
    if first is not None:
        after = _utc(datetime.combine(first, time(0), zone)) - MICROSECOND
    if last is not None:
        until = _utc(datetime.combine(last + timedelta(days=1), time(0), zone)) - MICROSECOND
    return after, until


def _utc(moment: datetime) -> datetime:
    return moment.astimezone(UTC).replace(tzinfo=None)


def parse_day(text: str | None) -> date | None:
    """A YYYY-MM-DD date from a filter field; None when empty or not a date."""
    try:
        return date.fromisoformat((text or "").strip())
    except ValueError:
        return None
