"""Which questions a worker gets today: the rules of docs/selection.md.

Used by quiz.service when an attempt starts, and by bench/learning.py. Pure: plain dataclasses in,
question ids out, and the same inputs always give the same quiz, so a quiz can be explained after
the fact.

A quiz of n questions =
  1. the town's common daily set (COMMON_SIZE questions whatever n, the same for every worker on a
     date, so companies are compared on the same items), then
  2. personal questions chosen from the worker's memory of each *point* (an item family; an item
     without a family is its own point), modelled with FSRS (the `fsrs` package): points due for a
     check, lowest predicted recall first, at most MAX_REVIEWS_PER_DAY a day and always leaving a
     slot for an unseen question while there is one; a review shows another variant of the point
     where one exists; then points never met, weakest topic first; then, once everything has been
     met, the points most likely forgotten.
A point retires (is no longer scheduled for review) only on evidence: FSRS stability of at least
RETIRE_STABILITY days, or two right answers in a row at least RETIRE_GAP days apart. A single right
answer is never proof (a true/false item is right half the time by chance): it schedules a check.
No quiz holds a question twice or two questions of one family. An official quiz may end with one
"did you do it" item (behaviour_check), which is never scored. Probe items (the before/after
measure of learning, docs/selection.md) are never taught: neither the common set nor personal
selection picks them; `probe_item` gives a worker's next one, which takes the last personal slot.

The worker's state is not stored: `replay` rebuilds it from the answers in the record, so it can
never disagree with them.
"""

from __future__ import annotations

import hashlib
import heapq
import math
import random
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from fsrs import Card, Rating, Scheduler, State
from fsrs.scheduler import MAX_DIFFICULTY, MIN_DIFFICULTY, STABILITY_MIN

from quizapp.rules.vocab import QuestionType

MIN_QUESTIONS, MAX_QUESTIONS = 3, 8
# The common daily set: the same size for every quiz length (3 to 8), so every company of the town
# answers the same common questions and at least one slot is always personal.
COMMON_SIZE = 2
# Personal review slots a worker gets per day (official and practice together) while points they
# have never met remain: new material keeps coming.
MAX_REVIEWS_PER_DAY = 3
# Evidence that retires a point: FSRS stability (days until predicted recall falls to 90 %) ...
RETIRE_STABILITY = 60.0
# ... or two right answers in a row, the second at least this many days after the first.
RETIRE_GAP = 7
# The predicted recall at which FSRS schedules a check. Lower than FSRS's usual 90 %: that value
# assumes a learner who reviews everything due, while a worker has about three personal slots a day
# and hundreds of points to meet; at 80 % a right first answer is checked after 8 days instead of 2,
# which leaves room for new material and lets each check grow memory more (the spacing effect).
# In bench/learning.py's simulated cohort it gave more true recall at every forgetting rate and
# checkpoint than 90 % (bench/README.md).
DESIRED_RETENTION = 0.8

# FSRS with its published default parameters, on whole days: a quiz has no same-session learning
# steps, and no random fuzz (the same record must give the same schedule).
SCHEDULER = Scheduler(desired_retention=DESIRED_RETENTION, learning_steps=(), relearning_steps=(),
                      maximum_interval=365, enable_fuzzing=False)
# FSRS's forgetting curve, R = (1 + FACTOR * days / stability) ** DECAY (as Scheduler computes it).
DECAY = -SCHEDULER.parameters[20]
FACTOR = 0.9 ** (1 / DECAY) - 1


@dataclass(frozen=True)
class Item:
    """A question as selection sees it."""

    id: int
    topic: str
    family: str | None = None
    common: bool = False
    behaviour: bool = False  # a "did you do it" item: chosen by behaviour_check, never scored
    probe: bool = False  # a probe item: asked only by probe_item, never taught
    # The point the item tests: its family, or the item itself when it has none (set from the above).
    point: str = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "point", self.family or f"#{self.id}")


