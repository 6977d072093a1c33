"""A synthetic town for benchmarks: grids, companies, workers, daily rollups, a few incidents.

Used by `quizapp synth` (quizapp/synth_cli.py) and bench/reports.py. The reports read only the
CompanyDay rollup, so the history is written straight into it (no attempts or answers), with bulk
Core inserts in chunks. `attempt_days` optionally adds the last days' finished official attempts,
consistent with the rollup, for the one dashboard figure that needs to know who took a quiz
(coverage). Workers get no PIN: nobody signs in to a synthetic town. Accounts: a town admin and
one grid officer per 25 grids, all with the given password.
"""

from __future__ import annotations

import math
import random
from bisect import bisect_left, bisect_right
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from sqlalchemy import func, select

from quizapp.demo import geography
from quizapp.extensions import db
from quizapp.models import Attempt, Company, CompanyDay, Employee, Grid, GridBoundary, Incident, StaffUser
from quizapp.quiz.rules.selection import COMMON_SIZE
from quizapp.rules.errors import Conflict
from quizapp.rules.metrics import is_workday
from quizapp.rules.vocab import AttemptKind, Role

CHUNK = 10_000  # rows per INSERT batch
BATCH = 100  # companies generated and written at a time
GRIDS_PER_OFFICER = 25
FRAUD_TYPES = ("shuadan", "daikuan", "kefu", "touzi", "hunlian", "other")
PATTERNS = ("123456",) * 16 + ("12345",) * 3 + ("1234567",)


class TownNotEmpty(Conflict):
    """The database already has companies: synthesising would mix a fake town into a real one."""

    def __init__(self) -> None:
        super().__init__("demo.town_not_empty")


@dataclass(frozen=True)
class SynthReport:
    grids: int
    companies: int
    workers: int
    days: int
    rollup_rows: int
    attempts: int
    incidents: int
    accounts: list[str]


@dataclass(frozen=True)
class _Habit:
    """How one synthetic company behaves: a level, a drift over the year and a knowledge level."""

    keen: float
    drift: float
    skill: float
    pattern: str
    per_quiz: int


def _binomial(rng: random.Random, n: int, p: float) -> int:
    """A binomial draw; the normal approximation above 30 trials keeps a year of history fast."""
    if n <= 0 or p <= 0:
        return 0
    if n < 30:
        return sum(1 for _ in range(n) if rng.random() < p)
    return min(max(round(rng.gauss(n * p, math.sqrt(n * p * (1 - p)))), 0), n)


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


def _accounts(grids: list[Grid], password: str) -> list[str]:
    wanted: list[tuple[str, Role, list[Grid]]] = [("synth-admin", Role.TOWN_ADMIN, [])]
    for n in range(0, len(grids), GRIDS_PER_OFFICER):
        wanted.append((f"synth-officer-{n // GRIDS_PER_OFFICER + 1}", Role.GRID_OFFICER,
                       grids[n:n + GRIDS_PER_OFFICER]))
    made = []
    for username, role, own in wanted:
        if db.session.scalar(select(StaffUser.id).where(StaffUser.username == username)):
            continue
        user = StaffUser(username=username, display_name=username, role=role, grids=list(own))
        user.set_password(password)
        db.session.add(user)
        made.append(username)
    return made


def _insert(table, rows: list[dict]) -> None:
    connection = db.session.connection()
    for start in range(0, len(rows), CHUNK):
        connection.execute(table.insert(), rows[start:start + CHUNK])


