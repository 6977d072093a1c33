"""Which questions a worker gets today: the rules of docs/selection.md.

Used by quiz.service when an attempt starts. Pure: plain dataclasses in, question ids out, and the
same inputs always give the same quiz, so a quiz can be explained after the fact.

A quiz of n questions =
  1. the town's common daily set (common_count(n) questions, the same for every worker on a date,
     so companies are compared on the same items), then
  2. personal questions: missed questions that are due for review (Leitner boxes, widening
     intervals), then unseen questions from the worker's weakest topic, then from the next
     weakest topics, then the least recently seen.
No quiz holds a question twice or two questions of one family. An official quiz may end with one
"did you do it" item (behaviour_check), which is never scored.
"""

from __future__ import annotations

import hashlib
import random
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from quizapp.rules.vocab import QuestionType

# Days until a question in box b comes back. Box 1 = just missed; box 5 = known.
INTERVALS = {1: 1, 2: 3, 3: 7, 4: 14, 5: 30}
KNOWN_BOX = 5
MIN_QUESTIONS, MAX_QUESTIONS = 3, 8


@dataclass(frozen=True)
class Item:
    """A question as selection sees it."""

    id: int
    topic: str
    family: str | None = None
    common: bool = False
    behaviour: bool = False  # a "did you do it" item: chosen by behaviour_check, never scored


@dataclass(frozen=True)
class Review:
    """One worker's history with one question."""

    question_id: int
    box: int
    due: date
    seen: int
    wrong: int
    last_seen: date


def common_count(n: int) -> int:
    """How many of a quiz's n questions come from the common daily set."""
    return 2 if n <= 4 else 3


def _rank(seed: str, value: object) -> str:
    return hashlib.sha256(f"{seed}:{value}".encode()).hexdigest()