@dataclass(frozen=True)
class Answer:
    """One answer from the record, as replay reads it."""

    question_id: int
    correct: bool
    day: date  # the worker's local date
    common: bool = False  # answered in a common slot (imposed, so never counted as a review)


@dataclass(slots=True)
class Seen:
    """One worker's history with one question."""

    question_id: int
    seen: int = 0
    wrong: int = 0
    last_seen: date = date.min
    last_correct: bool = False


@dataclass(slots=True)
class Memory:
    """One worker's memory of one point, as FSRS models it from their answers to its variants: the
    FSRS card's stability and difficulty after the last answer, kept as plain numbers (`card` gives
    the fsrs Card), and FSRS's next check."""

    point: str
    stability: float  # days until predicted recall falls to 90 %
    difficulty: float
    first_seen: date
    last_seen: date
    due: date  # FSRS's next check
    answers: int = 0
    wrong: int = 0
    streak: int = 0  # right answers in a row
    retired: bool = False
    # For ranking many points fast (personal_items): last_seen and due as day numbers.
    last_day: int = 0
    due_day: int = 0

    @property
    def card(self) -> Card:
        """The point's FSRS card (what SCHEDULER.review_card gives after the same answers)."""
        return Card(card_id=1, state=State.Review, step=None, stability=self.stability, difficulty=self.difficulty,
                    due=_at(self.due), last_review=_at(self.last_seen))

    def recall(self, day: date) -> float:
        """FSRS's predicted probability that the worker recalls the point on `day`."""
        return (1 + FACTOR * max(0, (day - self.last_seen).days) / self.stability) ** DECAY

    def risk(self, day: date) -> float:
        """Days since the last answer per day of stability: the higher, the lower `recall(day)`
        (the same order, without the power)."""
        return max(0, (day - self.last_seen).days) / self.stability


def _at(day: date) -> datetime:
    return datetime.combine(day, time(), tzinfo=UTC)


# FSRS's transitions for our scheduler, computed as SCHEDULER.review_card computes them (the same
# formulas in the same order, so the same floats to the last bit; a property test compares the two)
# but without copying cards or building review logs: replaying a worker and simulating a cohort
# (bench/learning.py) review cards hundreds of thousands of times. With no learning or relearning
# steps and no fuzz, a card is New before its first answer and in the Review state after it, and the
# card after an answer depends only on its stability and difficulty, the whole days since its last
# review and the rating. Any other card (from another scheduler) goes through review_card itself.
_P = SCHEDULER.parameters
_FIRST = {  # the card after a first answer: (stability, difficulty), rated Again / Good
    correct: (max(_P[rating - 1], STABILITY_MIN),
              min(max(_P[4] - (math.e ** (_P[5] * (rating - 1))) + 1, MIN_DIFFICULTY), MAX_DIFFICULTY))
    for correct, rating in ((False, Rating.Again), (True, Rating.Good))}
_EASY_DIFFICULTY = _P[4] - (math.e ** (_P[5] * (Rating.Easy - 1))) + 1
_RECALL_FACTOR = math.e ** (_P[8])
_FORGET_SHORT = math.e ** (_P[17] * _P[18])
_SHORT_TERM = {correct: math.e ** (_P[17] * (rating - 3 + _P[18]))
               for correct, rating in ((False, Rating.Again), (True, Rating.Good))}
_INTERVAL_FACTOR = (SCHEDULER.desired_retention ** (1 / SCHEDULER._DECAY)) - 1
_MAX_INTERVAL = SCHEDULER.maximum_interval


def _interval(stability: float) -> int:
    """Whole days to the next check (Scheduler._next_interval)."""
    return min(max(round((stability / FACTOR) * _INTERVAL_FACTOR), 1), _MAX_INTERVAL)


def first(correct: bool) -> tuple[float, float]:
    """(stability, difficulty) of a new card after its first answer."""
    return _FIRST[correct]


def interval(stability: float) -> int:
    """Whole days from an answer to FSRS's next check, given the card's stability after it."""
    return _interval(stability)


