"""Every figure the console and the reports show, defined once (docs/metrics.md)."""

from __future__ import annotations

from dataclasses import dataclass


def share(part: int, whole: int) -> float | None:
    """part / whole, or None when there is nothing to divide by (shown as "–", never as 0%)."""
    return part / whole if whole else None


@dataclass(frozen=True)
class DayFigures:
    """What one company did on one date, as the rollup stores it."""

    workday: bool
    headcount: int
    completed: int
    score_sum: int
    question_sum: int
    common_correct: int
    common_answered: int


def participation(days: list[DayFigures]) -> float | None:
    """Finished official quizzes ÷ expected quizzes (active workers on each workday).

    Non-starters count as zero, so a big company cannot hide them. Quizzes on days off are not
    expected and do not count, so participation never passes 100%.
    """
    workdays = [d for d in days if d.workday]
    return share(sum(d.completed for d in workdays), sum(d.headcount for d in workdays))


def knowledge_index(days: list[DayFigures]) -> float | None:
    """Share right on the town's common daily set: every company answers the same questions."""
    return share(sum(d.common_correct for d in days), sum(d.common_answered for d in days))


def average_score(days: list[DayFigures]) -> float | None:
    """Share right over all questions of finished official quizzes."""
    return share(sum(d.score_sum for d in days), sum(d.question_sum for d in days))


def coverage(workers_with_a_quiz: int, active_workers: int) -> float | None:
    """Share of active workers with at least one finished official quiz in the period."""
    return share(workers_with_a_quiz, active_workers)


def percent(value: float | None) -> str:
    """A share as people read it in a message: a whole percentage ("45%"), or "–" when there was
    nothing to divide by."""
    return "–" if value is None else f"{value * 100:.0f}%"
