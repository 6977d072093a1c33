"""Whether workers learn, as pure rules (docs/metrics.md, "Learning"): shares with their 95 %
intervals, the forgetting curve's buckets, the before/after probe's estimate and the check for
answer sharing. Used by quizapp/learning/service.py (the officers' page and the API's figure).

No Flask, no database: counts in, figures out.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from math import sqrt
from statistics import mean, variance

Z95 = 1.959963984540054  # the normal quantile of a two-sided 95 % interval

# The forgetting curve's buckets: days since the worker last answered the question (inclusive).
BUCKETS: tuple[tuple[int, int | None], ...] = ((1, 1), (2, 3), (4, 7), (8, 14), (15, 30), (31, 90), (91, 180),
                                               (181, None))


@dataclass(frozen=True)
class Share:
    """`right` of `answered`, with its 95 % Wilson score interval (None when nothing was answered)."""

    right: int
    answered: int

    @property
    def value(self) -> float | None:
        return self.right / self.answered if self.answered else None

    @property
    def interval(self) -> tuple[float, float] | None:
        return wilson(self.right, self.answered)

    def __add__(self, other: Share) -> Share:
        return Share(self.right + other.right, self.answered + other.answered)


def wilson(right: int, answered: int, z: float = Z95) -> tuple[float, float] | None:
    """The Wilson score interval of a share: it stays inside 0..1 and is honest for small counts
    and shares near 0 or 1, where the plain p ± z·se is not. None for no answers."""
    if not answered:
        return None
    p = right / answered
    centre = (p + z * z / (2 * answered)) / (1 + z * z / answered)
    half = z * sqrt(p * (1 - p) / answered + z * z / (4 * answered * answered)) / (1 + z * z / answered)
    # At 0 or at 1 the interval's end is that share exactly (the formula leaves a rounding crumb).
    low = 0.0 if right == 0 else max(0.0, min(p, centre - half))
    high = 1.0 if right == answered else min(1.0, max(p, centre + half))
    return low, high


def bucket_of(days: int) -> int | None:
    """The index of the forgetting curve's bucket for `days` since last seen (None: same day or less)."""
    for number, (low, high) in enumerate(BUCKETS):
        if days >= low and (high is None or days <= high):
            return number
    return None


@dataclass(frozen=True)
class Point:
    """One bucket of the forgetting curve."""

    low: int
    high: int | None
    share: Share


def forgetting_curve(counts: Iterable[tuple[int, int, int]]) -> list[Point]:
    """Accuracy on questions the worker answered before, by days since they last answered them:
    `counts` are (days since last seen, answers, right answers). Every bucket is listed, an empty
    one with no share (shown as "–")."""
    totals = [Share(0, 0) for _ in BUCKETS]
    for days, answered, right in counts:
        number = bucket_of(days)
        if number is not None:
            totals[number] = totals[number] + Share(right, answered)
    return [Point(low, high, share) for (low, high), share in zip(BUCKETS, totals, strict=True)]


@dataclass(frozen=True)
class Estimate:
    """A difference with its 95 % interval, and how many units (workers, answers) it rests on."""

    value: float
    low: float
    high: float
    units: int

    @property
    def excludes_zero(self) -> bool:
        return self.low > 0 or self.high < 0


# --- the before/after probe -----------------------------------------------------------------------

@dataclass(frozen=True)
class ProbePair:
    """One worker who answered both halves of the probe: the half they met first (0 or 1, the
    counterbalancing group), their lag in days, and their share right before and after."""

    first_half: int
    lag: int
    before: Share
    after: Share


def learning_estimate(pairs: Iterable[ProbePair]) -> Estimate | None:
    """The within-worker change on the probe (after minus before, share right), the learning estimate.

    Each worker's change is after − before; the estimate is the mean change of the two
    counterbalancing groups, weighted equally, so a half of the probe that is easier than the other
    cancels out whichever group is larger; its variance is (s₀²/n₀ + s₁²/n₁) / 4, and the interval is
    ± 1.96 of its root. None until each group has at least 2 workers."""
    groups: dict[int, list[float]] = {0: [], 1: []}
    for pair in pairs:
        if pair.before.value is not None and pair.after.value is not None:
            groups[pair.first_half].append(pair.after.value - pair.before.value)
    if min(len(g) for g in groups.values()) < 2:
        return None
    value = (mean(groups[0]) + mean(groups[1])) / 2
    se = sqrt(sum(variance(g) / len(g) for g in groups.values()) / 4)
    return Estimate(value, value - Z95 * se, value + Z95 * se, sum(len(g) for g in groups.values()))


# --- answer sharing ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class SharingCounts:
    """A company's answers over the days checked, split by when the worker finished within their
    company's day (the earlier or the later half of that day's finishers) and by slot (the common
    set, which every colleague answers that day, or a personal question, which they do not)."""

    early_common: Share
    late_common: Share
    early_personal: Share
    late_personal: Share


def _adjusted(share: Share) -> tuple[float, float]:
    """Agresti–Caffo: one right and one wrong answer added, so a share of 0 or 1 has a variance."""
    p = (share.right + 1) / (share.answered + 2)
    return p, p * (1 - p) / (share.answered + 2)


def sharing_gap(counts: SharingCounts) -> Estimate | None:
    """How much more the day's late finishers beat its early finishers on the common set than on
    personal questions, in share points: (late − early on common) − (late − early on personal).

    Answers passed on by colleagues who finished first can only help on the common set; a late
    finisher who is simply stronger or more careful is so on personal questions too, and that part
    cancels. The interval is the normal one on Agresti–Caffo adjusted shares. None when any of the
    four cells is empty."""
    cells = (counts.late_common, counts.early_common, counts.late_personal, counts.early_personal)
    if any(cell.answered == 0 for cell in cells):
        return None
    (lc, vlc), (ec, vec), (lp, vlp), (ep, vep) = (_adjusted(cell) for cell in cells)
    value = (lc - ec) - (lp - ep)
    half = Z95 * sqrt(vlc + vec + vlp + vep)
    return Estimate(value, value - half, value + half, sum(cell.answered for cell in cells))


def finisher_half(rank: int, finishers: int) -> str | None:
    """"early" or "late" for the `rank`-th (1-based) of a company-day's `finishers`, by finishing
    time; the middle one of an odd number, and a day with a single finisher, is in neither."""
    if finishers < 2 or 2 * rank == finishers + 1:
        return None
    return "early" if 2 * rank < finishers + 1 else "late"