def transition(stability: float, difficulty: float, days: int, correct: bool) -> tuple[float, float]:
    """(stability, difficulty) of a card in the Review state after an answer `days` after its last:
    what SCHEDULER.review_card gives, on plain numbers."""
    return _next(stability, difficulty, days, correct)


def _next(stability: float, difficulty: float, days: int, correct: bool) -> tuple[float, float]:
    """(stability, difficulty) of a card in the Review state after an answer `days` after its last."""
    if days < 1:  # a second answer the same day: short-term stability
        increase = _SHORT_TERM[correct] * (stability ** -_P[19])
        if correct:
            increase = max(increase, 1.0)
        following = max(stability * increase, STABILITY_MIN)
    else:
        r = (1 + FACTOR * days / stability) ** DECAY
        if correct:
            following = stability * (1 + _RECALL_FACTOR * (11 - difficulty) * (stability ** -_P[9])
                                     * ((math.e ** ((1 - r) * _P[10])) - 1))
        else:
            following = min(_P[11] * (difficulty ** -_P[12]) * (((stability + 1) ** (_P[13])) - 1)
                            * (math.e ** ((1 - r) * _P[14])), stability / _FORGET_SHORT)
        following = max(following, STABILITY_MIN)
    delta = -(_P[6] * ((Rating.Good if correct else Rating.Again) - 3))
    damped = difficulty + (10.0 - difficulty) * delta / 9.0
    return following, min(max(_P[7] * _EASY_DIFFICULTY + (1 - _P[7]) * damped, MIN_DIFFICULTY), MAX_DIFFICULTY)


def review(card: Card | None, correct: bool, day: date) -> Card:
    """The point's FSRS card after an answer on `day` (None: the first answer), rated Good when
    right and Again when wrong: what SCHEDULER.review_card gives, computed directly (see above)."""
    at = _at(day)
    if card is None or (card.last_review is None and card.stability is None):
        stability, difficulty = _FIRST[correct]
    elif card.state == State.Review and card.stability is not None and card.difficulty is not None \
            and card.last_review is not None:
        stability, difficulty = _next(card.stability, card.difficulty, (at - card.last_review).days, correct)
    else:
        reviewed, _ = SCHEDULER.review_card(card, Rating.Good if correct else Rating.Again, at)
        return reviewed
    return Card(card_id=1, state=State.Review, step=None, stability=stability, difficulty=difficulty,
                due=at + timedelta(days=_interval(stability)), last_review=at)


@dataclass
class Learner:
    """One worker's state: a memory per point met, a record per question seen, topic tallies, and the
    personal reviews of the latest day (for the daily cap)."""

    memories: dict[str, Memory] = field(default_factory=dict)
    scheduled: dict[str, Memory] = field(default_factory=dict)  # the memories not retired (checks to come)
    questions: dict[int, Seen] = field(default_factory=dict)
    topics: dict[str, list[int]] = field(default_factory=dict)  # topic -> [answers, wrong]
    review_day: date | None = None
    reviews: int = 0

    def reviews_on(self, day: date) -> int:
        """Personal reviews (answers in a non-common slot to a point met before) given on `day`."""
        return self.reviews if self.review_day == day else 0

    def record(self, item: Item, correct: bool, day: date, common: bool = False) -> None:
        """Add one answer (answers are recorded oldest first)."""
        seen = self.questions.get(item.id)
        if seen is None:
            seen = self.questions[item.id] = Seen(item.id)
        seen.seen += 1
        seen.wrong += int(not correct)
        seen.last_seen = day
        seen.last_correct = correct
        if item.behaviour or item.probe:
            return  # "did you do it" answers are not knowledge; a probe is a measure, not teaching
        tally = self.topics.setdefault(item.topic, [0, 0])
        tally[0] += 1
        tally[1] += int(not correct)
        memory = self.memories.get(item.point)
        if memory is not None and not common:
            if self.review_day != day:
                self.review_day, self.reviews = day, 0
            self.reviews += 1
        t = day.toordinal()
        if memory is None:
            stability, difficulty = _FIRST[correct]
            due_day = t + _interval(stability)
            memory = self.memories[item.point] = Memory(
                point=item.point, stability=stability, difficulty=difficulty, first_seen=day, last_seen=day,
                due=date.fromordinal(due_day), due_day=due_day)
            previous_right = None
        else:
            previous_right = memory.last_seen if memory.streak else None
            memory.stability, memory.difficulty = _next(memory.stability, memory.difficulty, t - memory.last_day,
                                                        correct)
            memory.due_day = t + _interval(memory.stability)
            memory.due = date.fromordinal(memory.due_day)
        memory.answers += 1
        memory.last_seen = day
        memory.last_day = t
        if correct:
            memory.streak += 1
            spaced = previous_right is not None and (day - previous_right).days >= RETIRE_GAP
            memory.retired = memory.retired or spaced or memory.stability >= RETIRE_STABILITY
        else:
            memory.wrong += 1
            memory.streak = 0
            memory.retired = False  # a miss is evidence the point is not known
        if memory.retired:
            self.scheduled.pop(item.point, None)
        else:
            self.scheduled[item.point] = memory


