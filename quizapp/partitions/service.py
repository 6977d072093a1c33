"""The answer table partitioned by month on PostgreSQL: converting the plain table, making the
coming months' partitions ahead of time, listing them, and dropping the months retention no longer
keeps.

Used by `quizapp partitions` (partitions/cli.py) and retention.service. SQLite has no partitions:
every function here refuses it (Refused), and the table there stays as it is.

Design (docs/scale.md, "Answers by month"): the key is answer.local_date, the attempt's local date
(one quiz's answers sit in one month). `convert` does not copy a row: the existing table becomes
one partition for every date before the first month partition (`answer_before_yYYYYmMM`), and the
month partitions start empty from the month after today. The primary key becomes (id, local_date)
and the unique slot (attempt_id, position, local_date): PostgreSQL requires the partition key in
every unique constraint, and since a slot's date is its attempt's, the rule they keep is the same
one. Foreign keys from answer to attempt, question, question version and alert stay (no table
points at answer). A DEFAULT partition takes any row no month partition covers (had `ensure` not
run for months), so a quiz never fails for a missing partition; `ensure` moves such rows into their
month when it makes it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from sqlalchemy import text

from quizapp.audit import service as audit
from quizapp.extensions import db
from quizapp.partitions import rules
from quizapp.partitions.rules import DEFAULT, KEY, TABLE, Month


class Refused(Exception):
    """Nothing was done, for the reason given (a sentence for the operator)."""


@dataclass(frozen=True)
class Partition:
    name: str
    start: date | None  # None: from the beginning (MINVALUE), or the DEFAULT partition
    end: date | None  # excluded; None for the DEFAULT partition
    rows: int  # the planner's estimate (exact after ANALYZE)
    bytes: int  # table, indexes and TOAST

    @property
    def default(self) -> bool:
        return self.end is None


def _sql(statement: str, **params):
    return db.session.execute(text(statement), params)


def on_postgresql() -> bool:
    return db.session.get_bind().dialect.name == "postgresql"


def partitioned() -> bool:
    """Whether the answer table is partitioned (always False on SQLite)."""
    if not on_postgresql():
        return False
    kind = _sql("SELECT relkind FROM pg_class WHERE oid = to_regclass(:t)", t=TABLE).scalar()
    return kind == "p"


def _require_postgresql() -> None:
    if not on_postgresql():
        raise Refused("partitions need PostgreSQL; on SQLite the answer table stays one table")


_BOUND = re.compile(r"FROM \((?:MINVALUE|'(\d{4}-\d\d-\d\d)')\) TO \('(\d{4}-\d\d-\d\d)'\)")


def partitions() -> list[Partition]:
    """The answer table's partitions in date order (the DEFAULT one last); [] when not partitioned."""
    if not partitioned():
        return []
    found = []
    for name, bound, rows, size in _sql(
            "SELECT c.relname, pg_get_expr(c.relpartbound, c.oid), c.reltuples, pg_total_relation_size(c.oid) "
            "FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = to_regclass(:t)", t=TABLE):
        match = _BOUND.search(bound)
        start = date.fromisoformat(match.group(1)) if match and match.group(1) else None
        end = date.fromisoformat(match.group(2)) if match else None
        found.append(Partition(name, start, end, max(int(rows), 0), int(size)))
    return sorted(found, key=lambda p: (p.end is None, p.end or date.max))


def _with_key(columns_sql: str) -> str:
    """A constraint or index definition with the partition key added to its column list."""
    head, cols, tail = re.match(r"^(.*?\()([^()]*)(\).*)$", columns_sql, re.S).groups()  # type: ignore[union-attr]
    if KEY in [c.strip().strip('"') for c in cols.split(",")]:
        return columns_sql
    return f"{head}{cols}, {KEY}{tail}"


