"""Pure rules of the town admin's audit log page: how a row's detail is shown (its values as people
read them: 启用 → 停用, 工作日 周一至周六, 月报 · 全镇, grids and companies by name), how an action
filter becomes a safe SQL LIKE prefix, and which UTC instants a range of the town's local dates
covers, and the window a repeated event (a failed sign-in) is counted in.

Used by audit.service (the window), audit.log (queries; references() tells it which names to look
up) and audit.wording (the words in the reader's language and the town's names, as a Wording, for the page and the CSV).
The stored detail stays machine-readable JSON: codes, ids, booleans, and a change as
{"old": …, "new": …}; it is put into words only when read, here.
No Flask, no SQLAlchemy.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from quizapp.rules import inputs

# Quick filters offered on the page, as action-code prefixes. "export" without a dot also takes the
# older codes written before the dotted style (export_ledger, export_incidents); likewise "import".
ACTION_FAMILIES = ("export", "api.", "admin.", "api_token.", "import", "supervision", "retention.", "signin.",
                   "account.", "roster.", "incident.", "worker.", "alert.")
# The city admin's quick filters: the city's own rows are these families (docs/privacy.md, "The city's
# audit log").
CITY_ACTION_FAMILIES = ("city.", "api_token.", "api.", "signin.", "partitions.", "export")
MICROSECOND = timedelta(microseconds=1)
# Failed sign-ins (workers' and staff's) are written once per window of this many minutes, with
# their count (audit.service.record_repeated).
REPEAT_WINDOW_MINUTES = 10


def window_start(now: datetime, minutes: int = REPEAT_WINDOW_MINUTES) -> datetime:
    """The start of the `minutes`-long window `now` falls in (minutes divides an hour)."""
    return now.replace(minute=now.minute - now.minute % minutes, second=0, microsecond=0)


# --- the city's rows ------------------------------------------------------------------------------

def city_row_kind(action: str, detail: str) -> str | None:
    """Why a row with no town is the city's, when it is not the city's own administration (the city
    admin's acts, a city token's reads): "unknown_account" for failed sign-ins to a username that is
    no account (no town owns it: a security event for the operators and the city), "security" for
    the city admin's own account's sign-in events, "installation" for what the operators' jobs do
    to every town at once (a month of answers dropped by retention). None for the rest."""
    if action.startswith("signin."):
        parsed = _object(detail) or {}
        return "unknown_account" if "account" in parsed and parsed["account"] is None else "security"
    if action.startswith("partitions."):
        return "installation"
    return None


# --- a detail in words ----------------------------------------------------------------------------

ARROW = " → "  # how a change reads; rows written before changes were stored as {"old", "new"} hold "old → new"

# What kind of value each detail key holds, which decides how it reads. A key not listed reads as
# it is stored (numbers, dates, file names, usernames).
KINDS = {
    "active": "active", "webhook": "webhook", "workdays": "workdays", "role": "role", "password": "password",
    "period": "period", "scope": "scope", "status": "status", "report": "report", "format": "format",
    "grid": "grid", "grids": "grid", "incidents_kept_in": "grid", "grid_id": "grid_id",
    "company": "company", "company_id": "company_id", "token": "token", "token_id": "token",
    "changed": "field", "participation_target": "share", "knowledge_drop": "share", "rule": "rule",
    "device": "device", "browser": "browser", "town": "town",
}
REFERENCES = ("grid", "grid_id", "company", "company_id", "token", "scope", "town")  # kinds that name a stored thing


@dataclass(frozen=True)
class Wording:
    """The reader's words for detail keys and values, and the town's names for the codes and ids
    a detail holds (audit.wording.detail_words fills it in)."""

    keys: Mapping[str, str] = field(default_factory=dict)  # detail key -> label
    values: Mapping[str, Mapping[str, str]] = field(default_factory=dict)  # kind -> stored value -> words
    weekdays: Sequence[str] = ("1", "2", "3", "4", "5", "6", "7")  # Monday first
    every_day: str = "1-7"
    no_day: str = "–"
    day_range: str = "%(first)s-%(last)s"
    separator: str = ", "
    yes: str = "✓"
    no: str = "✗"
    names: Mapping[str, Mapping[str, str]] = field(default_factory=dict)  # "grid"/"grid_id"/... -> key -> name


def _literal(text: str) -> object:
    """A side of an "old → new" written before changes were stored as JSON: Python's spelling."""
    return {"True": True, "False": False, "None": None}.get(text, text)