def replay(pool: Sequence[Item], history: Iterable[Answer]) -> Learner:
    """The worker's state, replayed from their answers (oldest first). Answers to questions no longer
    in rotation are left out: the pool no longer says which point they tested."""
    by_id = {i.id: i for i in pool}
    learner = Learner()
    for answer in history:
        item = by_id.get(answer.question_id)
        if item is not None:
            learner.record(item, answer.correct, answer.day, answer.common)
    return learner


def _rank(seed: str, value: object) -> str:
    return hashlib.sha256(f"{seed}:{value}".encode()).hexdigest()


def common_set(pool: Sequence[Item], day: date, seed: str, size: int = COMMON_SIZE) -> list[int]:
    """The town's common questions for `day`: same inputs, same list, for every worker.

    Slots rotate through the topics (k-th slot overall goes to topic k mod T), and within a topic
    questions come in an order shuffled by the town's secret seed, so a question returns only after
    every other common question of its topic has been used, and nobody without the seed can tell
    which questions come next.
    """
    by_topic: dict[str, list[Item]] = defaultdict(list)
    for item in pool:
        if item.common and not item.behaviour and not item.probe:
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
        if any(item.id == c.id or item.point == c.point for c in chosen):
            continue
        chosen.append(item)
    return [c.id for c in chosen]


def topic_strength(topics: Iterable[str], learner: Learner) -> list[str]:
    """Topics from weakest to strongest for this worker: lowest share correct, then least practised."""

    def key(topic: str) -> tuple[float, int, str]:
        answers, wrong = learner.topics.get(topic, (0, 0))
        accuracy = 1 - wrong / answers if answers else 1.0
        return (accuracy, answers, topic)

    return sorted(set(topics), key=key)


@dataclass(frozen=True)
class Pool:
    """The knowledge items in rotation, indexed by point; build it once with `index` when many
    quizzes are chosen from one pool (a simulation), or let the functions below build it."""

    items: tuple[Item, ...]
    by_point: dict[str, tuple[Item, ...]]
    by_id: dict[int, Item]
    by_topic: dict[str, tuple[str, ...]]  # topic -> its points, sorted


def index(pool: Sequence[Item] | Pool) -> Pool:
    if isinstance(pool, Pool):
        return pool
    by_point: dict[str, list[Item]] = defaultdict(list)
    items = tuple(i for i in pool if not i.behaviour and not i.probe)
    for item in items:
        by_point[item.point].append(item)
    by_topic: dict[str, list[str]] = defaultdict(list)
    for point, variants in by_point.items():
        by_topic[variants[0].topic].append(point)
    return Pool(items=items, by_point={p: tuple(v) for p, v in by_point.items()}, by_id={i.id: i for i in items},
                by_topic={t: tuple(sorted(v)) for t, v in by_topic.items()})


