"""Does the schedule teach? A simulated cohort of workers takes a year of daily quizzes built by
quizapp's real selection code and by other policies; we compare how much they truly know.

Run by hand (tests/bench/test_scripts.py runs it tiny); the full spec takes a while, so run it in the background:
    nice .venv/bin/python bench/learning.py                      # 2,000 workers, 20 reps, sweep 0.5/1/2
    .venv/bin/python bench/learning.py --workers 300 --reps 3    # a quick look
    .venv/bin/python bench/learning.py --jobs 2                  # one process per core

The world (the same for every policy within a replication: common random numbers):
- the real question bank (question_bank/*.txt): each knowledge item with its topic, family and
  difficulty; a family is one *point* (the thing to remember), an item without one is its own;
- workers with ability theta ~ N(0, 1); prior knowledge of item i: P = sigmoid(theta - b_i - 1),
  b_i = difficulty - 2 (+ noise), fixed (it neither fades nor grows);
- memory of a point (after the first time it is met): recall R = 0.9 ** (phi * days / S), exponential
  decay with stability S; phi is the forgetting rate (the sweep). The worker recalls an item with
  probability 1 - (1 - P) * (1 - R): that is the *true recall* (guessing excluded);
- an answer is right when the worker recalls, else by guessing: 1/k for single choice with k
  options, 1/2 for true/false, 1/(2^k - 1) for multiple choice;
- every answer is followed by the explanation, so memory changes: met for the first time, S = 3 days
  if recalled, else 1 day (times exp(0.3 (theta - b))); recalled again, S grows by FSRS's
  recall formula (more when recall was harder: the spacing effect); not recalled, S falls to FSRS's
  post-lapse stability but not below the first-time value (the explanation is read again);
- a worker attends a given day with their own probability (mean 80 %), and leaves the company with
  a 40 % yearly chance (replaced the same day by a newcomer who knows nothing of the bank yet);
- quizzes of `--length` questions (default 5); the town's common daily set (real code,
  `selection.common_set`, 2 items) is the same for every policy: policies differ only in the
  personal slots.

Policies for the personal slots:
- quizapp: the real `selection.personal_items` on the real `selection.Learner` (FSRS per family,
  variants, new material every quiz, daily review cap, retirement on evidence), and the probe in the
  last personal slot while it is due (`selection.probe_item`: the bank's probe items are never
  taught by quizapp, and cost it a slot in about 42 quizzes of each worker, as in the app);
- random: points drawn uniformly, a random variant;
- leitner: the old policy (bench/old_leitner.py, a copy of quizapp's code before FSRS);
- qstream: Qstream's rules per item: wrong -> again in 8 days, right -> in 16 days, retired after two
  right in a row; due items first (most overdue), then new items, then the least recently seen;
- fsrs: plain FSRS per item (the same `fsrs` scheduler): due items first (lowest predicted recall),
  then new items in random order, then the lowest predicted recall.

Printed: mean true recall over all knowledge items and all workers employed that day, at day 90,
180 and 365, with 95 % intervals over the replications; items seen (distinct items a worker has
answered, mean over workers employed that day); and quizapp's paired difference to each policy.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import random
import statistics
import sys
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import numpy as np  # noqa: E402
import old_leitner  # noqa: E402  (the old policy, kept in bench/ for comparison)

from quizapp.bank.rules.checker import read_bank  # noqa: E402
from quizapp.quiz.rules import selection  # noqa: E402
from quizapp.rules.vocab import QuestionKind, QuestionType  # noqa: E402

START = date(2027, 1, 4)
CHECKPOINTS = (90, 180, 365)
POLICIES = ("quizapp", "random", "leitner", "qstream", "fsrs")
TOWN_SEED = "bench-town"
YEARLY_TURNOVER = 0.40
MEAN_ATTENDANCE = 0.80

# FSRS-6 default weights used by the *true* memory model's updates (w8-w14).
W8, W9, W10, W11, W12, W13, W14 = 1.8722, 0.1666, 0.796, 1.4835, 0.0614, 0.2629, 1.6483
FIRST_RECALLED, FIRST_MISSED = 3.0, 1.0  # days of stability after the first meeting with a point


# --- the bank -------------------------------------------------------------------------------------

@dataclass
class Bank:
    items: list[selection.Item]  # ids are 0..N-1
    difficulty: list[float]
    guess: list[float]
    point: list[int]  # item -> point index
    points: int
    pool: selection.Pool
    old_items: list[old_leitner.Item]
    by_point: list[list[int]]


def load_bank(root: Path) -> Bank:
    bank = read_bank(root)
    questions = [q for q in bank.questions.values() if q.kind != QuestionKind.BEHAVIOUR]
    items, difficulty, guess, point = [], [], [], []
    point_ids: dict[str, int] = {}
    for n, q in enumerate(questions):
        item = selection.Item(id=n, topic=q.topic, family=q.family, common=q.common, probe=q.probe)
        items.append(item)
        difficulty.append(q.difficulty - 2.0)
        k = len(q.options)
        guess.append(0.5 if q.type == QuestionType.TRUEFALSE
                     else 1 / (2 ** k - 1) if q.type == QuestionType.MULTIPLE else 1 / k)
        point.append(point_ids.setdefault(item.point, len(point_ids)))
    by_point: list[list[int]] = [[] for _ in point_ids]
    for n, p in enumerate(point):
        by_point[p].append(n)
    return Bank(items=items, difficulty=difficulty, guess=guess, point=point, points=len(point_ids),
                pool=selection.index(items), old_items=[old_leitner.Item(i.id, i.topic, i.family) for i in items],
                by_point=by_point)


# --- policies -------------------------------------------------------------------------------------
# A policy keeps its own state per worker: new(slot) makes it for the worker taking that staff slot,
# pick_all() fills the personal slots of a day's quizzes after the common items (one quiz after the
# other, in slot order: the policy's random draws come in the same order whatever the policy's
# layout), update_all() sees the day's answers in order (right or wrong, as the app would record them).

class ObjectPolicy:
    """A policy with one state object per worker, chosen and updated one quiz, one answer at a time."""

    bank: Bank

    def pick(self, state: Any, today: date, count: int, taken: list[int], rng: random.Random,
             key: str) -> list[int]:
        raise NotImplementedError

    def update(self, state: Any, item: int, correct: bool, today: date, common: bool) -> None:
        raise NotImplementedError

    def bind(self, states: list[Any]) -> None:
        self.states = states

    def pick_all(self, slots: list[int], today: date, count: int, taken: list[int], rng: random.Random,
                 keys: list[str]) -> list[list[int]]:
        states, pick = self.states, self.pick
        return [pick(states[n], today, count, taken, rng, keys[n]) for n in slots]

    def update_all(self, rows: np.ndarray, items: np.ndarray, correct: np.ndarray, today: date,
                   common: np.ndarray) -> None:
        states, update = self.states, self.update
        for n, item, right, imposed in zip(rows.tolist(), items.tolist(), correct.tolist(), common.tolist(),
                                           strict=True):
            update(states[n], item, right, today, imposed)


class Quizapp(ObjectPolicy):
    """The real selection: selection.choose_quiz's personal part, with the probe (an official quiz's
    last personal slot while the worker's probe is due, selection.probe_item, never taught)."""

    name = "quizapp"

    def __init__(self, bank: Bank, slots: int):
        self.bank = bank
        self.probes = [i for i in bank.items if i.probe]
        self.halves = selection.probe_halves(self.probes)
        self.plans: dict[str, selection.ProbePlan] = {}

    def new(self, slot: int) -> selection.Learner:
        return selection.Learner()

    def pick_all(self, slots: list[int], today: date, count: int, taken: list[int], rng: random.Random,
                 keys: list[str]) -> list[list[int]]:
        """Each present worker's personal questions: selection.probe_item, then selection.personal_items
        for the slots left, as choose_quiz does (the day's common items looked up once)."""
        items, pool, plans, probes, halves = self.bank.items, self.bank.pool, self.plans, self.probes, self.halves
        common = [items[i] for i in taken]
        out = []
        for n in slots:
            key, state = keys[n], self.states[n]
            plan = plans.get(key) or plans.setdefault(key, selection.probe_plan(key, TOWN_SEED))
            probe = selection.probe_item(probes, state, today, plan, halves)
            if probe is None:
                out.append(selection.personal_items(pool, state, today, count, common, f"{key}:{today}"))
            else:
                out.append(selection.personal_items(pool, state, today, count - 1, common, f"{key}:{today}") + [probe])
        return out

    def update(self, state: selection.Learner, item: int, correct: bool, today: date, common: bool) -> None:
        state.record(self.bank.items[item], correct, today, common)


