"""The outreach ledger's use cases: recording, changing and deleting an activity (with its photo),
the ledger page, importing a file (preview, kept on the server by previews.service, then all or
none), the export, and the one reader of
outreach totals that every surface shows (the dashboard, the weekly and monthly reports, the
digest and the API).

Used by outreach.views (console and reports) and by dashboard, periodic, digest and api. Company
staff record for their own company (its grid is the record's); grid officers for their grids and
the town admin for any grid. Who sees and who may change which record is quizapp/scope.py
(visible_outreach, changeable_outreach); figures are rules.metrics.outreach_totals
(docs/metrics.md). Every change is written to the audit log. Takes the actor and today; flushes,
never commits: a photo file written here is removed again if the transaction rolls back, and a
file a change drops is removed only after the commit (outreach.photo_files).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path

from sqlalchemy import func, select

from quizapp import scope
from quizapp.audit import service as audit
from quizapp.extensions import db
from quizapp.incidents import figures as incident_figures
from quizapp.models import Company, Grid, OutreachActivity, StaffUser
from quizapp.outreach import photo_files, photos, rules
from quizapp.outreach.rules import Activity, ImportFileError, LeftOut, ParsedFile, Problem
from quizapp.previews import service as previews
from quizapp.rules import metrics
from quizapp.rules.errors import Conflict, Forbidden, Invalid, NotFound, ServiceError, refuse
from quizapp.rules.metrics import OutreachTotals, Span
from quizapp.rules.spreadsheets import spelling_key
from quizapp.rules.vocab import ImportKind, OutreachKind

MONTHS_SHOWN = 12


def month_start(day: date) -> date:
    return day.replace(day=1)


def add_months(month: date, months: int) -> date:
    index = month.year * 12 + month.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def month_span(month: date, today: date | None = None) -> Span:
    """The days of a month (to today, for the month in progress)."""
    last = add_months(month, 1) - timedelta(days=1)
    return Span(month, min(last, today) if today is not None and today >= month else last)


# --- who records where ----------------------------------------------------------------------------

def recordable_grids(actor: StaffUser) -> list[Grid]:
    """The grids the account records activities for: company staff their company's grid (chosen
    for them); officers their active grids; the town admin every active grid."""
    if scope.records_for_own_company(actor):
        return [scope.own_company(actor).grid]
    return list(db.session.scalars(scope.visible_grids(actor)))


def ledger_grids(actor: StaffUser) -> list[Grid]:
    """The grids the ledger's filter offers (records stay readable in a deactivated grid)."""
    if scope.records_for_own_company(actor):
        return []
    return list(db.session.scalars(scope.visible_grids(actor, include_inactive=True)))


def find_activity(actor: StaffUser, activity_id: int) -> OutreachActivity | None:
    """A record the account may see, or None (another tenant's does not exist for them)."""
    return db.session.scalar(select(OutreachActivity).where(OutreachActivity.id == activity_id,
                                                            scope.visible_outreach(actor)))


def find_changeable(actor: StaffUser, activity_id: int) -> OutreachActivity | None:
    """A record the account may change or delete, or None."""
    return db.session.scalar(select(OutreachActivity).where(OutreachActivity.id == activity_id,
                                                            scope.changeable_outreach(actor)))


def may_change(actor: StaffUser, activity: OutreachActivity) -> bool:
    return find_changeable(actor, activity.id) is not None


# --- recording by hand ----------------------------------------------------------------------------

@dataclass(frozen=True)
class ActivityInput:
    """A form's fields, as typed (rules.check_activity checks them); `grid_id` is read for
    officers and the town admin only."""

    day: object
    kind: object
    place: object
    speaker: object
    people: object
    note: object = ""
    grid_id: int | None = None


def _since(company: Company | None) -> date | None:
    return company.created_at.date() if company is not None and company.created_at is not None else None


def _where(actor: StaffUser, grid_id: int | None) -> tuple[int, Company | None]:
    """The record's grid and company: a staff member's own company and its grid, or one of the
    grids the officer (or admin) records for."""
    if scope.records_for_own_company(actor):
        company = scope.own_company(actor)
        return company.grid_id, company
    if grid_id is None:
        raise Invalid("outreach.grid_needed", field="grid")
    if grid_id not in {g.id for g in recordable_grids(actor)}:
        raise Forbidden("outreach.outside_grids", field="grid")
    return grid_id, None


