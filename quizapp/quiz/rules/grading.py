"""Grading, as pure rules (the worker's streak is a shared figure: rules.metrics.streak)."""

from __future__ import annotations

from collections.abc import Iterable


def is_correct(answer: Iterable[int], chosen: Iterable[int]) -> bool:
    """Right only when the chosen options are exactly the correct ones (no partial credit)."""
    return set(answer) == set(chosen)


def weakest_topic(results: Iterable[tuple[str, bool]]) -> str | None:
    """The topic with the lowest share right among (topic, correct) results; ties by name."""
    totals: dict[str, list[int]] = {}
    for topic, correct in results:
        right, seen = totals.setdefault(topic, [0, 0])
        totals[topic] = [right + int(correct), seen + 1]
    if not totals:
        return None
    return min(totals, key=lambda t: (totals[t][0] / totals[t][1], t))
