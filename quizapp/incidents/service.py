"""Fraud incidents recorded by grid officers: by hand, by CSV import (preview, then confirm: the
checked rows are kept on the server in between, previews.service), the incidents page's figures and
the incidents export.

Used by the reports blueprint's incidents pages (and supervision.service for the incidents rule).
An officer sees and records incidents of the companies in their grids and of those grids as a
whole; the town admin all of them (quizapp/scope.py: visible_incidents). Only aggregates, never a
worker.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from quizapp import scope
from quizapp.audit import service as audit
from quizapp.dashboard import service as dashboard
from quizapp.extensions import db
from quizapp.incidents import rules
from quizapp.incidents.figures import Quiet, declines, last_case, quiet_grids
from quizapp.incidents.rules import OTHER, OTHER_NAMES, ImportScope, ParsedIncidents, Problem, Record
from quizapp.models import Company, Grid, GridPlace, Incident, StaffUser, Topic
from quizapp.places import rules as places
from quizapp.previews import service as previews
from quizapp.rollups import figures
from quizapp.rules import metrics
from quizapp.rules.errors import Conflict, Forbidden, Invalid, NotFound
from quizapp.rules.metrics import Span, Tally
from quizapp.rules.spreadsheets import spelling_key
from quizapp.rules.vocab import ImportKind

MONTHS_SHOWN = 12

# --- scope ------------------------------------------------------------------------------------

def visible_grids(actor: StaffUser) -> list[Grid]:
    """Incidents are history: a deactivated grid's records stay readable."""
    return list(db.session.scalars(scope.visible_grids(actor, include_inactive=True)))


def visible_companies(actor: StaffUser) -> list[Company]:
    return list(db.session.scalars(scope.visible_companies(actor)))


def place_choices(actor: StaffUser) -> list[tuple[str, str]]:
    """(id, "grid · place") for every place of the actor's grids: what a record may name."""
    grids = {g.id: g.name for g in visible_grids(actor)}
    found = db.session.scalars(select(GridPlace).where(GridPlace.grid_id.in_(grids)).order_by(
        GridPlace.grid_id, GridPlace.name))
    return [(str(p.id), f"{grids[p.grid_id]} · {p.name}") for p in found]


def find_incident(actor: StaffUser, incident_id: int) -> Incident | None:
    """An incident the actor may see, or None (outside their grids it does not exist)."""
    return db.session.scalar(select(Incident).where(Incident.id == incident_id, scope.visible_incidents(actor)))


def fraud_types(lang: str) -> list[tuple[str, str]]:
    """(slug, name) for every topic of the question bank that is a fraud type, then "other": what
    a record may be filed under."""
    topics = db.session.scalars(select(Topic).order_by(Topic.slug))
    return [(t.slug, t.name(lang)) for t in topics if rules.is_fraud_type(t.slug)] + [(OTHER, _other(lang))]


def type_names(lang: str) -> dict[str, str]:
    """Every topic's name by slug, and "other": for showing stored records, including any filed
    under a topic that is not a fraud type before that was refused."""
    return {t.slug: t.name(lang) for t in db.session.scalars(select(Topic))} | {OTHER: _other(lang)}


def _other(lang: str) -> str:
    return OTHER_NAMES.get(lang, OTHER_NAMES["en"])


def import_scope(actor: StaffUser, today: date) -> ImportScope:
    """What a record or an import may name: the companies, grids and places of the actor's town by
    code (another town's are unknown: grid codes repeat across towns), and of those the ones the
    actor sees."""
    in_town = scope.town_grid_ids(scope.own_town_id(actor))
    companies = db.session.execute(select(Company.id, Company.code, Company.grid_id, Company.active)
                                   .where(Company.grid_id.in_(in_town))).all()
    grids = db.session.execute(select(Grid.id, Grid.code).where(Grid.id.in_(in_town))).all()
    # Keyed as a file's cell is read (rules.type_key): a name as the app writes it, full-width
    # brackets and all (网络婚恋交友（杀猪盘）), is found.
    spellings = {spelling_key(name): OTHER for name in (OTHER, *OTHER_NAMES.values(), "其它")}
    for topic in db.session.scalars(select(Topic)):
        if not rules.is_fraud_type(topic.slug):
            continue
        for spelling in (topic.slug, topic.name_zh, topic.name_en):
            spellings[spelling_key(spelling)] = topic.slug
    return ImportScope(
        today=today,
        companies={c.code.casefold(): rules.CompanyRef(c.id, c.code, c.grid_id, c.active) for c in companies},
        grids={g.code.casefold(): rules.GridRef(g.id, g.code) for g in grids},
        visible_company_ids=frozenset(db.session.scalars(scope.visible_company_ids(actor))),
        visible_grid_ids=frozenset(g.id for g in visible_grids(actor)),
        fraud_types=spellings,
        places={(p.grid_id, places.place_key(p.name)): p.id
                for p in db.session.scalars(select(GridPlace).where(GridPlace.grid_id.in_(in_town)))})