def _variant(items: tuple[Item, ...], learner: Learner, seed: str) -> Item:
    """The variant of a point to show: one the worker has never seen (in an order shuffled per
    worker and day), else the one seen longest ago, so a review is another wording where one exists."""
    if len(items) == 1:
        return items[0]
    questions = learner.questions
    last = [seen.last_seen if (seen := questions.get(item.id)) else date.min for item in items]
    oldest = min(last)
    tied = [item for item, day in zip(items, last, strict=True) if day == oldest]
    # The order shuffled per worker and day (a hash) only decides between variants seen on the same day.
    return tied[0] if len(tied) == 1 else min(tied, key=lambda item: _rank(seed, item.id))


def personal_items(
    pool: Sequence[Item] | Pool,
    learner: Learner,
    today: date,
    count: int,
    taken: Sequence[Item],
    seed: str,
) -> list[int]:
    """Fill `count` personal slots after the items already `taken` (the common set)."""
    bank = index(pool)
    by_point = bank.by_point
    questions, memories = learner.questions, learner.memories
    used = {i.point for i in taken}
    picked: list[int] = []

    def take(point: str) -> None:
        if len(picked) < count and point not in used:
            used.add(point)
            picked.append(_variant(by_point[point], learner, seed).id)

    fresh = by_point.keys() - memories.keys() - used
    # A point never met has only unseen questions (any answer to one of them creates its memory).
    unseen_left = bool(fresh) or any(bank.by_id[q].point not in used for q in bank.by_id.keys() - questions.keys())
    has_unseen = any(i.id not in questions for i in taken)
    reserve = 1 if unseen_left and not has_unseen else 0
    budget = count - reserve
    if fresh:
        budget = min(budget, max(0, MAX_REVIEWS_PER_DAY - learner.reviews_on(today)))

    # 1. Checks that are due: points not retired whose due date has come, lowest predicted recall first.
    t = today.toordinal()  # (-risk, point) below is (-Memory.risk(today), point), read from plain numbers
    if budget > 0:
        due = [(-((t - m.last_day if t > m.last_day else 0) / m.stability), p)
               for p, m in learner.scheduled.items() if m.due_day <= t and p in by_point and p not in used]
        for _, point in heapq.nsmallest(budget, due):
            take(point)

    # 2. New material: points never met, weakest topic first, in an order shuffled per worker and day.
    if fresh and len(picked) < count:
        rng = random.Random(seed)
        topics = [t for t, points in bank.by_topic.items() if not fresh.isdisjoint(points)]
        for topic in topic_strength(topics, learner):
            points = [p for p in bank.by_topic[topic] if p in fresh]
            rng.shuffle(points)
            for point in points:
                take(point)
            if len(picked) >= count:
                break

    # 3. Every point met: the ones most likely forgotten, after the most likely forgotten of those with
    # a variant not yet seen if the quiz has no unseen question so far.
    if len(picked) < count:
        # (-Memory.risk(today), point): the most likely forgotten first, computed once per point.
        rest = [(-((t - m.last_day if t > m.last_day else 0) / m.stability), p)
                for p, m in memories.items() if p in by_point and p not in used]
        if reserve and all(q in questions for q in picked):
            # The most likely forgotten of the points with a variant not yet seen.
            ranked = list(rest)
            heapq.heapify(ranked)
            while ranked:
                _, point = heapq.heappop(ranked)
                if any(i.id not in questions for i in by_point[point]):
                    take(point)
                    break
        for _, point in heapq.nsmallest(count - len(picked) + 1, rest):
            take(point)
    return picked


def choose_quiz(
    pool: Sequence[Item] | Pool,
    learner: Learner,
    today: date,
    n: int,
    town_seed: str,
    worker_seed: str,
    probe: int | None = None,
) -> list[tuple[int, bool]]:
    """Today's quiz for one worker: (question id, is_common) pairs, common set first; a `probe`
    item (probe_item) takes the last personal slot, so the quiz keeps its length."""
    n = max(MIN_QUESTIONS, min(MAX_QUESTIONS, n))
    bank = index(pool)
    by_id = {i.id: i for i in bank.items}
    common = common_set(bank.items, today, town_seed)
    taken = [by_id[i] for i in common]
    count = n - len(common) - (probe is not None)
    personal = personal_items(bank, learner, today, count, taken, f"{worker_seed}:{today}")
    return [(i, True) for i in common] + [(i, False) for i in personal] + ([(probe, False)] if probe else [])