def _checked(data: ActivityInput, today: date, company: Company | None) -> Activity:
    activity, problems = rules.check_activity(
        {"day": data.day, "kind": data.kind, "place": data.place, "speaker": data.speaker, "people": data.people,
         "note": data.note or ""}, today, rules.earliest_day(today, _since(company)))
    refuse([Invalid(f"outreach.{p.reason}", field=p.field, detail=p.detail, value=p.value) for p in problems])
    assert activity is not None  # no problem: an activity
    return activity


def _place_and_activity(actor: StaffUser, today: date, data: ActivityInput,
                        record: OutreachActivity | None = None) -> tuple[int, Company | None, Activity]:
    """The record's grid and company and its checked fields, or every problem with them at once."""
    problems: list[ServiceError] = []
    grid_id, company = 0, None
    try:
        if record is not None and record.company_id:  # a company's record stays with its grid
            grid_id, company = record.grid_id, db.session.get(Company, record.company_id)
        else:
            grid_id, company = _where(actor, data.grid_id)
    except ServiceError as error:
        problems.append(error)
    try:
        activity = _checked(data, today, company)
    except ServiceError as error:
        problems.extend(error.problems)
    refuse(problems)
    return grid_id, company, activity


def _photo(data: bytes | None) -> bytes | None:
    if not data:
        return None
    try:
        return photos.reencode(data)
    except photos.PhotoError as error:
        raise Invalid(f"outreach.photo_{error.reason}", field="photo") from error


def _detail(record: OutreachActivity) -> dict:
    return {"id": record.id, "day": record.day, "kind": record.kind.value, "grid": record.grid_id,
            "company": record.company_id, "people": record.people, "photo": record.photo is not None}


def record_activity(actor: StaffUser, today: date, data: ActivityInput, photo: bytes | None,
                    folder: Path) -> OutreachActivity:
    """Record an activity: company staff for their company (it counts for the company's grid),
    an officer for one of their grids, the town admin for any grid. The day lies between
    rules.earliest_day and today; the photo, if any, is kept re-encoded (outreach.photos).
    Refusals are "outreach.<reason>" (outreach.wording)."""
    grid_id, company, activity = _place_and_activity(actor, today, data)
    image = _photo(photo)
    record = OutreachActivity(grid_id=grid_id, company_id=company.id if company is not None else None,
                              created_by=actor.id, day=activity.day, kind=activity.kind, place=activity.place,
                              speaker=activity.speaker, people=activity.people, note=activity.note)
    if image is not None:
        record.photo = photos.store(folder, image)
        photo_files.keep_until_rollback(db.session(), folder, record.photo)
    db.session.add(record)
    db.session.flush()
    audit.record(actor, "outreach.record", _detail(record))
    return record


def change_activity(actor: StaffUser, today: date, record: OutreachActivity, data: ActivityInput,
                    photo: bytes | None, drop_photo: bool, folder: Path, now) -> OutreachActivity:
    """Change a record the account may change (find_changeable): its fields by the same rules,
    a new photo in place of the old, or the photo removed. An officer may move a grid record to
    another of their grids; a company's record stays with its grid."""
    if not may_change(actor, record):
        raise Forbidden("outreach.not_yours")
    grid_id, company, activity = _place_and_activity(actor, today, data, record)
    image = _photo(photo)
    old_photo = record.photo
    record.grid_id, record.day, record.kind, record.place = grid_id, activity.day, activity.kind, activity.place
    record.speaker, record.people, record.note = activity.speaker, activity.people, activity.note
    if image is not None:
        record.photo = photos.store(folder, image)
        photo_files.keep_until_rollback(db.session(), folder, record.photo)
    elif drop_photo:
        record.photo = None
    record.updated_at = now
    db.session.flush()
    if old_photo is not None and old_photo != record.photo:
        photo_files.remove_after_commit(db.session(), folder, old_photo)
    audit.record(actor, "outreach.change", _detail(record))
    return record


def delete_activity(actor: StaffUser, record: OutreachActivity, folder: Path) -> None:
    """Delete a record the account may change, and its photo (once the deletion is committed)."""
    if not may_change(actor, record):
        raise Forbidden("outreach.not_yours")
    detail = _detail(record)
    name = record.photo
    db.session.delete(record)
    db.session.flush()
    photo_files.remove_after_commit(db.session(), folder, name)
    audit.record(actor, "outreach.delete", detail)