# --- recording by hand --------------------------------------------------------------------------

@dataclass(frozen=True)
class IncidentInput:
    company_id: int | None  # None: the whole grid
    grid_id: int | None
    month: date
    fraud_type: str
    cases: int
    loss_yuan: Decimal
    note: str
    point: places.Point | None = None  # where: a point, or one of the grid's places, or neither
    place_id: int | None = None
    raw_reports: int = 0  # 原始警情


def set_location(incident: Incident, point: places.Point | None, place_id: int | None) -> None:
    """Where the cases happened: a point (stored as given, with its datum) or a place, or neither."""
    incident.longitude = point.longitude if point else None
    incident.latitude = point.latitude if point else None
    incident.datum = point.datum.value if point else None
    incident.place_id = place_id if point is None else None


def _existing(grid_id: int, company_id: int | None, month: date, fraud_type: str) -> Incident | None:
    return db.session.scalar(select(Incident).where(
        Incident.grid_id == grid_id, Incident.month == month, Incident.fraud_type == fraud_type,
        Incident.company_id.is_(None) if company_id is None else Incident.company_id == company_id))


def save_incident(actor: StaffUser, today: date, data: IncidentInput, incident: Incident | None = None) -> Incident:
    """Record (or change) one company's or grid's cases and losses for a month and fraud type.

    The company must be one the actor sees (its grid goes with it); a record for a whole grid needs
    one of the actor's grids. One record per company (or grid), month and fraud type. Refusals are
    "incidents.<reason>", the reasons an import's rows are left out for (incidents.wording).
    """
    allowed = import_scope(actor, today)
    if data.company_id is not None:
        if data.company_id not in allowed.visible_company_ids:
            raise Forbidden("incidents.outside_grids", field="company")
        grid_id = db.session.get_one(Company, data.company_id).grid_id
    elif data.grid_id is None:
        raise Invalid("incidents.grid_needed", field="grid")
    elif data.grid_id in allowed.visible_grid_ids:
        grid_id = data.grid_id
    else:
        raise Forbidden("incidents.outside_grids", field="grid")
    month = rules.month_start(data.month)
    if month > rules.month_start(today):
        raise Invalid("incidents.future_month", field="month")
    kept = incident is not None and incident.fraud_type == data.fraud_type  # an older record keeps its type
    if data.fraud_type not in set(allowed.fraud_types.values()) and not kept:
        raise Invalid("incidents.unknown_fraud_type", field="fraud_type")
    if data.point is not None and data.place_id is not None:
        raise Invalid("incidents.point_and_place", field="place")
    if data.place_id is not None and db.session.scalar(select(GridPlace.grid_id).where(
            GridPlace.id == data.place_id)) != grid_id:
        raise Invalid("incidents.place_outside_grid", field="place")
    same = _existing(grid_id, data.company_id, month, data.fraud_type)
    if same is not None and same is not incident:
        raise Conflict("incidents.exists")
    before = _facts(incident) if incident is not None else None
    incident = incident or Incident(created_by=actor.id)
    incident.grid_id, incident.company_id, incident.month = grid_id, data.company_id, month
    incident.fraud_type, incident.cases, incident.loss_yuan = data.fraud_type, data.cases, data.loss_yuan
    incident.raw_reports = data.raw_reports
    incident.note = data.note or None
    set_location(incident, data.point, data.place_id)
    try:
        # Another request may store a record of this key after the check above: the key's unique
        # index (migration 0034) refuses it, with the same answer.
        with db.session.begin_nested():
            db.session.add(incident)
            db.session.flush()
    except IntegrityError:
        raise Conflict("incidents.exists") from None
    after = _facts(incident)
    if before is None:
        audit.record(actor, "incident.create", after)
    elif changed := [key for key in after if after[key] != before[key]]:
        audit.record(actor, "incident.update", {"id": incident.id, "changed": changed,
                                                **{key: {"old": before[key], "new": after[key]} for key in changed}})
    return incident