# --- the before/after probe (docs/selection.md, docs/metrics.md "Learning") -----------------------

PROBE_LAGS = (30, 90, 180)  # days from a worker's first probe answer to their second half


@dataclass(frozen=True)
class ProbePlan:
    """One worker's probe: the half they answer first (0 or 1) and the lag before the other half."""

    first_half: int
    lag: int


def probe_plan(worker_seed: str, town_seed: str) -> ProbePlan:
    """The worker's counterbalancing group and lag, drawn at random once (a hash of the worker and
    the town's secret, so it is fixed, unpredictable and half the workers start with each half)."""
    draw = int(_rank(f"probe:{town_seed}", worker_seed), 16)
    return ProbePlan(first_half=draw % 2, lag=PROBE_LAGS[(draw // 2) % len(PROBE_LAGS)])


def probe_halves(pool: Iterable[Item]) -> tuple[list[int], list[int]]:
    """The probe set in two halves balanced by topic: each topic's probe items by id, alternately."""
    halves: tuple[list[int], list[int]] = ([], [])
    by_topic: dict[str, list[int]] = defaultdict(list)
    for item in pool:
        if item.probe and not item.behaviour:
            by_topic[item.topic].append(item.id)
    turn = 0
    for topic in sorted(by_topic):
        for qid in sorted(by_topic[topic]):
            halves[turn % 2].append(qid)
            turn += 1
    return halves


def probe_item(pool: Sequence[Item], learner: Learner, today: date, plan: ProbePlan,
               halves: tuple[list[int], list[int]] | None = None) -> int | None:
    """The probe item for the worker's official quiz today, if one is due: the first half from
    their first quiz on, one a quiz; the other half once `plan.lag` days have passed since their
    first probe answer. A probe item is asked once, never again. `halves`: probe_halves(pool),
    when the caller already has them (a simulation asks for every worker every day)."""
    halves = halves or probe_halves(pool)
    first, second = halves[plan.first_half], halves[1 - plan.first_half]
    asked = learner.questions
    for qid in first:
        if qid not in asked:
            return qid
    following = next((qid for qid in second if qid not in asked), None)
    if following is None:
        return None
    started = min((asked[q].last_seen for q in first if q in asked), default=None)
    if started is None or today < started + timedelta(days=plan.lag):
        return None
    return following


def practice_quiz(pool: Sequence[Item] | Pool, learner: Learner, today: date, n: int, seed: str) -> list[int]:
    """A practice round: personal selection only (reviews, then new material), never counted."""
    return personal_items(pool, learner, today, n, [], seed)


# A "did you do it" item comes back two weeks after "not yet", a quarter after "done".
ASK_AGAIN_NOT_YET, ASK_AGAIN_DONE = 14, 90


def behaviour_check(pool: Sequence[Item], learner: Learner, today: date) -> int | None:
    """The one "did you do it" item for today's official quiz, if any is due: never asked first,
    then the one asked longest ago. An answer that is not the recommended one is "not yet"."""
    due = []
    for item in pool:
        if not item.behaviour:
            continue
        seen = learner.questions.get(item.id)
        if seen is None:
            due.append((date.min, item.id))
            continue
        wait = ASK_AGAIN_DONE if seen.last_correct else ASK_AGAIN_NOT_YET
        if seen.last_seen <= today - timedelta(days=wait):
            due.append((seen.last_seen, item.id))
    return min(due)[1] if due else None


def choice_order(option_count: int, qtype: QuestionType | str, seed: str) -> list[int]:
    """The order one worker sees the options in. True/false keeps 对 before 错."""
    order = list(range(option_count))
    if qtype != QuestionType.TRUEFALSE:
        random.Random(seed).shuffle(order)
    return order