class Uniform(ObjectPolicy):
    name = "random"

    def __init__(self, bank: Bank, slots: int):
        self.bank = bank

    def new(self, slot: int) -> None:
        return None

    def pick(self, state: None, today: date, count: int, taken: list[int], rng: random.Random,
             key: str) -> list[int]:
        used = {self.bank.point[i] for i in taken}
        picked: list[int] = []
        while len(picked) < count:
            p = rng.randrange(self.bank.points)
            if p not in used:
                used.add(p)
                picked.append(rng.choice(self.bank.by_point[p]))
        return picked

    def update(self, state: None, item: int, correct: bool, today: date, common: bool) -> None:
        return None


class Leitner(ObjectPolicy):
    name = "leitner"

    def __init__(self, bank: Bank, slots: int):
        self.bank = bank
        self.index = old_leitner.index(bank.old_items)

    def new(self, slot: int) -> old_leitner.State:
        return old_leitner.State()

    def pick(self, state: old_leitner.State, today: date, count: int, taken: list[int],
             rng: random.Random, key: str) -> list[int]:
        old = self.bank.old_items
        return old_leitner.personal_items(self.index, state, today, count, [old[i] for i in taken], f"{key}:{today}")

    def update(self, state: old_leitner.State, item: int, correct: bool, today: date, common: bool) -> None:
        state.record(self.bank.old_items[item], correct, today)


