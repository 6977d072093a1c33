"""Which month partitions the answer table has and needs: names, bounds, and which months are
wholly before the retention cutoff.

Used by partitions.service (`quizapp partitions convert | ensure | list`) and retention.service.
Pure date arithmetic, no Flask or SQLAlchemy.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

TABLE = "answer"
KEY = "local_date"  # answer.local_date: the attempt's local date
DEFAULT = f"{TABLE}_default"  # catches a row no month partition takes (a month `ensure` never made)
MAX_AHEAD = 24


def month_start(day: date) -> date:
    return day.replace(day=1)


def add_months(month: date, months: int) -> date:
    """The first day of the month `months` after `month`'s (negative goes back)."""
    year, index = divmod(month.year * 12 + month.month - 1 + months, 12)
    return date(year, index + 1, 1)


@dataclass(frozen=True, order=True)
class Month:
    """One month partition: local dates from `start` (a first of month) to `end` (excluded)."""

    start: date

    @property
    def end(self) -> date:
        return add_months(self.start, 1)

    @property
    def name(self) -> str:
        return f"{TABLE}_y{self.start.year}m{self.start.month:02d}"


def legacy_name(bound: date) -> str:
    """The partition that holds everything before `bound`: the table as it was when converted."""
    return f"{TABLE}_before_y{bound.year}m{bound.month:02d}"


def first_monthly(today: date, newest: date | None) -> date:
    """Where the month partitions begin when a table is converted: the month after both today and
    the newest answer, so the old table becomes one partition as it is (nothing is copied) and
    every month partition starts empty."""
    latest = max(today, newest) if newest else today
    return add_months(month_start(latest), 1)


def _check(ahead: int) -> None:
    if not 0 <= ahead <= MAX_AHEAD:
        raise ValueError(f"--ahead must be 0 to {MAX_AHEAD} months, not {ahead}")


def _months(first: date, last: date) -> list[Month]:
    """Every month from `first`'s to `last`'s (both first days), in order."""
    months = []
    while first <= last:
        months.append(Month(first))
        first = add_months(first, 1)
    return months


def months_needed(today: date, ahead: int, first: date) -> list[Month]:
    """The month partitions from this month (or `first`, if later) to `ahead` months after it."""
    _check(ahead)
    return _months(max(month_start(today), first), add_months(month_start(today), ahead))


def months_to_ensure(today: date, ahead: int, covered_until: date | None) -> list[Month]:
    """What `ensure` makes: the months from where the partitions end (`covered_until`, the
    excluded end of the latest), or this month if they reach past it, to `ahead` months on. A gap
    of months `ensure` did not run for is filled too (their answers wait in the DEFAULT partition)."""
    _check(ahead)
    first = min(covered_until, month_start(today)) if covered_until else month_start(today)
    return _months(first, add_months(month_start(today), ahead))


def wholly_before(upper_bounds: dict[str, date], cutoff: date) -> list[str]:
    """The partitions (by name, with their upper bound, excluded) that hold only dates before the
    retention cutoff: retention drops them whole instead of deleting their rows."""
    return sorted(name for name, end in upper_bounds.items() if end <= cutoff)