def _facts(incident: Incident) -> dict:
    """What the audit log keeps about a record: where, when, which type, how many, how much; the
    note only as whether there is one (it is free text)."""
    company = db.session.get(Company, incident.company_id) if incident.company_id is not None else None
    return {"id": incident.id, "grid": db.session.get_one(Grid, incident.grid_id).code,
            "company": company.code if company is not None else None, "month": incident.month.isoformat()[:7],
            "fraud_type": incident.fraud_type, "cases": incident.cases, "loss_yuan": f"{incident.loss_yuan:.2f}",
            "raw_reports": incident.raw_reports,
            "note": bool(incident.note)}


def delete_incident(actor: StaffUser, incident: Incident) -> None:
    """Remove a record the actor found through find_incident (so within their grids); the audit
    log keeps what it said."""
    audit.record(actor, "incident.delete", _facts(incident))
    db.session.delete(incident)
    db.session.flush()


# --- import (CSV or XLSX) -------------------------------------------------------------------------------

@dataclass(frozen=True)
class Preview:
    filename: str
    parsed: ParsedIncidents
    plans: list[rules.RowPlan]  # what each good row writes: new, or replacing a record (old → new)
    import_id: int | None  # the kept checked rows and stored values seen: what the confirmation imports

    @property
    def counts(self) -> rules.PlanCounts:
        """The good rows that add a record, replace one with other values, or change nothing."""
        return rules.count_plans(self.plans)

    @property
    def emptied(self) -> list[rules.RowPlan]:
        """The rows that empty a stored record's note (the clear marker)."""
        return [p for p in self.plans if p.emptied]


def _stored(rows: list[rules.IncidentRow]) -> dict[tuple, Incident]:
    if not rows:
        return {}
    stored = db.session.scalars(select(Incident).where(
        Incident.grid_id.in_({r.grid_id for r in rows}), Incident.month.in_({r.month for r in rows})))
    return {(i.grid_id, i.company_id, i.month, i.fraud_type): i for i in stored}


def _place_names() -> dict[int, str]:
    return dict(db.session.execute(select(GridPlace.id, GridPlace.name)).all())


def _values(stored: dict[tuple, Incident], place_names: dict[int, str]) -> dict[tuple, rules.Stored]:
    def where(i: Incident) -> str:
        point = (places.Point(Decimal(i.longitude), Decimal(i.latitude), places.Datum(i.datum))
                 if i.datum and i.longitude is not None and i.latitude is not None else None)
        return rules.location_text(point, place_names.get(i.place_id) if i.place_id else None)

    return {key: rules.Stored(i.cases, Decimal(i.loss_yuan), i.note or None, i.raw_reports, where(i))
            for key, i in stored.items()}


def preview_names(preview: Preview, lang: str) -> dict:
    """What the preview shows instead of codes: grid id / company id -> name, fraud type slug -> name."""
    rows = preview.parsed.rows
    grid_ids, company_ids = {r.grid_id for r in rows}, {r.company_id for r in rows if r.company_id}
    grids = db.session.execute(select(Grid.id, Grid.name).where(Grid.id.in_(grid_ids))).all() if grid_ids else []
    companies = (db.session.execute(select(Company.id, Company.name).where(Company.id.in_(company_ids))).all()
                 if company_ids else [])
    place_ids = {r.place_id for r in rows if r.place_id}
    found = (db.session.execute(select(GridPlace.id, GridPlace.name).where(GridPlace.id.in_(place_ids))).all()
             if place_ids else [])
    return {"grid": dict(grids), "company": dict(companies), "type": type_names(lang), "place": dict(found)}


def _seen(plan: rules.RowPlan) -> str:
    """What the kept import holds of the stored record a row would replace: a digest of its values
    (a stored note may be 500 characters; 2,000 of them would be kept for nothing)."""
    return hashlib.sha256(plan.seen.encode()).hexdigest()[:24]