def synthesize(today: date, companies: int = 3000, workers: int = 150_000, days: int = 365, grids: int = 125,
               seed: int = 1, attempt_days: int = 0, password: str = "synth-2026", force: bool = False,
               progress: Callable[[str], None] | None = None) -> SynthReport:
    """Write a synthetic town whose history ends today (today partly done, as at mid-morning).

    Refuses (TownNotEmpty) when the database already has companies, unless `force`. The history
    is written day by day across all companies, as the live upserts and the nightly rebuild
    write it, so the rollup's rows lie on disk as they would after a year of use.
    """
    if not force and db.session.scalar(select(func.count(Company.id))):
        raise TownNotEmpty()
    if companies < 1 or grids < 1 or days < 1:
        raise ValueError("companies, grids and days must be positive")
    rng = random.Random(seed)
    tag = (db.session.scalar(select(func.max(Company.id))) or 0) + 1  # keeps codes unique under --force
    start = today - timedelta(days=days - 1)
    grid_rows = [Grid(code=f"syn{tag}-g{n:03d}", name=f"合成网格{n:03d}") for n in range(1, grids + 1)]
    db.session.add_all(grid_rows)
    db.session.flush()
    # The made-up town's outlines (demo.geography), one per grid up to its 125.
    cells = {g.id: cell for g, cell in zip(grid_rows, geography.town_cells(min(grids, geography.TOWN_GRIDS)),
                                          strict=False)}
    db.session.add_all(GridBoundary(grid_id=grid_id, geometry=cell.polygon) for grid_id, cell in cells.items())
    accounts = _accounts(grid_rows, password)
    sizes = company_sizes(rng, companies, workers)
    created = datetime.combine(start, time(0, 0))
    town: list[_Synthetic] = []
    for first in range(0, companies, BATCH):
        batch = []
        for n in range(first, min(first + BATCH, companies)):
            habit = _Habit(keen=rng.uniform(0.3, 0.97), drift=rng.uniform(-0.15, 0.25), skill=rng.uniform(0.5, 0.92),
                           pattern=rng.choice(PATTERNS), per_quiz=rng.choice((3, 4, 5, 5, 5, 6, 8)))
            batch.append((Company(code=f"syn{tag}-{n + 1:05d}", name=f"合成企业{n + 1:05d}",
                                  grid_id=grid_rows[n % grids].id, questions_per_quiz=habit.per_quiz,
                                  workdays=habit.pattern, created_at=created), habit, sizes[n]))
        db.session.add_all([c for c, _, _ in batch])
        db.session.flush()
        town += _hire(rng, batch, start, today)
        if progress:
            progress(f"roster: {len(town)}/{companies} companies")
    rollup_rows = attempts = 0
    attempts_from = today - timedelta(days=attempt_days - 1) if attempt_days else None
    day = start
    while day <= today:
        rows, taken = _history_day(rng, town, day, start, today, attempts_from is not None and day >= attempts_from)
        _insert(CompanyDay.__table__, rows)
        _insert(Attempt.__table__, taken)
        rollup_rows, attempts = rollup_rows + len(rows), attempts + len(taken)
        if progress and (day.day == 1 or day == today):
            progress(f"history: {day}")
        day += timedelta(days=1)
    incidents = _incidents(rng, town, start, today, cells)
    _insert(Incident.__table__, incidents)
    return SynthReport(grids=grids, companies=companies, workers=sum(sizes), days=days, rollup_rows=rollup_rows,
                       attempts=attempts, incidents=len(incidents), accounts=accounts)


@dataclass
class _Synthetic:
    """A synthetic company while its history is written: its habit and its roster's dates."""

    id: int
    grid_id: int
    habit: _Habit
    staff: list[tuple[int, date | None, date | None]]  # (employee id, active_from, active_until)
    always: int  # workers there all year
    joins: list[date]
    leaves: list[date]

    def headcount(self, day: date) -> int:
        return self.always + bisect_right(self.joins, day) + (len(self.leaves) - bisect_left(self.leaves, day))


def _roster_rows(rng: random.Random, company: Company, size: int, start: date, today: date) -> list[dict]:
    """Most workers were there all year; some joined during it, some left (active_until)."""
    span = (today - start).days + 1
    rows = []
    for i in range(1, size + 1):
        roll = rng.random()
        joined = start + timedelta(days=rng.randrange(span)) if roll < 0.06 else None
        left = start + timedelta(days=rng.randrange(span)) if 0.06 <= roll < 0.09 else None
        rows.append(dict(company_id=company.id, employee_no=f"S{i:05d}", name=f"合成工人{i:05d}",
                         team=f"{1 + i % 4}组", shift="早班", active=True, active_from=joined, active_until=left))
    return rows


def _hire(rng: random.Random, batch, start: date, today: date) -> list[_Synthetic]:
    _insert(Employee.__table__, [row for company, _, size in batch
                                 for row in _roster_rows(rng, company, size, start, today)])
    staff: dict[int, list] = {company.id: [] for company, _, _ in batch}
    for employee_id, company_id, joined, left in db.session.execute(
            select(Employee.id, Employee.company_id, Employee.active_from, Employee.active_until)
            .where(Employee.company_id.in_(list(staff)))):
        staff[company_id].append((employee_id, joined, left))
    return [_Synthetic(company.id, company.grid_id, habit, staff[company.id],
                       always=sum(1 for _, joined, left in staff[company.id] if joined is None and left is None),
                       joins=sorted(j for _, j, _ in staff[company.id] if j is not None),
                       leaves=sorted(left for _, _, left in staff[company.id] if left is not None))
            for company, habit, _ in batch]