def photo_of(actor: StaffUser, activity_id: int, folder: Path) -> bytes | None:
    """The photo of a record the account may see, or None (no such record for them, no photo)."""
    record = find_activity(actor, activity_id)
    if record is None or record.photo is None:
        return None
    return photos.read(folder, record.photo)


# --- the totals every surface shows ----------------------------------------------------------------

@dataclass(frozen=True)
class OutreachRow:
    """Activities of one grid, kind and day: the grouped rows rules.metrics adds up."""

    grid_id: int
    kind: OutreachKind
    day: date
    events: int
    people: int


def read_rows(actor: scope.Reader, span: Span, grid_id: int | None = None) -> list[OutreachRow]:
    """The activities the account sees in the span (one grid's, if given), grouped by grid, kind
    and day (one GROUP BY)."""
    where = [scope.visible_outreach(actor), OutreachActivity.day >= span.first, OutreachActivity.day <= span.last]
    if grid_id is not None:
        where.append(OutreachActivity.grid_id == grid_id)
    found = db.session.execute(
        select(OutreachActivity.grid_id, OutreachActivity.kind, OutreachActivity.day, func.count(),
               func.sum(OutreachActivity.people)).where(*where)
        .group_by(OutreachActivity.grid_id, OutreachActivity.kind, OutreachActivity.day))
    return [OutreachRow(g, OutreachKind(k), d, int(n), int(p or 0)) for g, k, d, n, p in found]


@dataclass(frozen=True)
class OutreachSummary:
    """Outreach events and people reached over a span: in all, by grid, by kind and by month."""

    span: Span
    total: OutreachTotals
    by_grid: list[tuple[Grid, OutreachTotals]]  # by grid code; grids with an activity
    by_kind: list[tuple[OutreachKind, OutreachTotals]]  # in the vocabulary's order; kinds with an activity
    by_month: list[tuple[date, OutreachTotals]]  # every month of the span, oldest first


def summarise(rows: list[OutreachRow], span: Span) -> OutreachSummary:
    grid_ids = {r.grid_id for r in rows}
    grids = list(db.session.scalars(select(Grid).where(Grid.id.in_(grid_ids)).order_by(Grid.code))) \
        if grid_ids else []
    per_grid = metrics.outreach_by(rows, lambda r: r.grid_id, span)
    per_kind = metrics.outreach_by(rows, lambda r: r.kind, span)
    per_month = metrics.outreach_by(rows, lambda r: month_start(r.day), span)
    months, month = [], month_start(span.first)
    while month <= span.last:
        months.append((month, per_month.get(month, OutreachTotals())))
        month = add_months(month, 1)
    return OutreachSummary(span, metrics.outreach_totals(rows, span),
                           [(g, per_grid[g.id]) for g in grids if g.id in per_grid],
                           [(k, per_kind[k]) for k in OutreachKind if k in per_kind], months)


def summary(actor: scope.Reader, span: Span, grid_id: int | None = None) -> OutreachSummary:
    """Outreach events and people reached over the span, as every surface shows them
    (docs/metrics.md): the records the account sees (one grid's, if given)."""
    return summarise(read_rows(actor, span, grid_id), span)


# --- the ledger page ------------------------------------------------------------------------------

@dataclass(frozen=True)
class Ledger:
    month: date
    grid_id: int | None
    grids: list[Grid]  # the filter's choices (none for company staff)
    this_month: OutreachSummary
    months: OutreachSummary  # the 12 months to the chosen one, by month
    records: list[OutreachActivity]  # the chosen month's, newest first
    changeable: set[int]  # ids of the records the account may change
    companies: dict[int, str]  # company id -> name, for records a company made
    # Per row of this_month.by_grid (officers, the town admin): the grid's months without a case to the chosen month
    grid_quiet: list[incident_figures.Quiet | None] = field(default_factory=list)