def take_new(new: list[int], take: Callable[[int], None], full: Callable[[], bool], rng: random.Random) -> None:
    """New items in random order until the slots are full: each next one drawn uniformly from those
    left (the order a shuffle would give, without shuffling the whole list every quiz)."""
    left = list(new)
    while left and not full():
        n = rng.randrange(len(left))
        left[n], left[-1] = left[-1], left[n]
        take(left.pop())


def by_row(rows: int, row: np.ndarray, col: np.ndarray, *keys: np.ndarray) -> list[list[int]]:
    """For each of `rows` rows, its entries' columns ordered by `keys` (the first key first), then by
    column: one sort for a whole day's quizzes."""
    order = np.lexsort((col, *reversed(keys), row))
    cols = col[order].tolist()
    bounds = np.searchsorted(row[order], np.arange(rows + 1)).tolist()
    return [cols[bounds[j]:bounds[j + 1]] for j in range(rows)]


class ArrayPolicy:
    """A policy whose per-item state is held in arrays, one row per staff slot, so that a day's
    quizzes are chosen together (pick_all) and its answers recorded together (update_all). A
    worker's state is their slot number."""

    def __init__(self, bank: Bank, slots: int):
        self.bank = bank
        self.point = bank.point
        self.items = len(bank.items)

    def take_for(self, taken: list[int], count: int) -> tuple[list[int], Callable[[int], None]]:
        point = self.point
        used = {point[i] for i in taken}
        picked: list[int] = []

        def take(i: int) -> None:
            if len(picked) < count and point[i] not in used:
                used.add(point[i])
                picked.append(i)

        return picked, take


class Qstream(ArrayPolicy):
    """Qstream's rules per item: due items first (most overdue: earliest due date), then new items in
    random order, then the least recently seen (retired last)."""

    name = "qstream"
    AGAIN_WRONG, AGAIN_RIGHT = 8, 16

    def __init__(self, bank: Bank, slots: int):
        super().__init__(bank, slots)
        shape = (slots, self.items)
        self.seen = np.zeros(shape, dtype=bool)
        self.due = np.zeros(shape, dtype=np.int64)
        self.streak = np.zeros(shape, dtype=np.int64)
        self.last_seen = np.zeros(shape, dtype=np.int64)
        self.retired = np.zeros(shape, dtype=bool)

    def new(self, slot: int) -> int:
        self.seen[slot] = False
        self.retired[slot] = False
        return slot

    def pick_all(self, slots: list[int], today: date, count: int, taken: list[int], rng: random.Random,
                 keys: list[str]) -> list[list[int]]:
        t = today.toordinal()
        rows = np.array(slots, dtype=np.intp)
        seen = self.seen[rows]
        row, col = np.nonzero(seen & ~self.retired[rows] & (self.due[rows] <= t))
        due = by_row(len(slots), row, col, self.due[rows[row], col])
        out = []
        for j, n in enumerate(slots):
            picked, take = self.take_for(taken, count)
            for i in due[j]:
                take(i)
            if len(picked) < count:
                unseen = np.flatnonzero(~seen[j])
                if len(unseen):
                    take_new(unseen.tolist(), take, lambda picked=picked: len(picked) >= count, rng)
            if len(picked) < count:
                met = np.flatnonzero(seen[j])
                for i in met[np.lexsort((met, self.last_seen[n, met], self.retired[n, met]))].tolist():
                    take(i)
            out.append(picked)
        return out

    def update_all(self, rows: np.ndarray, items: np.ndarray, correct: np.ndarray, today: date,
                   common: np.ndarray) -> None:
        t = today.toordinal()
        streak = np.where(correct, np.where(self.seen[rows, items], self.streak[rows, items], 0) + 1, 0)
        self.streak[rows, items] = streak
        self.due[rows, items] = t + np.where(correct, self.AGAIN_RIGHT, self.AGAIN_WRONG)
        self.last_seen[rows, items] = t
        self.retired[rows, items] = streak >= 2
        self.seen[rows, items] = True


