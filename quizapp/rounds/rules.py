"""The live pre-shift round's rules: how the screen steps through the day's common questions, and
how a team's answers become shares per option without letting one worker's answer be read off.

Used by rounds.service. Pure: no Flask, no database.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum

from quizapp.rules.metrics import percent

# Shares appear only once this many of the team have answered the question: with fewer, a
# colleague who knows who has answered could read one worker's choice off the screen (docs/metrics.md,
# "The live pre-shift round"). Five is the smallest group the town's pages show figures for
# elsewhere too, and a pre-shift meeting is rarely smaller.
MIN_ANSWERS = 5


class Step(StrEnum):
    """What the staff member can do on the screen."""

    REVEAL = "reveal"  # show the right answer, the explanation and the rule
    NEXT = "next"
    PREVIOUS = "previous"
    END = "end"


@dataclass(frozen=True)
class Place:
    """Where the screen is: the question shown (1-based) and whether its answer is shown."""

    position: int
    revealed: bool


def move(place: Place, step: Step, total: int) -> Place:
    """The screen after a step. Next shows the following question with its answer hidden (the team
    answers first); previous goes back to one already discussed, answer shown; neither goes past
    the ends (the place stays). Reveal shows the answer. End does not move the screen."""
    if step == Step.REVEAL:
        return Place(place.position, True)
    if step == Step.NEXT and place.position < total:
        return Place(place.position + 1, False)
    if step == Step.PREVIOUS and place.position > 1:
        return Place(place.position - 1, True)
    return place


@dataclass(frozen=True)
class Shares:
    """How the team answered one question: `answered` of `expected` (the team's active workers),
    how many chose each option (in the question's own option order) and whether the shares may be
    shown (at least MIN_ANSWERS answered)."""

    answered: int
    expected: int
    counts: tuple[int, ...]

    @property
    def shown(self) -> bool:
        return self.answered >= MIN_ANSWERS

    def share(self, option: int) -> float | None:
        """The share of those who answered who chose the option (a multiple-choice answer counts
        for each option it chose, so the shares may add up to more than 100%); None while hidden."""
        if not self.shown:
            return None
        return self.counts[option] / self.answered

    def shares(self) -> list[float | None]:
        return [self.share(i) for i in range(len(self.counts))]

    def percents(self) -> list[str]:
        """Each option's share as the app writes shares (metrics.percent), "–" while hidden."""
        return [percent(s) for s in self.shares()]


def tally(option_count: int, chosen: Iterable[Sequence[int]], expected: int) -> Shares:
    """Count the answers (each a list of option indexes in the question's own order, as Answer.chosen
    stores them) per option. An index the question does not have (never stored, but a
    stored value is not trusted to fit) is not counted for any option; the answer still counts."""
    counts = [0] * option_count
    answered = 0
    for options in chosen:
        answered += 1
        for index in set(options):
            if 0 <= index < option_count:
                counts[index] += 1
    return Shares(answered, expected, tuple(counts))