def preview_import(actor: StaffUser, today: date, now: datetime, filename: str, data: bytes) -> Preview:
    """Read and check an incident file (CSV or XLSX) and keep its good rows, with what each would
    replace, as the actor's import waiting for confirmation (previews.service); nothing is recorded.
    As with the roster, the good rows can be confirmed and the bad ones are listed and left out; a
    file that cannot be read as a whole (empty, encoding, columns, size) or has no good row is not
    kept. For a row that replaces a stored record the preview has the values that change, an
    emptied note included."""
    parsed = rules.parse_incident_file(data, import_scope(actor, today), filename)
    names = _place_names()
    plans = rules.plan_rows(parsed.rows, _values(_stored(parsed.rows), names), names)
    import_id = None
    if parsed.rows:
        kept = previews.keep(actor, ImportKind.INCIDENTS, filename,
                             [{"cells": p.row.raw, "seen": _seen(p)} for p in plans], [], now)
        import_id = kept.id
    return Preview(filename, parsed, plans, import_id)


@dataclass(frozen=True)
class ImportResult:
    added: int
    replaced: int  # stored records whose values changed
    problems: list[Problem]  # why nothing was stored (an expired or unknown preview, no good row)
    left_out: list[Problem] = field(default_factory=list)  # rows that turned bad since the preview
    unchanged: int = 0  # rows the stored records held already: nothing written

    @property
    def counts(self) -> rules.PlanCounts:
        return rules.PlanCounts(self.added, self.replaced, self.unchanged)




def _write(actor: StaffUser, plans: list[rules.RowPlan], stored: dict[tuple, Incident]) -> None:
    """The confirmed rows' records: new ones added, changed ones rewritten, unchanged ones left."""
    for plan in plans:
        row = plan.row
        if plan.unchanged:  # the record holds what the row says already: nothing is replaced
            continue
        incident = stored.get(row.key)
        if incident is None:
            incident = Incident(grid_id=row.grid_id, company_id=row.company_id, month=row.month,
                                fraud_type=row.fraud_type, created_by=actor.id)
            db.session.add(incident)
        written = plan.written
        incident.cases, incident.loss_yuan, incident.note = written.cases, written.loss_yuan, written.note
        incident.raw_reports = written.raw_reports
        if row.point is not None or row.place_id is not None:  # a blank location keeps the stored one
            set_location(incident, row.point, row.place_id)


def apply_import(actor: StaffUser, today: date, now: datetime, import_id: int) -> ImportResult:
    """Store the good rows of the actor's kept preview in one transaction, once, after checking them
    again: a row that turned bad meanwhile (its company left the officer's grids) is left out and
    reported, like the bad rows of the preview. What is written is what the preview showed: if a
    record a row would add or replace was stored or changed since, nothing is imported. A row
    whose record holds its values already is not written and is counted as unchanged, not as
    replaced (rules.count_plans). An import applied already answers "already_imported"; anyone
    else's, or an unknown one, "preview_gone"; one older than previews.MAX_AGE, "expired"."""
    try:
        record = previews.waiting(actor, ImportKind.INCIDENTS, import_id, "apply", now)
        kept = record.rows  # claiming empties the stored rows (previews.claim): these are what it held
        # Claimed first, before the records are read again: of two confirmations at once, the
        # second waits here and is told "already imported", never "changed since the preview" by
        # the first one's rows. Any refusal below returns problems, and the caller rolls back.
        previews.claim(record, now)
    except (NotFound, Conflict) as error:
        return ImportResult(0, 0, [_not_waiting(error)])
    parsed = rules.check_rows([row["cells"] for row in kept], import_scope(actor, today))
    if not parsed.rows:
        return ImportResult(0, 0, parsed.problems or [Problem(0, "", "no_rows")])
    stored = _stored(parsed.rows)
    names = _place_names()
    plans = rules.plan_rows(parsed.rows, _values(stored, names), names)
    seen = {str(row["cells"].get("row")): row["seen"] for row in kept}
    if any(seen.get(str(p.row.row)) != _seen(p) for p in plans):
        # A record was stored or changed since the preview: the officer must see it first.
        return ImportResult(0, 0, [Problem(0, "", "changed")])
    try:
        # A record of one of these keys stored by another request after the check above (a form,
        # or another file confirmed at the same moment) fails the key's unique index (migration
        # 0034): the same answer as a record stored before it.
        with db.session.begin_nested():
            _write(actor, plans, stored)
    except IntegrityError:
        return ImportResult(0, 0, [Problem(0, "", "changed")])
    counts = rules.count_plans(plans)
    audit.record(actor, "import_incidents", {"filename": record.filename, "rows": len(parsed.rows),
                                             "added": counts.added, "replaced": counts.replaced,
                                             "unchanged": counts.unchanged,
                                             "left_out": len({p.row for p in parsed.problems})})
    db.session.flush()
    return ImportResult(counts.added, counts.replaced, [], parsed.problems, counts.unchanged)