class PlainFsrs(ArrayPolicy):
    """Plain FSRS per item (selection's scheduler): due items first, lowest predicted recall first;
    then new items in random order; then the lowest predicted recall."""

    name = "fsrs"

    def __init__(self, bank: Bank, slots: int):
        super().__init__(bank, slots)
        shape = (slots, self.items)
        self.known = np.zeros(shape, dtype=bool)
        self.due = np.zeros(shape, dtype=np.int64)  # day numbers
        self.last = np.zeros(shape, dtype=np.int64)
        self.stability = np.ones(shape)
        self.difficulty = np.ones(shape)

    def new(self, slot: int) -> int:
        self.known[slot] = False
        return slot

    def pick_all(self, slots: list[int], today: date, count: int, taken: list[int], rng: random.Random,
                 keys: list[str]) -> list[list[int]]:
        t = today.toordinal()
        rows = np.array(slots, dtype=np.intp)
        known = self.known[rows]
        row, col = np.nonzero(known & (self.due[rows] <= t))
        at = rows[row]
        # Ordered as FSRS's predicted recall, highest risk first: days since the last review per day of stability.
        due = by_row(len(slots), row, col, -(t - self.last[at, col]) / self.stability[at, col])
        out = []
        for j, n in enumerate(slots):
            picked, take = self.take_for(taken, count)
            for i in due[j]:
                take(i)
            if len(picked) < count:
                unknown = np.flatnonzero(~known[j])
                if len(unknown):
                    take_new(unknown.tolist(), take, lambda picked=picked: len(picked) >= count, rng)
            if len(picked) < count:
                met = np.flatnonzero(known[j])
                risk = -(t - self.last[n, met]) / self.stability[n, met]
                for i in met[np.lexsort((met, risk))].tolist():
                    take(i)
            out.append(picked)
        return out

    def update_all(self, rows: np.ndarray, items: np.ndarray, correct: np.ndarray, today: date,
                   common: np.ndarray) -> None:
        """Each item's card after the answer (selection's FSRS transitions, on the card's numbers):
        within a day no worker answers an item twice, so the answers are recorded together."""
        t = today.toordinal()
        known = self.known[rows, items].tolist()
        stability = self.stability[rows, items].tolist()
        difficulty = self.difficulty[rows, items].tolist()
        days = (t - self.last[rows, items]).tolist()
        for k, right in enumerate(correct.tolist()):
            s, d = (selection.transition(stability[k], difficulty[k], days[k], right) if known[k]
                    else selection.first(right))
            stability[k], difficulty[k], days[k] = s, d, t + selection.interval(s)
        self.stability[rows, items] = stability
        self.difficulty[rows, items] = difficulty
        self.due[rows, items] = days
        self.last[rows, items] = t
        self.known[rows, items] = True


POLICY_CLASSES: dict[str, Callable[[Bank, int], Any]] = {
    "quizapp": Quizapp, "random": Uniform, "leitner": Leitner, "qstream": Qstream, "fsrs": PlainFsrs}


# --- the simulated world --------------------------------------------------------------------------
# The workers' true state is held in arrays, one row per staff slot (a newcomer takes a leaver's
# row), and a day's answers are simulated together: within a day no two of a worker's answers touch
# the same point (a quiz holds no two items of one family), so the batch gives what answering them
# one by one would.