def convert(today: date, ahead: int = 3) -> tuple[Partition, ...]:
    """Turn the plain answer table into one partitioned by month, without copying a row: the table
    as it is becomes the partition of every date before next month, then the month partitions
    from next month to `ahead` months on, and the DEFAULT one. One transaction (the caller
    commits): answers wait for it, so run it when no shift starts (docs/scale.md gives its cost).
    Refuses on SQLite and on a table already partitioned."""
    _require_postgresql()
    if partitioned():
        raise Refused("the answer table is already partitioned by month; `quizapp partitions ensure` adds months")
    rules.months_needed(today, ahead, today)  # checks --ahead before anything is touched
    _sql(f"LOCK TABLE {TABLE} IN ACCESS EXCLUSIVE MODE")
    newest = _sql(f"SELECT max({KEY}) FROM {TABLE}").scalar()
    bound = rules.first_monthly(today, newest)
    legacy = rules.legacy_name(bound)
    sequence = _sql("SELECT pg_get_serial_sequence(:t, 'id')", t=TABLE).scalar()
    constraints = _sql("SELECT conname, contype, pg_get_constraintdef(oid) FROM pg_constraint "
                       "WHERE conrelid = to_regclass(:t) AND contype IN ('p', 'u', 'f') ORDER BY contype DESC, conname",
                       t=TABLE).all()
    indexes = _sql("SELECT i.relname, pg_get_indexdef(i.oid) FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid "
                   "WHERE x.indrelid = to_regclass(:t) AND NOT EXISTS (SELECT 1 FROM pg_constraint c "
                   "WHERE c.conindid = x.indexrelid AND c.conrelid = x.indrelid) ORDER BY i.relname", t=TABLE).all()

    # The old table keeps its rows and, for now, its own keys under other names.
    _sql(f"ALTER TABLE {TABLE} RENAME TO {legacy}")
    superseded = []
    for name, kind, _ in constraints:
        if kind in "pu":
            _sql(f'ALTER TABLE {legacy} RENAME CONSTRAINT "{name}" TO "{name[:59]}_old"')
            superseded.append(f"{name[:59]}_old")
    for name, _ in indexes:
        _sql(f'ALTER INDEX "{name}" RENAME TO "{name[:59]}_old"')

    _sql(f"CREATE TABLE {TABLE} (LIKE {legacy} INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING STORAGE) "
         f"PARTITION BY RANGE ({KEY})")
    for name, kind, definition in constraints:
        _sql(f'ALTER TABLE {TABLE} ADD CONSTRAINT "{name}" {_with_key(definition) if kind in "pu" else definition}')
    for _, definition in indexes:  # "CREATE [UNIQUE] INDEX name ON public.answer USING ...": the new table
        _sql(_with_key(definition) if definition.startswith("CREATE UNIQUE") else definition)
    if sequence:
        _sql(f"ALTER SEQUENCE {sequence} OWNED BY {TABLE}.id")
    _sql(f"CREATE TABLE {DEFAULT} PARTITION OF {TABLE} DEFAULT")
    for month in rules.months_needed(today, ahead, bound):
        _create(month)
    # Its old keys give way to the new ones (a table has one primary key). Attaching scans the old
    # table once to check its dates, builds the new keys' indexes on it and adopts its other
    # indexes and foreign keys as they are.
    for name in superseded:
        _sql(f'ALTER TABLE {legacy} DROP CONSTRAINT "{name}"')
    _sql(f"ALTER TABLE {TABLE} ATTACH PARTITION {legacy} FOR VALUES FROM (MINVALUE) TO ('{bound.isoformat()}')")
    _sql(f"ANALYZE {TABLE}")
    return tuple(partitions())


def _create(month: Month) -> None:
    """Make one month's partition; rows the DEFAULT partition took for that month move into it."""
    start, end = month.start.isoformat(), month.end.isoformat()
    strays = _sql(f"SELECT count(*) FROM {DEFAULT} WHERE {KEY} >= :s AND {KEY} < :e", s=start, e=end).scalar()
    if not strays:
        _sql(f"CREATE TABLE {month.name} PARTITION OF {TABLE} FOR VALUES FROM ('{start}') TO ('{end}')")
        return
    _sql(f"CREATE TABLE {month.name} (LIKE {TABLE} INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING STORAGE)")
    _sql(f"WITH moved AS (DELETE FROM {DEFAULT} WHERE {KEY} >= :s AND {KEY} < :e RETURNING *) "
         f"INSERT INTO {month.name} SELECT * FROM moved", s=start, e=end)
    _sql(f"ALTER TABLE {TABLE} ATTACH PARTITION {month.name} FOR VALUES FROM ('{start}') TO ('{end}')")


def ensure(today: date, ahead: int = 3) -> list[str]:
    """Make the month partitions from this month to `ahead` months on that do not exist yet, and
    any month missed since the last one (cron, monthly or daily: a second run makes nothing).
    Returns the names made."""
    _require_postgresql()
    if not partitioned():
        raise Refused("the answer table is not partitioned yet: run `quizapp partitions convert` first")
    existing = [p for p in partitions() if not p.default]
    made = []
    covered_until = max((p.end for p in existing if p.end is not None), default=None)
    for month in rules.months_to_ensure(today, ahead, covered_until):
        if any((p.start or date.min) < month.end and month.start < (p.end or date.max) for p in existing):
            continue  # this month is already covered (its own partition, or the converted table's)
        _create(month)
        made.append(month.name)
    return made


def drop_before(cutoff: date) -> tuple[list[str], int]:
    """Drop the partitions holding only dates before `cutoff` (retention): their names and how many
    answers they held. Nothing on SQLite or on a plain table (retention deletes row by row there).
    A drop is one audit row of the city's ("partitions.drop", no town): a month partition holds
    every town's answers, so it is the installation's act, which the city admin's log shows (each
    town's own purge row counts what retention deleted of that town)."""
    if not partitioned():
        return [], 0
    bounds = {p.name: p.end for p in partitions() if p.end is not None}
    names = rules.wholly_before(bounds, cutoff)
    rows = 0
    for name in names:
        rows += _sql(f"SELECT count(*) FROM {name}").scalar() or 0
        _sql(f"DROP TABLE {name}")
    if names:
        audit.record(None, "partitions.drop", {"partitions": names, "answers": rows, "before": cutoff.isoformat()})
    return names, rows