def _not_waiting(error: NotFound | Conflict) -> Problem:
    """Why a kept import cannot be applied (previews.waiting, previews.claim), as the import's reasons."""
    reason, detail = previews.reason(error)
    return Problem(0, "", reason, detail=detail)


# --- the incidents page -------------------------------------------------------------------------

@dataclass(frozen=True)
class Filter:
    month: date
    grid_id: int | None = None
    company_id: int | None = None

    def describe(self) -> dict:
        return {"month": f"{self.month:%Y-%m}", "grid_id": self.grid_id, "company_id": self.company_id}


def checked_filter(actor: StaffUser, month: date, grid_id: int | None, company_id: int | None) -> Filter:
    """The filter with any grid or company the actor may not see dropped."""
    grids = {g.id for g in visible_grids(actor)}
    companies = {c.id: c for c in visible_companies(actor)}
    company = companies.get(company_id) if company_id else None
    if company is not None and grid_id and company.grid_id != grid_id:
        company = None
    return Filter(rules.month_start(month), grid_id if grid_id in grids else None, company.id if company else None)


def _where(actor: StaffUser, chosen: Filter) -> list:
    where = [scope.visible_incidents(actor)]
    if chosen.company_id:
        where.append(Incident.company_id == chosen.company_id)
    elif chosen.grid_id:
        where.append(Incident.grid_id == chosen.grid_id)
    return where


def _records(actor: StaffUser, chosen: Filter, first: date) -> list[Incident]:
    return list(db.session.scalars(select(Incident).where(
        *_where(actor, chosen), Incident.month >= first, Incident.month <= chosen.month)
        .order_by(Incident.month.desc(), Incident.grid_id, Incident.company_id, Incident.fraud_type)))


def monthly_participation(actor: StaffUser, chosen: Filter, months: list[date], today: date,
                          now: datetime) -> dict[date, float | None]:
    """Participation per month over the chosen companies (docs/metrics.md: done ÷ expected over
    the workdays with data, read by rollups.figures; the current month so far, today live)."""
    last = min(rules.add_months(months[-1], 1) - timedelta(days=1), today)
    tallies: dict[date, list[Tally]] = {m: [] for m in months}
    if months[0] <= last:
        # The companies that count on some day of the months (docs/metrics.md, "Companies that
        # leave"): one deactivated since keeps its past months.
        covered = dashboard.visible_scope(actor, chosen.grid_id if not chosen.company_id else None,
                                          Span(months[0], last))
        if chosen.company_id:
            covered = covered.only([c for c in covered.companies if c.id == chosen.company_id])
        for day in figures.days_of(covered, Span(months[0], last), today, now):
            tallies[rules.month_start(day.day)].append(day.tally)
    return {m: metrics.total(found).participation for m, found in tallies.items()}


@dataclass(frozen=True)
class IncidentsPage:
    filter: Filter
    grids: list[Grid]
    companies: list[Company]
    year_on_year: rules.YearOnYear
    months: list[rules.MonthRow]
    chart: rules.ComboChart
    quiet_companies: list[Quiet]
    quiet_grids: list[Quiet]
    records: list[Incident]  # the 12 months shown, newest first
    names: dict  # company id / grid id -> name, fraud type slug -> name


