"""The audit log, read back for the town admin's audit page (admin.audit) and the city admin's
(city.audit: the city's own rows, those with no town): filters, keyset paging,
the entries of the CSV export (audit.sheets writes the file; audit.wording labels each action and
puts each detail into words), and the names of the grids, companies and API tokens the details
refer to by code or id. Rows are written by audit.service. Local dates and times are the town's
`zone`'s.

Used by quizapp/audit/views.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, and_, or_, select
from sqlalchemy.orm import aliased

from quizapp import scope
from quizapp.audit import service as audit
from quizapp.audit.rules import like_prefix, references, utc_bounds
from quizapp.extensions import db
from quizapp.models import ApiToken, AuditLog, Company, Grid, StaffUser, Town
from quizapp.rules import inputs
from quizapp.rules.errors import Invalid

PER_PAGE = 50
# An export larger than this is refused with a request to narrow the dates: the file is built in
# memory (exports.service), and a million-row CSV helps nobody.
EXPORT_LIMIT = 100_000


@dataclass(frozen=True)
class AuditFilter:
    """What the admin narrowed the log to; empty fields do not filter."""

    action: str = ""  # a prefix of the action code, e.g. "export." or "api"
    account: str = ""  # a staff account's username
    token_id: int | None = None
    first: date | None = None  # local dates, both ends included
    last: date | None = None

    def describe(self) -> dict:
        chosen = {"action": self.action, "account": self.account, "token": self.token_id,
                  "from": self.first, "to": self.last}
        return {key: value for key, value in chosen.items() if value not in ("", None)}


@dataclass(frozen=True)
class AuditEntry:
    id: int
    at: datetime  # local time (the town's zone)
    who: str  # the account's display name, or the API token's name
    username: str | None
    token: str | None
    action: str  # the code; audit.wording.action_label says what it means
    detail: str  # as stored; audit.wording.detail_pairs puts it into words
    times: int = 1  # how many like events the row stands for (failed sign-ins, per ten minutes)


@dataclass(frozen=True)
class AuditPage:
    filter: AuditFilter
    entries: list[AuditEntry]
    newer: int | None  # the id to page from towards newer rows (the first entry), if there are any
    older: int | None  # the id to page from towards older rows (the last entry), if there are any
    unknown_account: bool  # the account filter names no account: nothing can match


def tokens(actor: StaffUser) -> list[ApiToken]:
    """Every API token of the admin's town (the city admin's: the city's), for the "who" filter (a
    handful)."""
    return list(db.session.scalars(select(ApiToken).where(scope.own_rows(actor, ApiToken.town_id))
                                   .order_by(ApiToken.name, ApiToken.id)))


def _account_id(username: str) -> int | None:
    return db.session.scalar(select(StaffUser.id).where(StaffUser.username == username.strip()))


def _conditions(actor: StaffUser, chosen: AuditFilter, zone: ZoneInfo) -> list[ColumnElement[bool]] | None:
    """WHERE conditions for the filter, within the admin's own town's rows (another town's, and the
    city's, are not theirs to read), or for the city admin the city's rows (no town's); None when
    it cannot match anything (unknown account)."""
    conditions: list[ColumnElement[bool]] = [scope.own_rows(actor, AuditLog.town_id)]
    if chosen.action.strip():
        conditions.append(AuditLog.action.like(like_prefix(chosen.action), escape="\\"))
    if chosen.account.strip():
        account_id = _account_id(chosen.account)
        if account_id is None:
            return None
        conditions.append(AuditLog.actor_id == account_id)
    if chosen.token_id is not None:
        # "+ 0" keeps the planner off the token_id index: a town has a handful of tokens, one of
        # them doing most reads, so walking the `at` index newest first and stopping after a page
        # is far cheaper than sorting all of that token's rows (0.9 s → 0.03 s on a million rows).
        conditions.append(AuditLog.token_id + 0 == chosen.token_id)
    after, until = utc_bounds(chosen.first, chosen.last, zone)
    if after is not None:
        conditions.append(AuditLog.at > after)
    if until is not None:
        conditions.append(AuditLog.at <= until)
    return conditions


def _cursor_at(row_id: int):
    """The stored `at` of row `row_id`, compared inside the database: a Python datetime would be
    spelt differently from SQLite's own timestamps (see audit.rules.utc_bounds)."""
    cursor = aliased(AuditLog)
    return select(cursor.at).where(cursor.id == row_id).scalar_subquery()


def _older_than(row_id: int):
    at = _cursor_at(row_id)
    return and_(AuditLog.at <= at, or_(AuditLog.at < at, AuditLog.id < row_id))


def _newer_than(row_id: int):
    at = _cursor_at(row_id)
    return and_(AuditLog.at >= at, or_(AuditLog.at > at, AuditLog.id > row_id))


def _query(conditions: list):
    # Columns, not AuditLog objects: an export reads up to EXPORT_LIMIT rows.
    return (select(AuditLog.id, AuditLog.at, AuditLog.action, AuditLog.detail, StaffUser.display_name,
                   StaffUser.username, ApiToken.name, AuditLog.times)
            .outerjoin(StaffUser, AuditLog.actor_id == StaffUser.id)
            .outerjoin(ApiToken, AuditLog.token_id == ApiToken.id)
            .where(*conditions))


NEWEST_FIRST = (AuditLog.at.desc(), AuditLog.id.desc())


def _entries(rows, zone: ZoneInfo) -> list[AuditEntry]:
    entries = []
    for row_id, at, action, detail, display_name, username, token, times in rows:
        who = display_name if username is not None else (token or "")
        entries.append(AuditEntry(
            id=row_id, at=at.replace(tzinfo=UTC).astimezone(zone), who=who, username=username,
            token=token, action=action, detail=detail or "", times=times))
    return entries


def _ids(values: set[str]) -> set[int]:
    return {number for number in map(inputs.row_id, values) if number is not None}


def reference_names(actor: StaffUser, entries: list[AuditEntry]) -> dict[str, dict[str, str]]:
    """The names of the grids, companies and API tokens of the admin's town the entries' details
    refer to, by the code or id stored (audit.rules.references), in a few queries for a whole page
    or export (grid codes repeat across towns: the town's own are meant). The city's rows name towns
    (by code) and the city's tokens, never a grid or company."""
    wanted = references(e.detail for e in entries)
    grid_ids = _ids(wanted["grid_id"] | wanted["scope"])
    company_ids, token_ids = _ids(wanted["company_id"]), _ids(wanted["token"])
    names: dict[str, dict[str, str]] = {kind: {} for kind in wanted}
    if wanted["town"]:
        names["town"] = dict(db.session.execute(select(Town.code, Town.name).where(
            Town.code.in_(wanted["town"]), Town.id.in_(scope.towns_of(actor).with_only_columns(Town.id)))).all())
    if token_ids:
        names["token"] = {str(i): n for i, n in db.session.execute(
            select(ApiToken.id, ApiToken.name).where(ApiToken.id.in_(token_ids),
                                                     scope.own_rows(actor, ApiToken.town_id)))}
    if scope.sees_city(actor):
        return names
    in_town = scope.town_grid_ids(scope.own_town_id(actor))
    if wanted["grid"] or grid_ids:
        for grid_id, code, name in db.session.execute(select(Grid.id, Grid.code, Grid.name).where(
                or_(Grid.code.in_(wanted["grid"]), Grid.id.in_(grid_ids)), Grid.id.in_(in_town))):
            names["grid"][code] = names["grid_id"][str(grid_id)] = names["scope"][str(grid_id)] = name
    if wanted["company"] or company_ids:
        for company_id, code, name in db.session.execute(select(Company.id, Company.code, Company.name).where(
                or_(Company.code.in_(wanted["company"]), Company.id.in_(company_ids)), Company.grid_id.in_(in_town))):
            names["company"][code] = names["company_id"][str(company_id)] = name
    return names


def _exists(conditions: list) -> bool:
    return db.session.scalar(select(AuditLog.id).where(*conditions).limit(1)) is not None


def audit_page(actor: StaffUser, chosen: AuditFilter, zone: ZoneInfo, before: int | None = None,
               after: int | None = None, per_page: int = PER_PAGE) -> AuditPage:
    """One page of the log, newest first: the newest rows matching the filter, or those just older
    than row `before`, or just newer than row `after` (keyset paging on the indexed `at`, with the
    id breaking ties, so a page costs the same on the first page and the ten-thousandth)."""
    conditions = _conditions(actor, chosen, zone)
    if conditions is None:
        return AuditPage(chosen, [], None, None, unknown_account=True)
    if after is not None:
        rows = list(db.session.execute(_query([*conditions, _newer_than(after)])
                                       .order_by(AuditLog.at, AuditLog.id).limit(per_page)))[::-1]
    else:
        paged = [*conditions, _older_than(before)] if before is not None else conditions
        rows = list(db.session.execute(_query(paged).order_by(*NEWEST_FIRST).limit(per_page)))
    entries = _entries(rows, zone)
    if not entries:
        return AuditPage(chosen, [], None, None, unknown_account=False)
    newer = entries[0].id if _exists([*conditions, _newer_than(entries[0].id)]) else None
    older = entries[-1].id if _exists([*conditions, _older_than(entries[-1].id)]) else None
    return AuditPage(chosen, entries, newer, older, unknown_account=False)


def matching_entries(actor: StaffUser, chosen: AuditFilter, zone: ZoneInfo, limit: int) -> list[AuditEntry]:
    """Up to `limit` rows of the admin's town matching the filter, newest first."""
    conditions = _conditions(actor, chosen, zone)
    if conditions is None:
        return []
    return _entries(db.session.execute(_query(conditions).order_by(*NEWEST_FIRST).limit(limit)), zone)


def export_entries(actor: StaffUser, chosen: AuditFilter, zone: ZoneInfo, limit: int | None = None) -> list[AuditEntry]:
    """The filtered log for its CSV file (audit.sheets.audit_log). The export itself is written to
    the log ("export.audit", with the filter), after the rows are read, so it is not in its own
    file. Above `limit` (EXPORT_LIMIT) rows it is refused (Invalid "audit.too_many_rows") and
    nothing is logged."""
    limit = EXPORT_LIMIT if limit is None else limit
    entries = matching_entries(actor, chosen, zone, limit + 1)
    if len(entries) > limit:
        raise Invalid("audit.too_many_rows", limit=limit)
    audit.record(actor, "export.audit", {"format": "csv", "rows": len(entries), **chosen.describe()})
    return entries
