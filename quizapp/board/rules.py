"""Today's board as pure rules: who counts as done, in progress or not started, the tallies by
shift and by team, which shift the pre-shift screen shows, and the chase text for a team's group.

Used by board.service (the console's board, chase lists and pre-shift screen) and
reminders.service (the not-done counts a reminder carries). Figures follow docs/metrics.md: the
share done is done ÷ active workers, non-starters count as zero, practice never counts.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any

from quizapp.rules.metrics import quiz_done, share
from quizapp.rules.ordering import shift_key, team_key

DONE, IN_PROGRESS, NOT_STARTED = "done", "in_progress", "not_started"

# The pre-shift meeting often runs a few minutes into the shift: until then the screen keeps
# showing the shift that has just started rather than jumping to the next one.
PRESHIFT_GRACE = timedelta(minutes=10)


def status(started: bool, finished: bool, past_deadline: bool, answered: int) -> str:
    """A worker's state for today's official quiz.

    Done is metrics.quiz_done (docs/metrics.md): a quiz whose time ran out counts as done with
    the answers given in time, even before the worker comes back and the attempt is closed, but
    one left with no answer is still in progress (the worker may take it again today); practice
    rounds never reach this rule.
    """
    if not started:
        return NOT_STARTED
    if quiz_done(finished, past_deadline, answered):
        return DONE
    return IN_PROGRESS


@dataclass(frozen=True)
class Tally:
    """Active workers expected today, and how many of them are done or in progress."""

    expected: int = 0
    done: int = 0
    in_progress: int = 0

    @property
    def not_started(self) -> int:
        return self.expected - self.done - self.in_progress

    @property
    def not_done(self) -> int:
        return self.expected - self.done

    @property
    def share(self) -> float | None:
        """Done ÷ active workers; None (shown as "–") when nobody is expected."""
        return share(self.done, self.expected)

    def __add__(self, other: Tally) -> Tally:
        return Tally(self.expected + other.expected, self.done + other.done, self.in_progress + other.in_progress)



@dataclass(frozen=True)
class Cell:
    """The active workers of one shift and one team (one row of a GROUP BY)."""

    shift: str
    team: str
    tally: Tally


@dataclass(frozen=True)
class Board:
    total: Tally
    by_shift: list[tuple[str, Tally]]
    by_team: list[tuple[str, Tally]]
    by_shift_and_team: dict[tuple[str, str], Tally]


def _ordered(names: Iterable[str], first: list[str], key: Callable[[str], Any] = team_key) -> list[str]:
    """`first` in its order, then the other names in their natural order (`key`: rules.ordering),
    the unnamed ("") last."""
    names = set(names)
    rest = sorted(names - set(first) - {""}, key=key)
    return list(first) + rest + ([""] if "" in names and "" not in first else [])


def tally(cells: Iterable[Cell], shift_order: list[str]) -> Board:
    """The board from the per (shift, team) tallies.

    Configured shifts are listed in start-time order even when nobody is on them (an empty shift
    is worth noticing); shift names on the roster that are not configured follow.
    """
    table = {(c.shift, c.team): c.tally for c in cells}
    shifts = _ordered((s for s, _ in table), shift_order, shift_key)
    teams = _ordered((t for _, t in table), [])
    by_shift = [(s, sum((v for (cs, _), v in table.items() if cs == s), Tally())) for s in shifts]
    by_team = [(t, sum((v for (_, ct), v in table.items() if ct == t), Tally())) for t in teams]
    return Board(total=sum(table.values(), Tally()), by_shift=by_shift, by_team=by_team, by_shift_and_team=table)


def focus(board: Board, shift: str | None, team: str | None) -> Tally:
    """The tally of one shift, one team, or both (None: any)."""
    return sum((v for (s, t), v in board.by_shift_and_team.items()
                if (shift is None or s == shift) and (team is None or t == team)), Tally())


def next_shift(shifts: list[tuple[str, time]], now: datetime) -> str | None:
    """The shift the pre-shift screen shows by default: the next one to start (local time), or the
    one that started less than PRESHIFT_GRACE ago; after the day's last shift, the first one."""
    if not shifts:
        return None
    ordered = sorted(shifts, key=lambda s: s[1])
    for name, starts_at in ordered:
        if datetime.combine(now.date(), starts_at) + PRESHIFT_GRACE > now:
            return name
    return ordered[0][0]


@dataclass(frozen=True)
class Person:
    """Someone still to do today's quiz, as the chase list shows them."""

    name: str
    employee_no: str
    team: str
    shift: str
    state: str


def by_team(people: Iterable[Person], shift_order: Sequence[str] = ()) -> list[tuple[str, list[Person]]]:
    """People grouped by team (named teams in their natural order, the unnamed last); within a team by
    shift, in start-time order (`shift_order`), then by employee number."""
    groups: dict[str, list[Person]] = {}
    for person in people:
        groups.setdefault(person.team, []).append(person)
    rank = {name: i for i, name in enumerate(shift_order)}
    def place(p: Person) -> tuple:
        return rank.get(p.shift, len(rank)), shift_key(p.shift), p.employee_no
    return [(team, sorted(groups[team], key=place)) for team in _ordered(groups, [])]


def chase_text(heading: str, names: list[str], call: str, separator: str = "、") -> str:
    """The text pasted into a team's WeChat group: a heading (team, date, how many not done), the
    names on one line, then one line asking them to do today's quiz (with the company link).

    Nobody left: the heading alone, so the group sees the team is done.
    """
    if not names:
        return heading
    return "\n".join([heading, separator.join(names), call])
