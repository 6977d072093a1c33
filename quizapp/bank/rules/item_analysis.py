"""Item analysis: is each question doing its job? Used by the town admin's bank page and
`quizapp bank stats`. Pure: answer records in, one ItemStats per question out.

Definitions (docs/metrics.md). Workers are the unit of every count: each worker counts once per
question, with their first official, scored try at it (bank.items picks it: never a practice
round, never a repeat after the feedback; a repeat passed in anyway is ignored here).
- difficulty p: share of workers who answered right;
- discrimination r: correlation between answering this question right and the worker's rest score,
  their share right on their first tries at the *other* questions (the whole question left out, so
  it cannot correlate with itself), with a 95 % interval by Fisher's z (tanh(atanh r ± 1.96/√(n−3)));
- option shares: share of workers choosing each option (multiple choice: every option chosen), for
  everyone and for the stronger and the weaker half by rest score, so that a wrong option the strong
  pick (an arguable key) shows;
- flags, from MIN_WORKERS workers on: everyone right, everyone wrong, a distractor nobody picks;
  from MIN_WORKERS_TO_BLAME workers with a rest score on: stronger workers do worse (the whole
  interval of r below zero), and a distractor the stronger half picks more often than the weaker
  half beyond chance (one-sided two-proportion z above 1.96).
  With 30 workers the standard error of r is about 0.19: a flag there would mostly be noise.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

MIN_WORKERS = 30
MIN_WORKERS_TO_BLAME = 100
EVERYONE_RIGHT, EVERYONE_WRONG = 0.95, 0.15
DEAD_DISTRACTOR = 0.02  # share of workers choosing it
Z95 = 1.959964
FLAGS = ("everyone_right", "everyone_wrong", "dead_distractor", "negative_discrimination", "strong_pick_distractor")


@dataclass(frozen=True)
class AnswerRecord:
    """A worker's first official, scored try at a question."""

    question_id: int
    worker_id: int
    correct: bool
    chosen: tuple[int, ...]


@dataclass
class ItemStats:
    question_id: int
    workers: int  # workers who answered it (a question has stats once it has one)
    p: float  # share of them right
    r: float | None  # item-rest correlation, over the workers with a rest score
    r_low: float | None  # its 95 % interval
    r_high: float | None
    rest_workers: int  # workers with a rest score (answered some other question too)
    option_shares: list[float]
    stronger_shares: list[float]  # the stronger half by rest score
    weaker_shares: list[float]
    half: int  # workers in each half
    flags: list[str] = field(default_factory=list)


def correlation(pairs: list[tuple[int, float]]) -> float | None:
    """Pearson correlation of (right 1/0, rest score): the point-biserial r. None when either side is constant."""
    n = len(pairs)
    if n < 3:
        return None
    mean_x = sum(x for x, _ in pairs) / n
    mean_y = sum(y for _, y in pairs) / n
    cov = sum((x - mean_x) * (y - mean_y) for x, y in pairs)
    var_x = sum((x - mean_x) ** 2 for x, _ in pairs)
    var_y = sum((y - mean_y) ** 2 for _, y in pairs)
    if var_x == 0 or var_y == 0:
        return None
    return max(-1.0, min(1.0, cov / math.sqrt(var_x * var_y)))


def fisher_interval(r: float, n: int) -> tuple[float, float] | None:
    """95 % interval of a correlation from n pairs by Fisher's z transformation (needs n > 3)."""
    if n <= 3:
        return None
    if abs(r) >= 1:
        return r, r
    z, half = math.atanh(r), Z95 / math.sqrt(n - 3)
    return math.tanh(z - half), math.tanh(z + half)


def _shares(answers: list[AnswerRecord], count: int) -> list[float]:
    picks = [0] * count
    for a in answers:
        for index in set(a.chosen):
            if 0 <= index < count:
                picks[index] += 1
    return [c / len(answers) if answers else 0.0 for c in picks]


def _strong_pick(stronger: float, weaker: float, half: int) -> bool:
    """The stronger half chose this option more often than the weaker, beyond chance (z > 1.96, one-sided)."""
    pooled = (stronger + weaker) / 2
    if half == 0 or pooled in (0, 1):
        return False
    return (stronger - weaker) / math.sqrt(pooled * (1 - pooled) * 2 / half) > Z95


def analyse(records: Iterable[AnswerRecord], options: dict[int, tuple[int, list[int]]]) -> list[ItemStats]:
    """Statistics per question. `options` maps question id -> (number of options, correct indexes)."""
    first: dict[tuple[int, int], AnswerRecord] = {}
    for rec in records:
        first.setdefault((rec.question_id, rec.worker_id), rec)
    right: dict[int, int] = defaultdict(int)
    seen: dict[int, int] = defaultdict(int)
    by_question: dict[int, list[AnswerRecord]] = defaultdict(list)
    for rec in first.values():
        right[rec.worker_id] += rec.correct
        seen[rec.worker_id] += 1
        by_question[rec.question_id].append(rec)

    result = []
    for qid, answers in sorted(by_question.items()):
        count, keys = options.get(qid, (0, []))
        n = len(answers)
        p = sum(a.correct for a in answers) / n
        # One answer per worker here, so leaving this answer out leaves the whole question out.
        ranked = sorted(((right[a.worker_id] - a.correct) / (seen[a.worker_id] - 1), a.worker_id, a)
                        for a in answers if seen[a.worker_id] > 1)
        r = correlation([(int(a.correct), rest) for rest, _, a in ranked])
        interval = fisher_interval(r, len(ranked)) if r is not None else None
        half = len(ranked) // 2  # ties in rest score are cut by worker id; an odd middle worker is left out
        weaker = _shares([a for _, _, a in ranked[:half]], count)
        stronger = _shares([a for _, _, a in ranked[len(ranked) - half:]], count) if half else [0.0] * count
        shares = _shares(answers, count)
        flags = []
        if n >= MIN_WORKERS:
            if p >= EVERYONE_RIGHT:
                flags.append("everyone_right")
            if p <= EVERYONE_WRONG:
                flags.append("everyone_wrong")
            if count > 2 and any(shares[i] < DEAD_DISTRACTOR for i in range(count) if i not in keys):
                flags.append("dead_distractor")
        if len(ranked) >= MIN_WORKERS_TO_BLAME:
            if interval is not None and interval[1] < 0:
                flags.append("negative_discrimination")
            if any(_strong_pick(stronger[i], weaker[i], half) for i in range(count) if i not in keys):
                flags.append("strong_pick_distractor")
        result.append(ItemStats(
            question_id=qid, workers=n, p=p, r=r, r_low=interval[0] if interval else None,
            r_high=interval[1] if interval else None, rest_workers=len(ranked), option_shares=shares,
            stronger_shares=stronger, weaker_shares=weaker, half=half, flags=flags))
    return result