class World:
    """What the simulated workers truly know: prior knowledge per item, memory per point."""

    def __init__(self, bank: Bank, slots: int, noise: list[float], phi: float):
        self.bank, self.phi = bank, phi
        self.b = np.array(bank.difficulty) + np.array(noise)
        self.point = np.array(bank.point)
        self.guess = np.array(bank.guess)
        items, points = len(bank.items), bank.points
        self.theta = [0.0] * slots
        self.attendance = [0.0] * slots
        self.key = [""] * slots
        self.prior = np.zeros((slots, items))  # P(knows item i) before any quiz
        self.hardness = np.zeros((slots, items))  # FSRS-style difficulty D (1-10), for the memory updates
        self.first_recalled = np.zeros(slots)
        self.first_missed = np.zeros(slots)
        self.stability = np.zeros((slots, points))  # S in days; 0: never met
        self.last = np.zeros((slots, points))  # day of last study
        self.seen = np.zeros((slots, items), dtype=bool)

    def hire(self, slot: int, n: int, rng: random.Random) -> None:
        """Worker number `n` takes `slot`: ability, attendance, and a memory of nothing yet."""
        theta = rng.gauss(0, 1)
        self.theta[slot], self.key[slot] = theta, f"w{n}"
        self.attendance[slot] = min(1.0, max(0.3, rng.gauss(MEAN_ATTENDANCE, 0.12)))
        self.prior[slot] = 1 / (1 + np.exp(-(theta - self.b - 1.0)))
        self.hardness[slot] = np.clip(5 + 1.5 * self.b - theta, 1.0, 10.0)
        scale = math.exp(0.3 * theta)
        self.first_recalled[slot], self.first_missed[slot] = FIRST_RECALLED * scale, FIRST_MISSED * scale
        self.stability[slot] = 0.0
        self.last[slot] = 0.0
        self.seen[slot] = False

    def answer(self, rows: np.ndarray, items: np.ndarray, day: int, rng: np.random.Generator) -> np.ndarray:
        """The workers answer (right when they recall, else by guessing), read the explanation, and
        their memory of each point changes. Returns whether each answer was right."""
        points = self.point[items]
        s = self.stability[rows, points]
        met = s > 0
        safe = np.where(met, s, 1.0)
        r_mem = np.where(met, 0.9 ** (self.phi * (day - self.last[rows, points]) / safe), 0.0)
        draws = rng.random((2, len(rows)))
        recalled = draws[0] < 1 - (1 - self.prior[rows, items]) * (1 - r_mem)
        correct = recalled | (draws[1] < self.guess[items])
        d = self.hardness[rows, items]
        grown = safe * (1 + math.exp(W8) * (11 - d) * safe ** -W9 * (np.exp(W10 * (1 - r_mem)) - 1))
        lapse = W11 * d ** -W12 * ((safe + 1) ** W13 - 1) * np.exp(W14 * (1 - r_mem))
        lapsed = np.maximum(self.first_missed[rows], np.minimum(safe, lapse))
        first = np.where(recalled, self.first_recalled[rows], self.first_missed[rows])
        self.stability[rows, points] = np.where(met, np.where(recalled, grown, lapsed), first)
        self.last[rows, points] = day
        self.seen[rows, items] = True
        return correct

    def true_recall(self, day: int) -> float:
        """Mean over workers and items of P(recall) = 1 - (1 - prior) (1 - memory): guessing excluded."""
        met = self.stability > 0
        memory = np.where(met, 0.9 ** (self.phi * (day - self.last) / np.where(met, self.stability, 1.0)), 0.0)
        return float((1 - (1 - self.prior) * (1 - memory[:, self.point])).mean())

    def items_seen(self) -> float:
        return float(self.seen.sum(axis=1).mean())


@dataclass(frozen=True)
class Task:
    policy: str
    rep: int
    phi: float
    workers: int
    days: int
    length: int


def _seed(text: str) -> int:
    return int.from_bytes(hashlib.sha256(text.encode()).digest()[:8], "big")