def common_set(pool: Sequence[Item], day: date, seed: str, size: int = 3) -> list[int]:
    """The town's common questions for `day`: same inputs, same list, for every worker.

    Slots rotate through the topics (k-th slot overall goes to topic k mod T), and within a topic
    questions come in a fixed shuffled order, so a question returns only after every other common
    question of its topic has been used.
    """
    by_topic: dict[str, list[Item]] = defaultdict(list)
    for item in pool:
        if item.common:
            by_topic[item.topic].append(item)
    topics = sorted(by_topic)
    if not topics:
        return []
    for topic in topics:
        by_topic[topic].sort(key=lambda i: _rank(seed, i.id))
    total = sum(len(v) for v in by_topic.values())
    chosen: list[Item] = []
    k = day.toordinal() * size
    # Bounded: a pool whose common items share one family cannot fill the set.
    limit = k + 50 * total
    while len(chosen) < min(size, total) and k < limit:
        topic = topics[k % len(topics)]
        items = by_topic[topic]
        item = items[(k // len(topics)) % len(items)]
        k += 1
        if any(item.id == c.id or (item.family and item.family == c.family) for c in chosen):
            continue
        chosen.append(item)
    return [c.id for c in chosen]


def topic_strength(pool: Sequence[Item], reviews: Iterable[Review]) -> list[str]:
    """Topics from weakest to strongest for this worker: lowest share correct, then least practised."""
    topic_of = {i.id: i.topic for i in pool}
    seen: dict[str, int] = defaultdict(int)
    wrong: dict[str, int] = defaultdict(int)
    for r in reviews:
        topic = topic_of.get(r.question_id)
        if topic:
            seen[topic] += r.seen
            wrong[topic] += r.wrong
    topics = sorted({i.topic for i in pool})

    def key(topic: str):
        accuracy = 1 - wrong[topic] / seen[topic] if seen[topic] else 1.0
        return (accuracy, seen[topic], topic)

    return sorted(topics, key=key)


def personal_items(
    pool: Sequence[Item],
    reviews: Sequence[Review],
    today: date,
    count: int,
    taken: Sequence[Item],
    seed: str,
) -> list[int]:
    """Fill `count` personal slots after the items already `taken` (the common set)."""
    by_id = {i.id: i for i in pool}
    reviewed = {r.question_id: r for r in reviews if r.question_id in by_id}
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

    # 1. Missed questions that are due, most overdue first, lowest box first.
    due = sorted((r for r in reviewed.values() if r.box < KNOWN_BOX and r.due <= today),
                 key=lambda r: (r.due, r.box, r.question_id))
    for r in due:
        take(by_id[r.question_id])

    # 2. Unseen questions, weakest topic first; shuffled within a topic per worker and day.
    rng = random.Random(seed)
    unseen: dict[str, list[Item]] = defaultdict(list)
    for item in pool:
        if item.id not in reviewed:
            unseen[item.topic].append(item)
    for topic in topic_strength(pool, reviewed.values()):
        items = sorted(unseen[topic], key=lambda i: i.id)
        rng.shuffle(items)
        for item in items:
            take(item)

    # 3. Everything has been seen: the least recently seen come back.
    for r in sorted(reviewed.values(), key=lambda r: (r.last_seen, r.question_id)):
        take(by_id[r.question_id])
    return picked


def choose_quiz(
    pool: Sequence[Item],
    reviews: Sequence[Review],
    today: date,
    n: int,
    town_seed: str,
    worker_seed: str,
) -> list[tuple[int, bool]]:
    """Today's quiz for one worker: (question id, is_common) pairs, common set first."""
    n = max(MIN_QUESTIONS, min(MAX_QUESTIONS, n))
    pool = [i for i in pool if not i.behaviour]
    by_id = {i.id: i for i in pool}
    common = common_set(pool, today, town_seed, size=3)[: common_count(n)]
    taken = [by_id[i] for i in common]
    personal = personal_items(pool, reviews, today, n - len(common), taken, f"{worker_seed}:{today}")
    return [(i, True) for i in common] + [(i, False) for i in personal]


def practice_quiz(pool: Sequence[Item], reviews: Sequence[Review], today: date, n: int, seed: str) -> list[int]:
    """A practice round: personal selection only (reviews, then weakest topics), never counted."""
    return personal_items([i for i in pool if not i.behaviour], reviews, today, n, [], seed)


# A "did you do it" item comes back two weeks after "not yet", a quarter after "done".
ASK_AGAIN_NOT_YET, ASK_AGAIN_DONE = 14, 90


def behaviour_check(pool: Sequence[Item], reviews: Sequence[Review], today: date) -> int | None:
    """The one "did you do it" item for today's official quiz, if any is due: never asked first,
    then the one asked longest ago. An answer that is not the recommended one counts as a miss
    in the review state (box 1)."""
    asked = {r.question_id: r for r in reviews}
    due = []
    for item in pool:
        if not item.behaviour:
            continue
        review = asked.get(item.id)
        if review is None:
            due.append((date.min, item.id))
            continue
        wait = ASK_AGAIN_NOT_YET if review.box == 1 else ASK_AGAIN_DONE
        if review.last_seen <= today - timedelta(days=wait):
            due.append((review.last_seen, item.id))
    return min(due)[1] if due else None


def next_review(previous: Review | None, correct: bool, today: date) -> tuple[int, date]:
    """The Leitner step after an answer: (box, due date).

    A miss goes to box 1 (back tomorrow); a right answer to a missed question moves one box up,
    so the gaps widen 1, 3, 7, 14, 30 days; a question right the first time is known (box 5).
    """
    if not correct:
        box = 1
    elif previous is None or previous.box == 0:
        box = KNOWN_BOX
    else:
        box = min(previous.box + 1, KNOWN_BOX)
    return box, today + timedelta(days=INTERVALS[box])


def review_states(history: Iterable[tuple[int, bool, date]]) -> list[Review]:
    """Each question's review state, replayed from the worker's answers in the order given
    ((question id, right?, local date), oldest first). The state is derived, never stored, so it
    can never disagree with the record."""
    states: dict[int, Review] = {}
    for question_id, correct, day in history:
        previous = states.get(question_id)
        box, due = next_review(previous, correct, day)
        states[question_id] = Review(
            question_id=question_id, box=box, due=due,
            seen=(previous.seen if previous else 0) + 1,
            wrong=(previous.wrong if previous else 0) + int(not correct), last_seen=day)
    return list(states.values())


def choice_order(option_count: int, qtype: QuestionType | str, seed: str) -> list[int]:
    """The order one worker sees the options in. True/false keeps 对 before 错."""
    order = list(range(option_count))
    if qtype != QuestionType.TRUEFALSE:
        random.Random(seed).shuffle(order)
    return order