def _history_day(rng: random.Random, town: list[_Synthetic], day: date, start: date, today: date,
                 with_attempts: bool) -> tuple[list[dict], list[dict]]:
    """Every company's rollup row for one day (today's only where someone has finished), and the
    finished official attempts behind them when asked."""
    rows: list[dict] = []
    attempts: list[dict] = []
    progress_in_year = (day - start).days / 365
    for company in town:
        habit = company.habit
        headcount = company.headcount(day)
        workday = is_workday(day, habit.pattern)
        chance = habit.keen + habit.drift * progress_in_year + rng.gauss(0, 0.04)
        chance *= 0.85 if day.isoweekday() == 6 else 1.0
        chance *= 0.5 if day == today else 1.0  # the later shifts have not started yet
        done = _binomial(rng, headcount, min(max(chance, 0.02), 0.99)) if workday else 0
        if day == today and not done:
            continue
        skill = min(habit.skill + 0.08 * progress_in_year, 0.97)
        common = COMMON_SIZE
        if with_attempts and done:
            active = [e for e, joined, left in company.staff
                      if (joined is None or joined <= day) and (left is None or left >= day)]
            score_sum, common_right = _attempts(rng, attempts, company.id, day,
                                                rng.sample(active, min(done, len(active))),
                                                habit.per_quiz, common, skill)
        else:
            score_sum, common_right = _binomial(rng, done * habit.per_quiz, skill), _binomial(rng, done * common, skill)
        behaviour = _binomial(rng, done, 0.3)
        rows.append(dict(company_id=company.id, day=day, workday=workday, headcount=headcount, completed=done,
                         score_sum=score_sum, question_sum=done * habit.per_quiz, common_correct=common_right,
                         common_answered=done * common, behaviour_answered=behaviour,
                         behaviour_yes=_binomial(rng, behaviour, 0.6)))
    return rows, attempts


def _incidents(rng: random.Random, town: list[_Synthetic], start: date, today: date,
               cells: dict[int, geography.Cell]) -> list[dict]:
    """A fraud case or three in some month of the year for about one company in seven, most at a
    point inside the company's grid (WGS-84)."""
    where = random.Random(start.toordinal())  # its own stream: the cases stay as they were
    span = (today - start).days + 1
    rows = []
    for company in town:
        if rng.random() < 0.15:
            for _ in range(rng.randint(1, 3)):
                rows.append(dict(grid_id=company.grid_id, company_id=company.id,
                                 month=(start + timedelta(days=rng.randrange(span))).replace(day=1),
                                 fraud_type=rng.choice(FRAUD_TYPES), cases=rng.randint(1, 3),
                                 loss_yuan=Decimal(rng.randint(500, 80_000)), note=None, created_by=None,
                                 **_point(cells.get(company.grid_id), where)))
    return rows


def _point(cell: geography.Cell | None, rng: random.Random) -> dict:
    """An incident's location columns: a point in the cell four times in five, else none."""
    if cell is None or rng.random() < 0.2:
        return {"longitude": None, "latitude": None, "datum": None}
    lon, lat = geography.point_in(cell, rng)
    return {"longitude": Decimal(str(lon)), "latitude": Decimal(str(lat)), "datum": "wgs84"}


def _attempts(rng: random.Random, out: list[dict], company_id: int, day: date, who: list[int], per_quiz: int,
              common: int, skill: float) -> tuple[int, int]:
    """Finished official attempts for the chosen workers; returns (score sum, common right)."""
    score_sum = common_sum = 0
    started = datetime.combine(day - timedelta(days=1), time(23, 0))  # 07:00 local (UTC+8)
    for employee_id in who:
        at = started + timedelta(minutes=rng.randrange(16 * 60))
        score, right = _binomial(rng, per_quiz, skill), _binomial(rng, common, skill)
        score_sum, common_sum = score_sum + score, common_sum + right
        out.append(dict(employee_id=employee_id, company_id=company_id, local_date=day, kind=AttemptKind.OFFICIAL,
                        official_date=day, started_at=at, deadline_at=at + timedelta(minutes=5),
                        finished_at=at + timedelta(minutes=3), expired=False, total=per_quiz, slots=per_quiz,
                        answered=per_quiz, score=score, common_total=common, common_correct=right))
    return score_sum, common_sum