def ledger(actor: StaffUser, today: date, month: date, grid_id: int | None = None) -> Ledger:
    """The chosen month's activities (within one grid, if chosen and visible), with its totals by
    grid and kind, and the 12 months to it, by month. Each grid of the month's totals carries how
    long it has gone without a case up to the chosen month, as the incidents page reads it for that
    month (incidents.figures.quiet_grids, one read for every grid)."""
    grids = ledger_grids(actor)
    grid_id = grid_id if grid_id in {g.id for g in grids} else None
    month = min(month_start(month), month_start(today))
    span = month_span(month, today)
    year = Span(add_months(month, 1 - MONTHS_SHOWN), span.last)
    rows = read_rows(actor, year, grid_id)
    where = [scope.visible_outreach(actor), OutreachActivity.day >= span.first, OutreachActivity.day <= span.last]
    if grid_id is not None:
        where.append(OutreachActivity.grid_id == grid_id)
    records = list(db.session.scalars(select(OutreachActivity).where(*where).order_by(
        OutreachActivity.day.desc(), OutreachActivity.id.desc())))
    changeable = set(db.session.scalars(select(OutreachActivity.id).where(
        OutreachActivity.id.in_([r.id for r in records]), scope.changeable_outreach(actor)))) if records else set()
    company_ids = {r.company_id for r in records if r.company_id}
    companies = dict(db.session.execute(select(Company.id, Company.name).where(Company.id.in_(company_ids))).all()) \
        if company_ids else {}
    this_month = summarise(rows, span)
    shown = [g.id for g, _totals in this_month.by_grid] if grids else []  # company staff get no grid table
    quiet = incident_figures.quiet_grids(actor, month, today, shown) if shown else {}
    return Ledger(month, grid_id, grids, this_month, summarise(rows, year), records, changeable, companies,
                  [quiet.get(g) for g in shown])


# --- import ---------------------------------------------------------------------------------------

def import_scope(actor: StaffUser, today: date) -> rules.ImportScope:
    """What an import's rows are checked against: the grids the account records for, each with
    its earliest day, by code or by name (as the export writes it) when the name is the town's
    only grid of that name; company staff's rows go to their company's grid."""
    if scope.records_for_own_company(actor):
        company = scope.own_company(actor)
        return rules.ImportScope(today, {}, {company.grid_id: rules.earliest_day(today, _since(company))},
                                 own_grid=company.grid_id)
    grids = recordable_grids(actor)
    # Every grid name of the town (not only the account's), so a name two grids share is refused.
    in_town: list[str] = list(db.session.scalars(
        select(Grid.name).where(Grid.id.in_(scope.town_grid_ids(scope.own_town_id(actor)))))) if grids else []
    names = Counter(spelling_key(name) for name in in_town)
    return rules.ImportScope(today, {spelling_key(g.code): rules.GridRef(g.id, g.code) for g in grids},
                             {g.id: rules.earliest_day(today) for g in grids},
                             grid_names={spelling_key(g.name): rules.GridRef(g.id, g.code) for g in grids
                                         if names[spelling_key(g.name)] == 1},
                             shared_names=frozenset(name for name, count in names.items() if count > 1))


@dataclass(frozen=True)
class Preview:
    filename: str
    parsed: ParsedFile | None  # None: the file could not be read at all
    refused: Problem | None  # why the whole file was refused
    import_id: int | None  # kept only when every row is good and one is new: the import is all or none
    to_record: list[rules.Row] = field(default_factory=list)  # the good rows, without those left out
    left_out: list[LeftOut] = field(default_factory=list)  # already recorded, or repeated in the file

    @property
    def people(self) -> int:
        return sum(r.activity.people for r in self.to_record)


def _recorded(rows: list[rules.Row]) -> set[rules.ActivityKey]:
    """The activities recorded on the rows' grids and days, as rules.activity_key has them."""
    if not rows:
        return set()
    a = OutreachActivity
    found = db.session.execute(select(a.grid_id, a.day, a.kind, a.place, a.speaker, a.people, a.note).where(
        a.grid_id.in_({r.grid_id for r in rows}), a.day.in_({r.activity.day for r in rows})))
    return {(grid_id, day, kind, place, speaker, people, note or "")
            for grid_id, day, kind, place, speaker, people, note in found}


def preview_import(actor: StaffUser, today: date, now: datetime, filename: str, data: bytes) -> Preview:
    """Read and check an outreach file (CSV or XLSX); nothing is recorded. Every problem is listed
    at its row and column; only a file whose every row is good, and one of them new, is kept as the
    actor's import waiting for confirmation (previews.service), which applies once (apply_import).
    Rows that repeat an activity already recorded, or an earlier row of the file, are shown as left
    out: a file imported twice adds nothing the second time, and the preview says so before
    anything is stored."""
    try:
        parsed = rules.parse_file(filename, data, import_scope(actor, today))
    except ImportFileError as error:
        return Preview(filename, None, Problem(0, "", error.reason, error.detail), None)
    to_record, left_out = rules.leave_out_repeats(parsed.rows, _recorded(parsed.rows))
    import_id = None
    if to_record and not parsed.problems:
        import_id = previews.keep(actor, ImportKind.OUTREACH, filename, [[r.row, r.raw] for r in parsed.rows], [],
                                  now).id
    return Preview(filename, parsed, None, import_id, to_record, left_out)