def change_of(value: object) -> tuple[object, object] | None:
    """(old, new) when the stored value is a change: {"old": …, "new": …}, or "old → new" text."""
    if isinstance(value, dict) and set(value) == {"old", "new"}:
        return value["old"], value["new"]
    if isinstance(value, str) and value.count(ARROW) == 1:
        old, new = value.split(ARROW)
        return _literal(old), _literal(new)
    return None


def workdays_text(code: str, words: Wording) -> str:
    """ISO weekdays ("123456") as people say them: runs of three days or more as "Monday to
    Saturday", other days one by one, every day as "every day"."""
    days = sorted({int(d) for d in str(code) if d in "1234567"})
    if len(days) == 7:
        return words.every_day
    if not days:
        return words.no_day
    runs: list[list[int]] = []
    for day in days:
        if runs and day == runs[-1][-1] + 1:
            runs[-1].append(day)
        else:
            runs.append([day])
    parts = []
    for run in runs:
        if len(run) >= 3:
            parts.append(words.day_range % {"first": words.weekdays[run[0] - 1], "last": words.weekdays[run[-1] - 1]})
        else:
            parts.extend(words.weekdays[d - 1] for d in run)
    return words.separator.join(parts)


def _key(value: object) -> str:
    """A stored value as the key of a words or names table: booleans as JSON spells them."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def value_words(kind: str | None, value: object, words: Wording) -> str:
    """One stored value in the reader's words, by the kind of its key."""
    if value is None or value == []:
        return "–"
    if isinstance(value, list):
        return words.separator.join(value_words(kind, v, words) for v in value)
    if kind == "workdays":
        return workdays_text(str(value), words)
    if kind == "share" and isinstance(value, (int, float)) and not isinstance(value, bool):
        return f"{value * 100:g}%"
    if kind == "field":
        return words.keys.get(str(value), str(value))
    if kind in REFERENCES:
        found = words.names.get(kind, {}).get(_key(value))
        if found is not None:
            return found
    if kind is not None and _key(value) in words.values.get(kind, {}):
        return words.values[kind][_key(value)]
    if isinstance(value, bool):
        return words.yes if value else words.no
    return value_text(value)


def readable_pairs(detail: str, words: Wording) -> list[tuple[str, str]] | None:
    """A JSON object detail as (label, value) pairs in its own order, in the reader's words; a
    change reads "old → new". None when the detail is not a JSON object (it is shown as it is)."""
    parsed = _object(detail)
    if parsed is None:
        return None
    pairs = []
    for key, value in parsed.items():
        kind = KINDS.get(key)
        change = change_of(value)
        text = (value_words(kind, change[0], words) + ARROW + value_words(kind, change[1], words)
                if change is not None else value_words(kind, value, words))
        pairs.append((words.keys.get(key, key), text))
    return pairs


def readable_text(detail: str, words: Wording) -> str:
    """The detail in words on one line (the CSV export): "label: value; label: value", or the text."""
    pairs = readable_pairs(detail, words)
    if pairs is None:
        return detail
    return "; ".join(f"{key}: {value}" for key, value in pairs)


def references(details: Iterable[str]) -> dict[str, set[str]]:
    """The codes and ids the details name, by kind, so their names are looked up once for a page."""
    found: dict[str, set[str]] = {kind: set() for kind in REFERENCES}
    for detail in details:
        for key, value in (_object(detail) or {}).items():
            kind = KINDS.get(key)
            if kind not in found:
                continue
            change = change_of(value)
            for item in (change if change is not None else [value]):
                for one in (item if isinstance(item, list) else [item]):
                    if one is not None and not isinstance(one, (dict, bool)):
                        found[kind].add(str(one))
    return found


def _object(detail: str) -> dict | None:
    try:
        parsed = json.loads(detail) if detail else None
    except ValueError:
        return None
    return parsed if isinstance(parsed, dict) else None


def value_text(value: object) -> str:
    """A value of a kind with no words of its own: lists joined with commas, nested objects as
    compact JSON, booleans as ✓ and ✗."""
    if value is None:
        return "–"
    if isinstance(value, bool):
        return "✓" if value else "✗"  # language-neutral: the detail is data, not prose
    if isinstance(value, list):
        return ", ".join(value_text(v) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return str(value)


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
    """A YYYY-MM-DD date from a filter field; None when empty, not a date, or outside the dates the
    log can hold (before 2000, or more than a year ahead of any clock: year 1 or 9999)."""
    try:
        day = date.fromisoformat((text or "").strip())
    except ValueError:
        return None
    return day if inputs.day_within(day, inputs.EARLIEST_DAY, inputs.LATEST_DAY) else None
