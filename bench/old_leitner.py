"""The personal-question policy quizapp used before FSRS (Leitner boxes), kept for comparison in
bench/learning.py only: never imported by the app. Copied from quizapp/quiz/rules/selection.py as it
stood at commit a75fc32 (docs/selection.md of that commit describes it), minus the common set,
behaviour items and option order, which bench/learning.py takes from the real code.

Rules: a miss goes to box 1 (back the next day); a right answer to a missed question moves one box
up (gaps 1, 3, 7, 14, 30 days); a question right the first time it is seen is "known" (box 5) and
comes back only when the worker has seen everything. Personal slots: due questions of boxes 1-4,
most overdue first; then unseen questions from the weakest topic; then the least recently seen.
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

INTERVALS = {1: 1, 2: 3, 3: 7, 4: 14, 5: 30}
KNOWN_BOX = 5


@dataclass(frozen=True)
class Item:
    id: int
    topic: str
    family: str | None = None


@dataclass(frozen=True)
class Review:
    question_id: int
    box: int
    due: date
    seen: int
    wrong: int
    last_seen: date


def topic_strength(pool: Sequence[Item], reviews: Iterable[Review]) -> list[str]:
    topic_of = {i.id: i.topic for i in pool}
    seen: dict[str, int] = defaultdict(int)
    wrong: dict[str, int] = defaultdict(int)
    for r in reviews:
        topic = topic_of.get(r.question_id)
        if topic:
            seen[topic] += r.seen
            wrong[topic] += r.wrong
    return _by_strength(sorted({i.topic for i in pool}), seen, wrong)


def _by_strength(topics: Iterable[str], seen: dict[str, int], wrong: dict[str, int]) -> list[str]:
    def key(topic: str) -> tuple[float, int, str]:
        accuracy = 1 - wrong[topic] / seen[topic] if seen[topic] else 1.0
        return (accuracy, seen[topic], topic)

    return sorted(topics, key=key)


@dataclass
class Index:
    """The pool as personal_items reads it, built once (added for speed: the old code rebuilt it
    every quiz)."""

    by_id: dict[int, Item]
    by_topic: dict[str, list[Item]]  # each topic's items by id


def index(pool: Sequence[Item]) -> Index:
    by_topic: dict[str, list[Item]] = defaultdict(list)
    for item in sorted(pool, key=lambda i: i.id):
        by_topic[item.topic].append(item)
    return Index({i.id: i for i in pool}, dict(sorted(by_topic.items())))


@dataclass
class State:
    """One worker's reviews by question (and apart, those in boxes 1-4), and their answers and misses
    by topic, kept as they come (added for speed: the old code re-read them from every review every
    quiz)."""

    reviews: dict[int, Review] = field(default_factory=dict)
    boxed: dict[int, Review] = field(default_factory=dict)  # the reviews in boxes 1-4 (the ones ever due)
    seen: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    wrong: dict[str, int] = field(default_factory=lambda: defaultdict(int))

    def record(self, item: Item, correct: bool, today: date) -> None:
        review = self.reviews[item.id] = next_review(item.id, self.reviews.get(item.id), correct, today)
        if review.box < KNOWN_BOX:
            self.boxed[item.id] = review
        else:
            self.boxed.pop(item.id, None)
        self.seen[item.topic] += 1
        self.wrong[item.topic] += int(not correct)


def personal_items(pool: Index, state: State, today: date, count: int, taken: Sequence[Item],
                   seed: str) -> list[int]:
    by_id = pool.by_id
    reviewed = state.reviews
    chosen: list[Item] = list(taken)
    picked: list[int] = []

    def take(item: Item) -> bool:
        if len(picked) >= count:
            return False
        if any(item.id == c.id or (item.family and item.family == c.family) for c in chosen):
            return False
        chosen.append(item)
        picked.append(item.id)
        return True

    # (added for speed, same result: each loop stops once the slots are full, where take() would
    # refuse everything that follows; the random order is drawn only when new items are looked for.)
    due = sorted((r.due, r.box, r.question_id) for r in state.boxed.values() if r.due <= today)
    for *_, qid in due:
        if len(picked) >= count:
            break
        take(by_id[qid])

    if len(picked) < count and len(reviewed) < len(by_id):
        rng = random.Random(seed)
        for topic in _by_strength(pool.by_topic, state.seen, state.wrong):
            if len(picked) >= count:
                break  # (added for speed: later shuffles cannot change what was picked)
            items = [i for i in pool.by_topic[topic] if i.id not in reviewed]
            rng.shuffle(items)
            for item in items:
                if len(picked) >= count:
                    break
                take(item)

    if len(picked) < count:  # (added for speed, same result)
        for _, qid in sorted((r.last_seen, r.question_id) for r in reviewed.values()):
            if len(picked) >= count:
                break
            take(by_id[qid])
    return picked


def next_review(question_id: int, previous: Review | None, correct: bool, today: date) -> Review:
    """The Leitner step after an answer (review_states of the old code, one answer at a time)."""
    if not correct:
        box = 1
    elif previous is None or previous.box == 0:
        box = KNOWN_BOX
    else:
        box = min(previous.box + 1, KNOWN_BOX)
    return Review(question_id=question_id, box=box,
                  due=today + timedelta(days=INTERVALS[box]), seen=(previous.seen if previous else 0) + 1,
                  wrong=(previous.wrong if previous else 0) + int(not correct), last_seen=today)