def incidents_page(actor: StaffUser, chosen: Filter, lang: str, today: date,
                   now: datetime) -> IncidentsPage:
    """Year-on-year cases and losses, the last 12 months beside participation, months without a
    case per company and per grid, and the records, for the filter within the actor's grids.
    `today` (and `now`) say which day is read live, in the current month so far."""
    grids, companies = visible_grids(actor), visible_companies(actor)
    months = rules.months_between(rules.add_months(chosen.month, 1 - MONTHS_SHOWN), chosen.month)
    stored = _records(actor, chosen, months[0])
    records = [Record(i.month, i.grid_id, i.company_id, i.cases, i.loss_yuan, i.raw_reports) for i in stored]
    rows = rules.monthly(months, records, monthly_participation(actor, chosen, months, today, now))
    grid_names = {g.id: g.name for g in grids}
    shown_companies = [c for c in companies if (not chosen.company_id or c.id == chosen.company_id)
                       and (not chosen.grid_id or c.grid_id == chosen.grid_id)]
    shown_grids = [g for g in grids if (not chosen.grid_id or g.id == chosen.grid_id)
                   and (not chosen.company_id or any(c.grid_id == g.id for c in shown_companies))]
    last_company = last_case(Incident.company_id, [scope.visible_incidents(actor)], chosen.month)
    quiet = quiet_grids(actor, chosen.month, today, [g.id for g in shown_grids])
    names = {"company": {c.id: c.name for c in companies}, "grid": grid_names, "type": type_names(lang),
             "place": dict(db.session.execute(select(GridPlace.id, GridPlace.name).where(
                 GridPlace.grid_id.in_(grid_names))).all())}
    return IncidentsPage(
        filter=chosen, grids=grids, companies=companies,
        year_on_year=declines(actor, chosen.month, today, chosen.grid_id, chosen.company_id), months=rows,
        chart=rules.combo_chart(rows),
        quiet_companies=[Quiet(c.name, grid_names.get(c.grid_id, ""), last_company.get(c.id),
                               metrics.months_without_case(last_company.get(c.id), chosen.month))
                         for c in shown_companies],
        quiet_grids=[quiet[g.id] for g in shown_grids],
        records=[i for i in stored if i.month >= months[0]], names=names)


@dataclass(frozen=True)
class ExportedRecord:
    month: date
    grid: str
    company_code: str
    company: str | None  # None: a record for the whole grid
    fraud_type: str
    cases: int
    loss_yuan: Decimal
    note: str
    grid_code: str = ""
    raw_reports: int = 0
    longitude: Decimal | None = None  # where: a point as stored, with its datum, or
    latitude: Decimal | None = None
    datum: str = ""  # "WGS-84" or "GCJ-02", as the import reads it
    place: str = ""  # the name of one of the grid's places


@dataclass(frozen=True)
class ExportedRecords:
    months: list[date]
    rows: list[ExportedRecord]


def export_incidents(actor: StaffUser, chosen: Filter, fmt: str, lang: str) -> ExportedRecords:
    """The records of the 12 months to the chosen month, for the export's file
    (incidents.sheets.incidents), with where each happened (its point and datum, or its place): a
    file the import reads back as it is. The export is written to the audit log."""
    months = rules.months_between(rules.add_months(chosen.month, 1 - MONTHS_SHOWN), chosen.month)
    stored = _records(actor, chosen, months[0])
    grids = {g.id: g for g in visible_grids(actor)}
    companies = {c.id: c for c in db.session.scalars(select(Company).where(
        Company.id.in_({i.company_id for i in stored if i.company_id})))}
    types = type_names(lang)
    places_by_id = dict(db.session.execute(select(GridPlace.id, GridPlace.name).where(
        GridPlace.id.in_({i.place_id for i in stored if i.place_id}))).all())
    rows = [ExportedRecord(i.month, grids[i.grid_id].name if i.grid_id in grids else "",
                           companies[i.company_id].code if i.company_id else "",
                           companies[i.company_id].name if i.company_id else None,
                           types.get(i.fraud_type, i.fraud_type), i.cases, i.loss_yuan, i.note or "",
                           grid_code=grids[i.grid_id].code if i.grid_id in grids else "", raw_reports=i.raw_reports,
                           longitude=i.longitude if i.datum else None, latitude=i.latitude if i.datum else None,
                           datum=places.DATUM_NAMES.get(i.datum or "", ""), place=places_by_id.get(i.place_id or 0, ""))
            for i in stored]
    audit.record(actor, "export_incidents", {"format": fmt, **chosen.describe()})
    return ExportedRecords(months, rows)
