"""A synthetic town or city for benchmarks: towns of grids, companies, workers, a year of daily
rollups, a few incidents.

Used by `quizapp synth` (demo/synth_cli.py) and the town- and city-scale benchmarks (bench/).
The reports read the CompanyDay rollup, so the history is written straight into it (no attempts
or answers), and what is synthesised is (docs/scale.md, "The synthetic city"):

- per town: `grids` grids (the made-up map's outlines), `companies` companies of heavy-tailed
  sizes adding up to `workers`, each worker a roster row (most there all year, some joining or
  leaving during it; no PIN: nobody signs in to a synthetic town);
- every company's CompanyDay row for every day of the history (today's only where someone has
  finished), drawn day by day across the whole city, as the live upserts and the nightly rebuild
  write them, so the rows lie on disk as after a year of use; then every town's TownDay rows of
  the past days, summed from them;
- the last `attempt_days` days' finished official attempts behind the rollup (coverage reads
  them), for the first `attempt_towns` towns only (a city's worth would be tens of millions of
  rows no report of another town reads); no answers, and no per-topic rollup (CompanyTopicDay:
  only a company's own trends page reads it);
- a fraud case or three for about one company in seven; a town admin and an officer per 25 grids.

Numbers are drawn with numpy, a whole day of the city at a time, and written with COPY on
PostgreSQL (psycopg) or executemany on SQLite: 90,000 companies and a year take minutes.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from itertools import repeat
from typing import Any

from sqlalchemy import func, select

from quizapp.demo import geography
from quizapp.extensions import db
from quizapp.models import Attempt, City, Company, CompanyDay, Employee, Grid, GridBoundary, Incident, StaffUser, Town
from quizapp.quiz.rules.selection import COMMON_SIZE
from quizapp.rollups import towns as town_rollups
from quizapp.rules.errors import Conflict
from quizapp.rules.vocab import AttemptKind, Role

CHUNK = 10_000  # rows per INSERT batch on SQLite
GRIDS_PER_OFFICER = 25
FRAUD_TYPES = ("shuadan", "daikuan", "kefu", "touzi", "hunlian", "other")
PATTERNS = ("123456",) * 16 + ("12345",) * 3 + ("1234567",)
PER_QUIZ = (3, 4, 5, 5, 5, 6, 8)


class TownNotEmpty(Conflict):
    """The database already has companies: synthesising would mix a fake town into a real one."""

    def __init__(self) -> None:
        super().__init__("demo.town_not_empty")


@dataclass(frozen=True)
class SynthReport:
    towns: int
    grids: int
    companies: int
    workers: int
    days: int
    rollup_rows: int
    attempts: int
    incidents: int
    accounts: list[str]


def company_sizes(rng: random.Random, companies: int, workers: int) -> list[int]:
    """Heavy-tailed sizes that add up to `workers`, at least 3 each: many small workshops and a
    few big factories, as in the town."""
    weights = [min(rng.paretovariate(1.3), 60.0) for _ in range(companies)]
    spare = workers - 3 * companies
    if spare < 0:
        raise ValueError("at least 3 workers per company")
    scale = spare / sum(weights)
    sizes = [3 + int(w * scale) for w in weights]
    for i in rng.sample(range(companies), workers - sum(sizes)):
        sizes[i] += 1
    return sizes


def bulk_insert(table: Any, columns: Sequence[str], rows: Iterable[tuple]) -> int:
    """Insert plain tuples into `table`'s `columns`: COPY on PostgreSQL, executemany in chunks on
    SQLite. Columns left out get their model's plain default (as an ORM insert would), else the
    server's. Returns the number of rows."""
    defaults = {c.name: c.default.arg for c in table.columns
                if c.name not in columns and c.default is not None and c.default.is_scalar}
    unfilled = [c.name for c in table.columns if c.name not in columns and c.name not in defaults
                and c.default is not None and c.server_default is None]
    if unfilled:  # an SQL or Python-function default COPY would not apply
        raise ValueError(f"{table.name}: give {', '.join(unfilled)} explicitly")
    names = [*columns, *defaults]
    extra = tuple(defaults.values())
    connection = db.session.connection()
    count = 0
    if connection.dialect.name == "postgresql":
        raw = connection.connection.driver_connection
        assert raw is not None  # a live psycopg connection
        with raw.cursor() as cursor, cursor.copy(
                f"COPY {table.name} ({', '.join(names)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row + extra)
                count += 1
        return count
    batch: list[dict] = []
    for row in rows:
        batch.append(dict(zip(names, row + extra, strict=True)))
        if len(batch) == CHUNK:
            connection.execute(table.insert(), batch)
            count, batch = count + len(batch), []
    if batch:
        connection.execute(table.insert(), batch)
    return count + len(batch)


@dataclass
class _City:
    """Every company of the city while its history is written, as parallel arrays (numpy)."""

    ids: list[int]
    grid_ids: list[int]
    keen: Any
    drift: Any
    skill: Any
    per_quiz: Any
    workdays: Any  # companies × 7: True on the company's quiz days (ISO weekday - 1)
    always: Any  # workers there all year
    joins: dict[int, Any]  # day index -> company indexes of the workers who joined that day
    leaves: dict[int, Any]  # day index -> company indexes of the workers whose last day it was
    staff: dict[int, list[tuple[int, int | None, int | None]]]  # company index -> (employee, from, until) day indexes


def synthesize(today: date, companies: int = 3000, workers: int = 150_000, days: int = 365, grids: int = 125,
               seed: int = 1, attempt_days: int = 0, password: str = "synth-2026", force: bool = False,
               progress: Callable[[str], None] | None = None, towns: int = 1,
               attempt_towns: int = 1) -> SynthReport:
    """Write `towns` synthetic towns (each of `grids` grids, `companies` companies and `workers`
    workers) whose history ends today (today partly done, as at mid-morning).

    Refuses (TownNotEmpty) when the database already has companies, unless `force`.
    """
    import numpy as np

    if not force and db.session.scalar(select(func.count(Company.id))):
        raise TownNotEmpty()
    if companies < 1 or grids < 1 or days < 1 or towns < 1:
        raise ValueError("towns, companies, grids and days must be positive")
    rng = np.random.default_rng(seed)
    tag = (db.session.scalar(select(func.max(Company.id))) or 0) + 1  # keeps codes unique under --force
    start = today - timedelta(days=days - 1)
    accounts: list[str] = []
    parts: list[dict] = []
    cells: dict[int, geography.Cell] = {}
    for number in range(1, towns + 1):
        town = _town(rng, number, towns, tag, start, today, companies, workers, grids, password,
                     with_staff=number <= attempt_towns)
        accounts += town.pop("accounts")
        cells |= town.pop("cells")
        parts.append(town)
        if progress:
            progress(f"town {number}/{towns}: {len(town['ids'])} companies, {town['workers']} workers")
    city = _City(ids=[i for p in parts for i in p["ids"]], grid_ids=[g for p in parts for g in p["grid_ids"]],
                 keen=np.concatenate([p["keen"] for p in parts]), drift=np.concatenate([p["drift"] for p in parts]),
                 skill=np.concatenate([p["skill"] for p in parts]),
                 per_quiz=np.concatenate([p["per_quiz"] for p in parts]),
                 workdays=np.concatenate([p["workdays"] for p in parts]),
                 always=np.concatenate([p["always"] for p in parts]), joins={}, leaves={}, staff={})
    offset = 0
    for part in parts:
        for key in ("joins", "leaves"):
            for day_index, where in part[key].items():
                target = getattr(city, key)
                target[day_index] = np.concatenate([target.get(day_index, np.empty(0, np.int64)), where + offset])
        city.staff |= {offset + i: people for i, people in part["staff"].items()}
        offset += len(part["ids"])
    rollup_rows, attempts = _history(rng, city, start, today, attempt_days, progress)
    town_rollups.refresh_history(today)  # the towns' daily sums (TownDay) of every past day, in one GROUP BY
    incidents = bulk_insert(Incident.__table__, _INCIDENT_COLUMNS, _incidents(random.Random(seed), city, start,
                                                                               today, cells))
    return SynthReport(towns=towns, grids=grids * towns, companies=len(city.ids),
                       workers=sum(p["workers"] for p in parts), days=days, rollup_rows=rollup_rows,
                       attempts=attempts, incidents=incidents, accounts=accounts)


def _accounts(number: int, town_id: int, grids: list[Grid], password: str) -> list[str]:
    """A town admin and an officer per 25 grids: synth-admin and synth-officer-N for the first
    town, synth-tNN-admin and synth-tNN-officer-N for the others."""
    prefix = "synth" if number == 1 else f"synth-t{number:02d}"
    wanted: list[tuple[str, Role, list[Grid]]] = [(f"{prefix}-admin", Role.TOWN_ADMIN, [])]
    for n in range(0, len(grids), GRIDS_PER_OFFICER):
        wanted.append((f"{prefix}-officer-{n // GRIDS_PER_OFFICER + 1}", Role.GRID_OFFICER,
                       grids[n:n + GRIDS_PER_OFFICER]))
    made = []
    for username, role, own in wanted:
        if db.session.scalar(select(StaffUser.id).where(StaffUser.username == username)):
            continue
        user = StaffUser(username=username, display_name=username, role=role, grids=list(own), town_id=town_id)
        user.set_password(password)
        db.session.add(user)
        made.append(username)
    return made


def _town(rng, number: int, towns: int, tag: int, start: date, today: date, companies: int, workers: int,
          grids: int, password: str, with_staff: bool) -> dict:
    """One town's grids, accounts, companies and roster, written; its companies' habits returned
    as arrays (with the roster's joins and leaves by day) for the history."""
    import numpy as np

    label = f"syn{tag}" if towns == 1 else f"syn{tag}-t{number:02d}"
    city = db.session.scalar(select(City).order_by(City.id).limit(1)) or City(name="合成市")
    town = Town(city=city, code=label, name=f"合成{number:02d}镇" if towns > 1 else "合成镇")
    db.session.add(town)
    db.session.flush()
    grid_rows = [Grid(code=f"{label}-g{n:03d}", name=f"合成{number:02d}镇网格{n:03d}" if towns > 1
                      else f"合成网格{n:03d}", town_id=town.id) for n in range(1, grids + 1)]
    db.session.add_all(grid_rows)
    db.session.flush()
    # The made-up town's outlines (demo.geography), one per grid up to its 125.
    cells = {g.id: cell for g, cell in zip(grid_rows, geography.town_cells(min(grids, geography.TOWN_GRIDS)),
                                          strict=False)}
    db.session.add_all(GridBoundary(grid_id=grid_id, geometry=cell.polygon) for grid_id, cell in cells.items())
    accounts = _accounts(number, town.id, grid_rows, password)
    db.session.flush()

    sizes = np.array(company_sizes(random.Random(int(rng.integers(2**31))), companies, workers))
    patterns = [PATTERNS[i] for i in rng.integers(len(PATTERNS), size=companies)]
    per_quiz = np.array(PER_QUIZ)[rng.integers(len(PER_QUIZ), size=companies)]
    grid_of = [grid_rows[n % grids].id for n in range(companies)]
    created = datetime.combine(start, time(0, 0))
    codes = [f"{label}-{n + 1:05d}" for n in range(companies)]
    bulk_insert(Company.__table__, ("code", "name", "grid_id", "questions_per_quiz", "workdays", "created_at"),
                ((codes[n], f"合成企业{number:02d}-{n + 1:05d}", grid_of[n], int(per_quiz[n]), patterns[n], created)
                 for n in range(companies)))
    by_code = dict(db.session.execute(select(Company.code, Company.id).where(Company.code.like(f"{label}-%"))
                                      .where(Company.grid_id.in_([g.id for g in grid_rows]))).all())
    ids = [by_code[code] for code in codes]

    # The roster: most were there all year; 6 % joined during it, 3 % left (active_until).
    span = (today - start).days + 1
    owner = np.repeat(np.arange(companies), sizes)
    roll = rng.random(len(owner))
    when = rng.integers(span, size=len(owner))
    joined = np.where(roll < 0.06, when, -1)
    left = np.where((roll >= 0.06) & (roll < 0.09), when, -1)
    first_no = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    numbers = np.arange(len(owner)) - first_no[owner] + 1

    def day_of(index: int) -> date | None:
        return None if index < 0 else start + timedelta(days=index)

    bulk_insert(Employee.__table__, ("company_id", "employee_no", "name", "team", "shift", "active_from",
                                     "active_until", "created_at"),
                ((ids[c], f"S{n:05d}", f"合成工人{n:05d}", f"{1 + n % 4}组", "早班", day_of(j), day_of(x), created)
                 for c, n, j, x in zip(owner.tolist(), numbers.tolist(), joined.tolist(), left.tolist(),
                                       strict=True)))
    staff: dict[int, list] = {}
    if with_staff:
        index_of = {company_id: i for i, company_id in enumerate(ids)}
        for employee_id, company_id, active_from, active_until in db.session.execute(
                select(Employee.id, Employee.company_id, Employee.active_from, Employee.active_until)
                .where(Employee.company_id.in_(ids))):
            staff.setdefault(index_of[company_id], []).append(
                (employee_id, None if active_from is None else (active_from - start).days,
                 None if active_until is None else (active_until - start).days))

    def by_day(day_indexes):
        found = {}
        mask = day_indexes >= 0
        for day_index in np.unique(day_indexes[mask]).tolist():
            found[day_index] = owner[mask & (day_indexes == day_index)]
        return found

    always = np.bincount(owner[(joined < 0) & (left < 0)], minlength=companies)
    # Habits: a level, a drift over the year, a knowledge level.
    workdays = np.array([[str(weekday) in pattern for weekday in range(1, 8)] for pattern in patterns])
    return dict(ids=ids, grid_ids=grid_of, keen=rng.uniform(0.3, 0.97, companies),
                drift=rng.uniform(-0.15, 0.25, companies), skill=rng.uniform(0.5, 0.92, companies),
                per_quiz=per_quiz, workdays=workdays, always=always, joins=by_day(joined), leaves=by_day(left),
                staff=staff, workers=int(sizes.sum()), accounts=accounts, cells=cells)


_DAY_COLUMNS = ("company_id", "day", "workday", "headcount", "completed", "score_sum", "question_sum",
                "common_correct", "common_answered", "behaviour_answered", "behaviour_yes")
_ATTEMPT_COLUMNS = ("employee_id", "company_id", "local_date", "kind", "official_date", "started_at", "deadline_at",
                    "finished_at", "expired", "total", "slots", "answered", "score", "common_total",
                    "common_correct")


def _history(rng, city: _City, start: date, today: date, attempt_days: int,
             progress: Callable[[str], None] | None) -> tuple[int, int]:
    """Every company's rollup row for every day, a day of the whole city at a time; today's only
    where someone has finished. Returns (rollup rows, attempts)."""
    import numpy as np

    count = len(city.ids)
    joined = np.zeros(count, np.int64)
    leaving = np.zeros(count, np.int64)  # workers whose last day is still to come
    for where in city.leaves.values():
        leaving += np.bincount(where, minlength=count)
    attempts_from = (today - start).days - attempt_days + 1 if attempt_days else None
    all_ids = np.array(city.ids)
    rollup_rows = attempts = 0
    for index in range((today - start).days + 1):
        day = start + timedelta(days=index)
        if index in city.joins:
            joined += np.bincount(city.joins[index], minlength=count)
        headcount = city.always + joined + leaving
        progress_in_year = index / 365
        workday = city.workdays[:, day.isoweekday() - 1]
        chance = city.keen + city.drift * progress_in_year + rng.normal(0, 0.04, count)
        chance *= 0.85 if day.isoweekday() == 6 else 1.0
        chance *= 0.5 if day == today else 1.0  # the later shifts have not started yet
        done = np.where(workday, rng.binomial(headcount, np.clip(chance, 0.02, 0.99)), 0)
        skill = np.minimum(city.skill + 0.08 * progress_in_year, 0.97)
        score = rng.binomial(done * city.per_quiz, skill)
        common = rng.binomial(done * COMMON_SIZE, skill)
        behaviour = rng.binomial(done, 0.3)
        behaviour_yes = rng.binomial(behaviour, 0.6)
        if attempts_from is not None and index >= attempts_from:
            attempts += _attempts(rng, city, index, day, done, score, common)
        keep = np.flatnonzero(done > 0) if day == today else np.arange(count)
        ids = all_ids[keep].tolist()
        rollup_rows += bulk_insert(CompanyDay.__table__, _DAY_COLUMNS, zip(
            ids, repeat(day), workday[keep].tolist(), headcount[keep].tolist(), done[keep].tolist(),
            score[keep].tolist(), (done * city.per_quiz)[keep].tolist(), common[keep].tolist(),
            (done * COMMON_SIZE)[keep].tolist(), behaviour[keep].tolist(), behaviour_yes[keep].tolist()))
        if index in city.leaves:
            leaving -= np.bincount(city.leaves[index], minlength=count)
        if progress and (day.day == 1 or day == today):
            progress(f"history: {day}")
    return rollup_rows, attempts


def _attempts(rng, city: _City, index: int, day: date, done, score, common) -> int:
    """The finished official attempts behind the day's rollup of the companies whose roster was
    kept (`city.staff`): `done[c]` of their workers active that day, each with a score; the
    rollup's sums become the attempts' (`score` and `common` are changed in place)."""
    started = datetime.combine(day - timedelta(days=1), time(23, 0))  # 07:00 local (UTC+8)
    rows = []
    for c, people in city.staff.items():
        if not done[c]:
            continue
        active = [e for e, joined, left in people
                  if (joined is None or joined <= index) and (left is None or left >= index)]
        per_quiz = int(city.per_quiz[c])
        skill = min(float(city.skill[c]) + 0.08 * index / 365, 0.97)
        chosen = rng.choice(len(active), size=min(int(done[c]), len(active)), replace=False)
        scores = rng.binomial(per_quiz, skill, len(chosen))
        rights = rng.binomial(COMMON_SIZE, skill, len(chosen))
        minutes = rng.integers(16 * 60, size=len(chosen))
        score[c], common[c] = int(scores.sum()), int(rights.sum())
        for who, points, right, minute in zip(chosen.tolist(), scores.tolist(), rights.tolist(), minutes.tolist(),
                                              strict=True):
            at = started + timedelta(minutes=minute)
            rows.append((active[who], city.ids[c], day, AttemptKind.OFFICIAL.value, day, at, at + timedelta(minutes=5),
                         at + timedelta(minutes=3), False, per_quiz, per_quiz, per_quiz, points, COMMON_SIZE, right))
    return bulk_insert(Attempt.__table__, _ATTEMPT_COLUMNS, rows)


_INCIDENT_COLUMNS = ("grid_id", "company_id", "month", "fraud_type", "cases", "loss_yuan", "note", "created_by",
                     "longitude", "latitude", "datum")


def _incidents(rng: random.Random, city: _City, start: date, today: date,
               cells: dict[int, geography.Cell]) -> list[tuple]:
    """A fraud case or three in some month of the year for about one company in seven, most at a
    point inside the company's grid (WGS-84)."""
    where = random.Random(start.toordinal())  # its own stream: the cases stay as they were
    span = (today - start).days + 1
    rows = []
    for company_id, grid_id in zip(city.ids, city.grid_ids, strict=True):
        if rng.random() < 0.15:
            keys = set()  # one record per company, month and fraud type (incident's unique key, migration 0034)
            for _ in range(rng.randint(1, 3)):
                row = (grid_id, company_id, (start + timedelta(days=rng.randrange(span))).replace(day=1),
                       rng.choice(FRAUD_TYPES), rng.randint(1, 3), Decimal(rng.randint(500, 80_000)), None,
                       None, *_point(cells.get(grid_id), where))
                if row[2:4] not in keys:
                    keys.add(row[2:4])
                    rows.append(row)
    return rows


def _point(cell: geography.Cell | None, rng: random.Random) -> tuple:
    """An incident's location: a point in the cell four times in five, else none."""
    if cell is None or rng.random() < 0.2:
        return None, None, None
    lon, lat = geography.point_in(cell, rng)
    return Decimal(str(lon)), Decimal(str(lat)), "wgs84"
