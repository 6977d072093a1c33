"""Deleting workers' personal records once the company's notice says they are no longer needed
(PIPL §19): `quizapp retention` (cron, daily), town by town.

Used by the CLI. Owns what is deleted and in which order: the answers and attempts dated before
the cutoff (on PostgreSQL with answers by month, whole month partitions dropped first, for the
whole city at once: partitions.service), then the workers who left before the cutoff and have no
record left, then the kept import previews uploaded before the cutoff (roster imports: they hold
names; the town's kept imports: the register's companies, incident figures and outreach activities
as uploaded), whether applied, cancelled or never confirmed (an applied import's audit row stays),
and workers' reports (leads) last reported before it, with every past day's reporter hash. The
kept imports' rows go long before their records: each run empties the rows and problems of every
kept import that can no longer be applied (a preview nobody confirmed within previews.MAX_AGE, and
an applied or cancelled one still holding them: applying and cancelling empty them, but not those
closed by an older version), keeping the record. The daily rollups hold no personal data and
stay, so every report keeps its history. The cutoff is saved as each town's setting so that a
rollup rebuild of a day whose raw record is gone is refused instead of writing zeros; each town's
run is its own audit row, which that town's admin reads.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import delete, exists, func, or_, select, update

from quizapp import scope
from quizapp.audit import service as audit
from quizapp.database import rows_changed
from quizapp.extensions import db
from quizapp.leads import service as leads
from quizapp.models import Answer, Attempt, Employee, RosterImport, Town, TownImport
from quizapp.partitions import service as partitions
from quizapp.previews import service as previews
from quizapp.retention.rules import cutoff as cutoff_for
from quizapp.retention.rules import uploads_kept_from
from quizapp.rollups.service import KEPT_FROM_KEY as SETTING_KEY
from quizapp.rules.vocab import ImportStatus
from quizapp.town import settings as town_settings

BATCH = 2000  # attempts per statement: keeps each DELETE's IN list and lock time small


@dataclass(frozen=True)
class Purge:
    cutoff: date
    attempts: int
    answers: int
    workers: int
    roster_imports: int
    leads: int = 0  # workers' reports last reported before the cutoff (leads.service.forget)
    register_imports: int = 0  # the town's kept imports (register, incidents, outreach) uploaded before the cutoff
    imports_emptied: int = 0  # kept imports of both tables whose rows were emptied (_spent_imports)


def _old_attempt_ids(first_kept: date, companies) -> list[int]:
    return list(db.session.scalars(select(Attempt.id).where(Attempt.local_date < first_kept,
                                                            Attempt.company_id.in_(companies))
                                   .order_by(Attempt.id).limit(BATCH)))


def _count_old(first_kept: date, companies) -> tuple[int, int]:
    old = select(Attempt.id).where(Attempt.local_date < first_kept, Attempt.company_id.in_(companies))
    attempts = db.session.scalar(select(db.func.count()).select_from(old.subquery())) or 0
    answers = db.session.scalar(select(db.func.count(Answer.id)).where(Answer.attempt_id.in_(old))) or 0
    return attempts, answers


def _leavers(first_kept: date, companies):
    """Workers of the town who left before the cutoff and have no attempt left: nothing of theirs
    is needed."""
    return select(Employee.id).where(*scope.left_before(first_kept), Employee.company_id.in_(companies),
                                     ~exists().where(Attempt.employee_id == Employee.id))


def _old_imports(first_kept: date, town_id: int, zone: ZoneInfo) -> dict[str, tuple]:
    """The town's kept import previews uploaded before the cutoff, by kind: each kind's table and
    the conditions of its old rows. One rule of age for every kind (retention.rules.uploads_kept_from);
    a roster import is the town's by its company, the town's other kept imports (the register's, the
    incident and outreach files) by their own town; they are counted together as "register_imports".
    They hold the rows as uploaded only (no file is kept on disk)."""
    moment = uploads_kept_from(first_kept, zone)
    return {
        "roster_imports": (RosterImport, (RosterImport.created_at < moment,
                                          RosterImport.company_id.in_(scope.town_company_ids(town_id)))),
        "register_imports": (TownImport, (TownImport.created_at < moment, TownImport.town_id == town_id)),
    }


def _spent_imports(town_id: int, now: datetime) -> list[tuple]:
    """The town's kept imports, roster imports included, that can no longer be applied and still
    hold rows or problems: applied or cancelled, or a preview uploaded longer than previews.MAX_AGE
    before `now` (previews.expired: the confirmation refuses it as expired, so nothing needs its
    rows). Each as its table and the conditions of its rows."""
    found = []
    for model, town in ((RosterImport, RosterImport.company_id.in_(scope.town_company_ids(town_id))),
                        (TownImport, TownImport.town_id == town_id)):
        found.append((model, (town,
                              or_(model.status != ImportStatus.PREVIEW, model.created_at < now - previews.MAX_AGE),
                              or_(func.json_array_length(model.rows) > 0, func.json_array_length(model.errors) > 0))))
    return found


def _empty_spent_imports(town_id: int, now: datetime, dry_run: bool) -> int:
    """Empty the rows and problems of the town's spent imports (_spent_imports), keeping each
    record (file name, who, when, status) as the trail; how many (with `dry_run`, would be)."""
    if dry_run:
        return sum(db.session.scalar(select(func.count()).select_from(model).where(*spent)) or 0
                   for model, spent in _spent_imports(town_id, now))
    return sum(rows_changed(update(model).where(*spent).values(**previews.EMPTIED)
                            .execution_options(synchronize_session=False))
               for model, spent in _spent_imports(town_id, now))


def purge(today: date, months: int, zone: ZoneInfo, now: datetime, dry_run: bool = False,
          commit_batches: bool = True) -> Purge:
    """Run retention town by town (purge_town), each town's deletions its own audit row; what was
    deleted or emptied (or, with `dry_run`, would be) in all. `zone`: the town's (upload times are
    UTC, the cutoff a local day); `now`: the run's moment (UTC), against which a preview expires.
    On PostgreSQL with answers by month (partitions.service) the months wholly before the cutoff
    go whole first, for every town at once (every town keeps the same months); the towns' runs then
    find no answers there."""
    first_kept = cutoff_for(today, months)
    town_ids = db.session.scalars(select(Town.id).order_by(Town.id)).all()
    dropped = partitions.drop_before(first_kept)[1] if town_ids and not dry_run else 0
    results = [purge_town(town_id, today, months, zone, now, dry_run, commit_batches) for town_id in town_ids]
    fields = ("attempts", "answers", "workers", "roster_imports", "leads", "register_imports", "imports_emptied")
    totals = [sum(getattr(r, f) for r in results) for f in fields]
    totals[1] += dropped
    return Purge(first_kept, *totals)


def purge_town(town_id: int, today: date, months: int, zone: ZoneInfo, now: datetime, dry_run: bool = False,
               commit_batches: bool = True) -> Purge:
    """Delete what of the town is older than `months`, and empty the rows of its kept imports that
    can no longer be applied by `now` (_empty_spent_imports); with `dry_run`, only count them. Batches are
    committed as they go (unless `commit_batches` is off), so a big first run never holds one huge
    transaction; a run cut short is simply finished by the next one."""
    first_kept = cutoff_for(today, months)
    companies = scope.town_company_ids(town_id)
    if dry_run:
        attempts, answers = _count_old(first_kept, companies)
        workers = db.session.scalar(select(db.func.count()).select_from(
            select(Employee.id).where(*scope.left_before(first_kept), Employee.company_id.in_(companies))
            .subquery())) or 0
        imports = {kind: db.session.scalar(select(db.func.count()).select_from(model).where(*old)) or 0
                   for kind, (model, old) in _old_imports(first_kept, town_id, zone).items()}
        return Purge(first_kept, attempts, answers, workers, imports["roster_imports"],
                     leads.forget(first_kept, today, dry_run=True, town_id=town_id), imports["register_imports"],
                     _empty_spent_imports(town_id, now, dry_run=True))

    # Saved first: from now on no rebuild may rewrite the town's days about to lose their record.
    previous = (town_settings.read(town_id, SETTING_KEY) or {}).get("from")
    town_settings.write(town_id, SETTING_KEY, {"from": max(first_kept.isoformat(), previous or "")})

    attempts = answers = 0
    while ids := _old_attempt_ids(first_kept, companies):
        # The date condition lets PostgreSQL look in the old months' partitions only.
        answers += rows_changed(delete(Answer).where(Answer.attempt_id.in_(ids), Answer.local_date < first_kept))
        attempts += rows_changed(delete(Attempt).where(Attempt.id.in_(ids)))
        if commit_batches:
            db.session.commit()
    workers = rows_changed(delete(Employee).where(Employee.id.in_(_leavers(first_kept, companies))))
    imports = {kind: rows_changed(delete(model).where(*old))
               for kind, (model, old) in _old_imports(first_kept, town_id, zone).items()}
    forgotten = leads.forget(first_kept, today, town_id=town_id)
    emptied = _empty_spent_imports(town_id, now, dry_run=False)
    result = Purge(first_kept, attempts, answers, workers, imports["roster_imports"], forgotten,
                   imports["register_imports"], emptied)
    audit.record(None, "retention.purge", {"before": first_kept.isoformat(), "attempts": attempts,
                                           "answers": answers, "workers": workers,
                                           "roster_imports": imports["roster_imports"],
                                           "register_imports": imports["register_imports"],
                                           "imports_emptied": emptied, "leads": forgotten}, town_id=town_id)
    return result
