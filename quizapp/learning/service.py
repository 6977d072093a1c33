"""Whether workers learn, read from the record for the companies an account may see: first-try
accuracy on the common set by grid and month, the forgetting curve, the before/after probe and the
check for answer sharing (docs/metrics.md, "Learning").

Used by the learning page (officers: their grids; the town admin: the town) and the API's
/learning figure (the town, or one grid). First-try accuracy is the knowledge index over a grid and
a month, read through rollups.figures like every other surface; the other figures read the raw
answers (bank.items' definition of a counted try). Aggregates only: no worker's name, number or
answer leaves this module, and the probe's pairs are counted, never listed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import Date, case, func, literal, select

from quizapp import scope as tenancy
from quizapp.bank.items import counted_try
from quizapp.dashboard import service as dashboard
from quizapp.extensions import db
from quizapp.incidents.rules import add_months
from quizapp.learning import rules
from quizapp.learning.rules import Estimate, Point, ProbePair, Share, SharingCounts
from quizapp.models import Answer, Attempt, Question
from quizapp.quiz.rules import selection
from quizapp.quiz.service import load_pool
from quizapp.rollups import figures
from quizapp.rollups.figures import Scope
from quizapp.rules.metrics import Span
from quizapp.rules.vocab import AttemptKind

MONTHS = 6  # first-try accuracy: this month so far and the 5 before
CURVE_DAYS = 365  # the forgetting curve: answers of the last year (each compared with the one before it)
SHARING_DAYS = 30  # the sharing check: the 30 days before today (whole days: today's late shifts are still to come)


@dataclass(frozen=True)
class GridMonths:
    id: int | None  # None: every company shown, added up
    name: str
    months: list[Share]  # first tries at the common set, right of answered, per month of LearningView.months


@dataclass(frozen=True)
class CompanySharing:
    id: int
    name: str
    grid_id: int
    grid: str
    counts: SharingCounts
    gap: Estimate | None


@dataclass(frozen=True)
class ProbeLag:
    lag: int  # days
    estimate: Estimate | None


@dataclass(frozen=True)
class ProbeFigures:
    before: int  # workers who answered their first half
    pairs: int  # ... and their second half after their lag
    estimate: Estimate | None
    by_lag: list[ProbeLag]


@dataclass(frozen=True)
class LearningView:
    months: list[Span]
    grids: list[GridMonths]
    total: GridMonths
    curve: list[Point]
    sharing: list[CompanySharing]
    probe: ProbeFigures


def month_spans(today: date, count: int = MONTHS) -> list[Span]:
    """The calendar months ending with this one (so far), oldest first."""
    this = today.replace(day=1)
    spans = []
    for back in range(count - 1, -1, -1):
        first = add_months(this, -back)
        spans.append(Span(first, min(add_months(first, 1) - timedelta(days=1), today)))
    return spans


def first_tries(scope: Scope, today: date, spans: list[Span], now: datetime) -> tuple[list[GridMonths], GridMonths]:
    """Per grid and month, first tries at the common set (the knowledge index's counts, read by
    rollups.figures: the same days count as on every other page), and the scope added up."""
    pieces = figures.read_pieces(scope, today, spans, now)
    parts = [pieces.inside(span) for span in spans]
    grids: dict[int, tuple[str, list[Share]]] = {}
    for company in scope.companies:
        name, shares = grids.setdefault(company.grid_id, (company.grid_name, [Share(0, 0) for _ in spans]))
        for number, inside in enumerate(parts):
            tally = pieces.tally(company.id, inside)
            shares[number] = shares[number] + Share(tally.common_correct, tally.common_answered)
    rows = [GridMonths(gid, name, shares) for gid, (name, shares) in sorted(grids.items(), key=lambda g: g[1][0])]
    total = [sum((row.months[i] for row in rows), Share(0, 0)) for i in range(len(spans))]
    return rows, GridMonths(None, "", total)


def curve_counts(scope: Scope, today: date, days: int = CURVE_DAYS) -> list[tuple[int, int, int]]:
    """(days since the worker last answered the question, answers, right) for the counted tries of
    the last `days` days that were not the worker's first at their question. Grouped by the two
    dates in SQL, so only a few thousand rows come back however large the town."""
    if not scope.companies:
        return []
    before = func.lag(Attempt.local_date, type_=Date).over(
        partition_by=(Attempt.employee_id, Answer.question_id), order_by=(Attempt.local_date, Answer.id))
    tries = (select(Attempt.local_date.label("day"), before.label("before"), Answer.correct.label("correct"))
             .join(Attempt, Attempt.id == Answer.attempt_id)
             .where(*counted_try(), Attempt.company_id.in_(scope.ids), Attempt.local_date <= today)
             .subquery())
    rows = db.session.execute(
        select(tries.c.day, tries.c.before, func.count(), func.count().filter(tries.c.correct.is_(True)))
        .where(tries.c.before.is_not(None), tries.c.day > today - timedelta(days=days))
        .group_by(tries.c.day, tries.c.before))
    return [((day - seen).days, int(answered), int(right)) for day, seen, answered, right in rows]


def sharing(scope: Scope, today: date, days: int = SHARING_DAYS) -> list[CompanySharing]:
    """Per company, the day's early and late finishers' answers on the common set and on personal
    questions over the `days` whole days before today, with the sharing gap (rules.sharing_gap).
    A company-day's finishers are ranked by the time they finished; the earlier half is "early",
    the later "late", the middle one of an odd number neither (rules.finisher_half)."""
    if not scope.companies:
        return []
    day = func.coalesce(Attempt.official_date, Attempt.local_date)
    finishers = (
        select(Attempt.id.label("attempt_id"), Attempt.company_id.label("company_id"),
               func.row_number().over(partition_by=(Attempt.company_id, day),
                                      order_by=(Attempt.finished_at, Attempt.id)).label("rank"),
               func.count().over(partition_by=(Attempt.company_id, day)).label("finishers"))
        .where(Attempt.company_id.in_(scope.ids), Attempt.kind == AttemptKind.OFFICIAL,
               Attempt.finished_at.is_not(None), Attempt.local_date >= today - timedelta(days=days),
               Attempt.local_date < today)
        .subquery())
    # rules.finisher_half in SQL, so the answers are added up in the database.
    position = 2 * finishers.c.rank - finishers.c.finishers - 1
    half = case((finishers.c.finishers < 2, literal("")), (position < 0, literal("early")),
                (position > 0, literal("late")), else_=literal(""))
    rows = db.session.execute(
        select(finishers.c.company_id, half, Answer.common, func.count(), func.count().filter(Answer.correct.is_(True)))
        .join(Answer, Answer.attempt_id == finishers.c.attempt_id)
        .join(Attempt, Attempt.id == Answer.attempt_id)
        .join(Question, Question.id == Answer.question_id)
        .where(*counted_try(), Question.probe.is_(False))
        .group_by(finishers.c.company_id, half, Answer.common))
    cells: dict[int, dict[str, Share]] = {}
    for company_id, which, common, answered, right in rows:
        if which:
            key = f"{which}_{'common' if common else 'personal'}"
            found = cells.setdefault(company_id, {})
            found[key] = found.get(key, Share(0, 0)) + Share(int(right), int(answered))
    result = []
    for company in scope.companies:
        found = cells.get(company.id, {})
        counts = SharingCounts(*(found.get(k, Share(0, 0)) for k in
                                 ("early_common", "late_common", "early_personal", "late_personal")))
        result.append(CompanySharing(company.id, company.name, company.grid_id, company.grid_name, counts,
                                     rules.sharing_gap(counts)))
    # Flagged first, then the widest gap; companies without a gap last, by grid and name.
    return sorted(result, key=lambda line: (not (line.gap and line.gap.excludes_zero),
                                            -(line.gap.value if line.gap else float("-inf")), line.grid, line.name))


def probe_pairs(scope: Scope, today: date) -> tuple[int, list[ProbePair]]:
    """Workers of the scope's companies who answered probe items: how many answered their first
    half, and for those who also answered their second, the pair (rules.ProbePair). A worker's
    halves and lag are read from the record: the first half is the half of their first probe answer;
    the lag is the days from their first probe answer to their first answer of the other half,
    rounded to the nearest planned lag."""
    halves = selection.probe_halves(load_pool())
    half_of = {qid: number for number, ids in enumerate(halves) for qid in ids}
    if not half_of or not scope.companies:
        return 0, []
    rows = db.session.execute(
        select(Attempt.employee_id, Answer.question_id, Attempt.local_date, Answer.correct)
        .join(Attempt, Attempt.id == Answer.attempt_id)
        .where(*counted_try(), Attempt.company_id.in_(scope.ids), Answer.question_id.in_(list(half_of)),
               Attempt.local_date <= today)
        .order_by(Attempt.employee_id, Attempt.local_date, Answer.id))
    workers: dict[int, list[tuple[int, date, bool]]] = {}
    for employee_id, qid, day, correct in rows:
        workers.setdefault(employee_id, []).append((half_of[qid], day, bool(correct)))
    pairs = []
    for answers in workers.values():
        first_half, started = answers[0][0], answers[0][1]
        first = [c for h, _, c in answers if h == first_half]
        before = Share(sum(first), len(first))
        later = [(day, c) for h, day, c in answers if h != first_half]
        if later:
            gap = (later[0][0] - started).days
            lag = min(selection.PROBE_LAGS, key=lambda planned: abs(planned - gap))
            pairs.append(ProbePair(first_half, lag, before, Share(sum(c for _, c in later), len(later))))
    return len(workers), pairs


def probe_figures(scope: Scope, today: date) -> ProbeFigures:
    started, pairs = probe_pairs(scope, today)
    by_lag = [ProbeLag(lag, rules.learning_estimate(p for p in pairs if p.lag == lag)) for lag in selection.PROBE_LAGS]
    return ProbeFigures(started, len(pairs), rules.learning_estimate(pairs), by_lag)


def learning(actor: tenancy.Reader, today: date, now: datetime, grid_id: int | None = None) -> LearningView:
    """Every learning figure for the companies `actor` may see (one grid's, if given)."""
    spans = month_spans(today)
    # Each figure reads the companies that count on some day of the days it reads (a company
    # deactivated since keeps its past days, as in the reports: docs/metrics.md, "Companies that
    # leave"): the months, the curve's year, the sharing check's 30 days, the probe's whole record.
    def counted(first: date, last: date) -> Scope:
        return dashboard.visible_scope(actor, grid_id, Span(first, last))

    grids, total = first_tries(counted(spans[0].first, today), today, spans, now)
    curve = curve_counts(counted(today - timedelta(days=CURVE_DAYS - 1), today), today)
    shared = sharing(counted(today - timedelta(days=SHARING_DAYS), today - timedelta(days=1)), today)
    return LearningView(months=spans, grids=grids, total=total, curve=rules.forgetting_curve(curve),
                        sharing=shared, probe=probe_figures(counted(date.min, today), today))
