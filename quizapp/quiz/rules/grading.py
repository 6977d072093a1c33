"""Grading and the worker's progress figures (streaks), as pure rules."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta


def is_correct(answer: Iterable[int], chosen: Iterable[int]) -> bool:
    """Right only when the chosen options are exactly the correct ones (no partial credit)."""
    return set(answer) == set(chosen)


def is_workday(day: date, workdays: str) -> bool:
    return str(day.isoweekday()) in workdays


def streak(done: Iterable[date], today: date, workdays: str) -> int:
    """Workdays in a row with a finished official quiz, counting back from today.

    Days off neither break nor extend a streak. Today not done yet does not break it either: the
    shift may not have started.
    """
    done = set(done)
    if not workdays:
        return 0
    day, count = today, 0
    if day not in done:
        day -= timedelta(days=1)
    for _ in range(3660):
        if not is_workday(day, workdays):
            day -= timedelta(days=1)
            continue
        if day not in done:
            break
        count += 1
        day -= timedelta(days=1)
    return count


def weakest_topic(results: Iterable[tuple[str, bool]]) -> str | None:
    """The topic with the lowest share right among (topic, correct) results; ties by name."""
    totals: dict[str, list[int]] = {}
    for topic, correct in results:
        right, seen = totals.setdefault(topic, [0, 0])
        totals[topic] = [right + int(correct), seen + 1]
    if not totals:
        return None
    return min(totals, key=lambda t: (totals[t][0] / totals[t][1], t))