def run(task: Task) -> dict[str, Any]:
    """One policy, one replication: the recall and items seen at each checkpoint."""
    bank = BANK or load_bank(ROOT / "question_bank")
    policy = POLICY_CLASSES[task.policy](bank, task.workers)
    world = random.Random(f"world:{task.rep}")  # the same workers, attendance and leavers for every policy
    answers = np.random.default_rng(_seed(f"answers:{task.rep}:{task.policy}:{task.phi}"))
    choices = random.Random(f"choices:{task.rep}:{task.policy}:{task.phi}")
    noise = [world.gauss(0, 0.3) for _ in bank.items]
    staff = World(bank, task.workers, noise, task.phi)
    states: list[Any] = [None] * task.workers
    if isinstance(policy, ObjectPolicy):
        policy.bind(states)
    hired = 0

    def hire(slot: int) -> None:
        nonlocal hired
        staff.hire(slot, hired, world)
        states[slot] = policy.new(slot)
        hired += 1

    for slot in range(task.workers):
        hire(slot)
    leave = 1 - (1 - YEARLY_TURNOVER) ** (1 / 365)
    commons = [selection.common_set(bank.items, START + timedelta(days=d), TOWN_SEED) for d in range(task.days)]
    count = task.length - selection.COMMON_SIZE
    out: dict[str, Any] = {"policy": task.policy, "rep": task.rep, "phi": task.phi}
    started = time.process_time()
    attendance, keys = staff.attendance, staff.key
    for day in range(task.days):
        today = START + timedelta(days=day)
        common = commons[day]
        present: list[int] = []
        for n in range(task.workers):
            if world.random() < leave:
                hire(n)
            if world.random() < attendance[n]:
                present.append(n)
        rows: list[int] = []
        items: list[int] = []
        imposed: list[bool] = []
        for n, personal in zip(present, policy.pick_all(present, today, count, common, choices, keys), strict=True):
            rows += [n] * (len(common) + len(personal))
            items += common
            items += personal
            imposed += [True] * len(common) + [False] * len(personal)
        # Each worker's answers in order: the common set, then the personal questions.
        row_array, item_array = np.array(rows, dtype=np.intp), np.array(items, dtype=np.intp)
        correct = staff.answer(row_array, item_array, day, answers)
        policy.update_all(row_array, item_array, correct, today, np.array(imposed, dtype=bool))
        if day + 1 in CHECKPOINTS:
            end = day + 1
            out[f"recall{end}"] = staff.true_recall(end)
            out[f"seen{end}"] = staff.items_seen()
    out["seconds"] = time.process_time() - started
    return out


BANK: Bank | None = None


def _init() -> None:
    global BANK
    BANK = load_bank(ROOT / "question_bank")


# --- statistics and report ------------------------------------------------------------------------

def t_quantile(df: int) -> float:
    """The 97.5 % quantile of Student's t (Cornish-Fisher expansion; exact to 3 decimals for df >= 3,
    tabulated below that, where the expansion is far too small)."""
    if df < 3:
        return {1: 12.706, 2: 4.303}[df]
    z = 1.959964
    return z + (z ** 3 + z) / (4 * df) + (5 * z ** 5 + 16 * z ** 3 + 3 * z) / (96 * df ** 2)


def interval(values: list[float]) -> tuple[float, float]:
    mean = statistics.fmean(values)
    if len(values) < 2:
        return mean, float("nan")
    return mean, t_quantile(len(values) - 1) * statistics.stdev(values) / math.sqrt(len(values))


def report(results: list[dict[str, Any]], phis: list[float], policies: list[str], days: int) -> str:
    lines = []
    points = [c for c in CHECKPOINTS if c <= days]
    for phi in phis:
        lines.append(f"\nforgetting rate phi = {phi:g}  (mean true recall, % of items, 95 % interval; items seen)")
        head = f"{'policy':<9}" + "".join(f"{'day ' + str(c):>24}" for c in points)
        lines.append(head)
        by = {(r["policy"], r["rep"]): r for r in results if r["phi"] == phi}
        reps = sorted({r["rep"] for r in results if r["phi"] == phi})
        for policy in policies:
            row = f"{policy:<9}"
            for c in points:
                mean, half = interval([100 * by[(policy, rep)][f"recall{c}"] for rep in reps])
                seen = statistics.fmean(by[(policy, rep)][f"seen{c}"] for rep in reps)
                row += f"{mean:>10.1f} ± {half:4.1f} {seen:6.0f} it"
            lines.append(row)
        if "quizapp" in policies:
            for policy in policies:
                if policy == "quizapp":
                    continue
                row = f"{'  - ' + policy:<9}"
                for c in points:
                    diffs = [100 * (by[("quizapp", rep)][f"recall{c}"] - by[(policy, rep)][f"recall{c}"])
                             for rep in reps]
                    mean, half = interval(diffs)
                    row += f"{mean:>+10.1f} ± {half:4.1f}         "
                lines.append(row)
            lines.append("  (rows '- policy': quizapp minus that policy, paired by replication, points of recall)")
    return "\n".join(lines)