@dataclass(frozen=True)
class ImportResult:
    added: int
    people: int
    problems: list[Problem]  # why nothing was stored
    left_out: int = 0  # rows not stored: already recorded, or repeated in the file


def apply_import(actor: StaffUser, today: date, now: datetime, import_id: int) -> ImportResult:
    """Store every new row of the actor's kept preview in one go, after checking them all again; if
    any row is no longer good (a day now too old, a grid no longer the officer's), nothing is
    stored. Rows repeating an activity already recorded, or an earlier row, are left out (and
    counted). An import applies once: applied already (one confirmation after another, or two at
    once), it answers "already_imported" and writes nothing; anyone else's or an unknown one
    "preview_gone"; one older than previews.MAX_AGE "expired"."""
    try:
        record = previews.waiting(actor, ImportKind.OUTREACH, import_id, "apply", now)
        kept = record.rows  # claiming empties the stored rows (previews.claim): these are what it held
        # Claimed first, before the activities are read again: of two confirmations at once, the
        # second waits here and is told "already imported", never "nothing new" because of the
        # first one's rows. Any refusal below returns problems, and the caller rolls back.
        previews.claim(record, now)
    except (NotFound, Conflict) as error:
        return ImportResult(0, 0, [_not_waiting(error)])
    allowed = import_scope(actor, today)
    parsed = rules.check_raw([(int(n), cells) for n, cells in kept], allowed)
    if parsed.problems or not parsed.rows:
        return ImportResult(0, 0, parsed.problems or [Problem(0, "", "no_rows")])
    # Left out again now: an activity recorded since the preview (by hand, or another file) too.
    to_record, left_out = rules.leave_out_repeats(parsed.rows, _recorded(parsed.rows))
    if not to_record:  # every activity recorded since the preview
        return ImportResult(0, 0, [Problem(0, "", "nothing_new")], len(left_out))
    company_id = scope.own_company_id(actor) if allowed.own_grid is not None else None
    for row in to_record:
        a = row.activity
        db.session.add(OutreachActivity(grid_id=row.grid_id, company_id=company_id, created_by=actor.id, day=a.day,
                                        kind=a.kind, place=a.place, speaker=a.speaker, people=a.people,
                                        note=a.note))
    db.session.flush()
    people = sum(r.activity.people for r in to_record)
    audit.record(actor, "outreach.import", {"filename": record.filename, "rows": len(to_record),
                                            "people": people, "left_out": len(left_out)})
    return ImportResult(len(to_record), people, [], len(left_out))


def _not_waiting(error: NotFound | Conflict) -> Problem:
    """Why a kept import cannot be applied (previews.waiting, previews.claim), as the import's reasons."""
    reason, detail = previews.reason(error)
    return Problem(0, "", reason, detail=detail)


# --- the export -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Exported:
    span: Span
    records: list[OutreachActivity]
    grids: dict[int, str]
    companies: dict[int, str]


def export_ledger(actor: StaffUser, today: date, month: date, grid_id: int | None, fmt: str) -> Exported:
    """The records of the 12 months to the chosen month (one grid's, if chosen), for the ledger's
    file (outreach.sheets); the export is written to the audit log."""
    page = ledger(actor, today, month, grid_id)
    span = page.months.span
    where = [scope.visible_outreach(actor), OutreachActivity.day >= span.first, OutreachActivity.day <= span.last]
    if page.grid_id is not None:
        where.append(OutreachActivity.grid_id == page.grid_id)
    records = list(db.session.scalars(select(OutreachActivity).where(*where).order_by(
        OutreachActivity.day, OutreachActivity.id)))
    grids = dict(db.session.execute(select(Grid.id, Grid.name)).all())
    company_ids = {r.company_id for r in records if r.company_id}
    companies = dict(db.session.execute(select(Company.id, Company.name).where(Company.id.in_(company_ids))).all()) \
        if company_ids else {}
    audit.record(actor, "outreach.export", {"format": fmt, "from": span.first, "to": span.last, "grid": page.grid_id})
    return Exported(span, records, grids, companies)

