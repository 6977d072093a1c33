"""Item analysis: is each question doing its job? Used by the town admin's bank page and
`quizapp bank stats`. Pure: answer records in, one ItemStats per question out.

Definitions (docs/metrics.md):
- difficulty p: share of answers that were right;
- discrimination r: point-biserial correlation between answering this question right and the
  worker's share right on all their *other* answers in the window (rest score), so that stronger
  workers answering it right more often gives r > 0;
- option shares: how often each option was chosen (multiple choice counts every option chosen);
- flags, from MIN_ANSWERS answers on: everyone right, everyone wrong, a distractor nobody picks,
  negative discrimination (r below -0.05).
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

MIN_ANSWERS = 30
EVERYONE_RIGHT, EVERYONE_WRONG = 0.95, 0.15
DEAD_DISTRACTOR = 0.02  # share of answers choosing it
# Below this, stronger workers do worse on the question than weaker ones, beyond sampling noise.
NEGATIVE_R = -0.05
FLAGS = ("everyone_right", "everyone_wrong", "dead_distractor", "negative_discrimination")


@dataclass(frozen=True)
class AnswerRecord:
    question_id: int
    worker_id: int
    correct: bool
    chosen: tuple[int, ...]


@dataclass
class ItemStats:
    question_id: int
    answers: int
    p: float  # share right (a question has stats once it has answers)
    r: float | None
    option_shares: list[float]
    flags: list[str] = field(default_factory=list)


def _point_biserial(pairs: list[tuple[int, float]]) -> float | None:
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
    return cov / math.sqrt(var_x * var_y)


def analyse(records: Iterable[AnswerRecord], options: dict[int, tuple[int, list[int]]]) -> list[ItemStats]:
    """Statistics per question. `options` maps question id -> (number of options, correct indexes)."""
    records = list(records)
    right: dict[int, int] = defaultdict(int)
    seen: dict[int, int] = defaultdict(int)
    for rec in records:
        right[rec.worker_id] += rec.correct
        seen[rec.worker_id] += 1
    by_question: dict[int, list[AnswerRecord]] = defaultdict(list)
    for rec in records:
        by_question[rec.question_id].append(rec)

    result = []
    for qid, answers in sorted(by_question.items()):
        count, correct_options = options.get(qid, (0, []))
        n = len(answers)
        p = sum(a.correct for a in answers) / n
        pairs = [(int(a.correct), (right[a.worker_id] - a.correct) / (seen[a.worker_id] - 1))
                 for a in answers if seen[a.worker_id] > 1]
        r = _point_biserial(pairs)
        picks = [0] * count
        for a in answers:
            for index in a.chosen:
                if 0 <= index < count:
                    picks[index] += 1
        shares = [c / n for c in picks]
        flags = []
        if n >= MIN_ANSWERS:
            if p >= EVERYONE_RIGHT:
                flags.append("everyone_right")
            if p <= EVERYONE_WRONG:
                flags.append("everyone_wrong")
            if any(shares[i] < DEAD_DISTRACTOR for i in range(count) if i not in correct_options) and count > 2:
                flags.append("dead_distractor")
            if r is not None and r < NEGATIVE_R:
                flags.append("negative_discrimination")
        result.append(ItemStats(question_id=qid, answers=n, p=p, r=r, option_shares=shares, flags=flags))
    return result