def replay_timing(bank: Bank) -> tuple[float, int]:
    """Milliseconds to replay a year of one worker's answers (what a quiz start does)."""
    rng = random.Random(7)
    learner = selection.Learner()
    history = []
    for day in range(365):
        today = START + timedelta(days=day)
        if rng.random() < MEAN_ATTENDANCE:
            common = selection.common_set(bank.items, today, TOWN_SEED)
            for qid in common + selection.personal_items(bank.pool, learner, today, 3,
                                                         [bank.items[i] for i in common], str(day)):
                right = rng.random() < 0.7
                learner.record(bank.items[qid], right, today, qid in common)
                history.append(selection.Answer(qid, right, today, qid in common))
    started = time.perf_counter()
    for _ in range(5):
        selection.replay(bank.items, history)
    return (time.perf_counter() - started) / 5 * 1000, len(history)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--workers", type=int, default=2000)
    parser.add_argument("--reps", type=int, default=20)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--length", type=int, default=5, help="questions per quiz (3-8)")
    parser.add_argument("--phi", default="1,0.5,2", help="forgetting rates to sweep, comma-separated")
    parser.add_argument("--policies", default=",".join(POLICIES))
    parser.add_argument("--jobs", type=int, default=1, help="processes (the machine has 2 cores)")
    parser.add_argument("--out", help="append each replication's figures to this file (JSON lines)")
    parser.add_argument("--report", nargs="+", help="only print the report of the figures in these files (JSON lines)")
    args = parser.parse_args()
    phis = [float(x) for x in args.phi.split(",")]
    policies = [p for p in args.policies.split(",") if p]
    if args.report:
        results = [json.loads(line) for path in args.report for line in Path(path).read_text().splitlines()
                   if line.strip()]
        phis = sorted({r["phi"] for r in results}, key=lambda phi: (phi != 1, phi))
        policies = [p for p in POLICIES if any(r["policy"] == p for r in results)]
        reps = {p: len({(r["rep"], r["phi"]) for r in results if r["policy"] == p}) for p in policies}
        keep = {(r["rep"], r["phi"]) for r in results if all(
            any(o["policy"] == p and (o["rep"], o["phi"]) == (r["rep"], r["phi"]) for o in results) for p in policies)}
        phis = [phi for phi in phis if any(k[1] == phi for k in keep)]
        print(f"{len(results)} runs read ({reps}); complete replications: {len(keep)}")
        print(report([r for r in results if (r["rep"], r["phi"]) in keep], phis, policies, args.days))
        return
    bank = load_bank(ROOT / "question_bank")
    print(f"bank: {len(bank.items)} knowledge items, {bank.points} points (families), "
          f"{sum(i.common for i in bank.items)} common; {args.workers} workers, {args.reps} replications, "
          f"{args.days} days, {args.length} questions a quiz ({selection.COMMON_SIZE} common)", flush=True)
    ms, n = replay_timing(bank)
    print(f"replaying a year of one worker's answers ({n}): {ms:.1f} ms", flush=True)
    tasks = [Task(p, rep, phi, args.workers, args.days, args.length)
             for rep in range(args.reps) for phi in phis for p in policies]
    started = time.perf_counter()
    results = []

    def keep(result: dict[str, Any]) -> None:
        results.append(result)
        print(f"  {result['policy']:<8} rep {result['rep']:>2} phi {result['phi']:g}: "
              f"{result['seconds']:.0f} s", file=sys.stderr, flush=True)
        if args.out:
            with open(args.out, "a") as out:
                out.write(json.dumps(result) + "\n")

    if args.jobs > 1:
        with ProcessPoolExecutor(args.jobs, initializer=_init) as pool:
            for result in pool.map(run, tasks):
                keep(result)
    else:
        _init()
        for task in tasks:
            keep(run(task))
    print(report(results, phis, policies, args.days))
    print(f"\n{time.perf_counter() - started:.0f} s of simulation")


if __name__ == "__main__":
    main()
