"""The before/after probe in selection (docs/selection.md, "The probe"): probe items are never
taught, each worker gets one half first and the other after their lag, counterbalanced."""

from collections import Counter
from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from quizapp.quiz.rules import selection
from quizapp.quiz.rules.selection import Answer, Item, ProbePlan
from tests.quiz.test_selection import pool

DAY = date(2026, 11, 24)


def with_probes(topics=("a", "b", "c", "d")) -> list[Item]:
    """The test pool and two probe items per topic (ids 101...), one of them in a taught family."""
    items = pool(topics)
    n = 100
    for t in topics:
        for family in (f"{t}-fam", None):
            n += 1
            items.append(Item(id=n, topic=t, family=family, probe=True))
    return items


PROBES = {i.id for i in with_probes() if i.probe}
steps_strategy = st.lists(st.tuples(st.sampled_from(sorted({i.id for i in with_probes()})), st.booleans(),
                                    st.integers(0, 3), st.booleans()), max_size=40)


def dated(steps) -> tuple[list[Answer], date]:
    day, answers = DAY, []
    for qid, right, gap, common in steps:
        day += timedelta(days=gap)
        answers.append(Answer(qid, right, day, common and qid not in PROBES))
    return answers, day


def replayed(items, steps):
    answers, day = dated(steps)
    return selection.replay(items, answers), day


@settings(max_examples=200, deadline=None)
@given(steps=steps_strategy, n=st.integers(1, 12), later=st.integers(0, 400), seed=st.text(max_size=4))
def test_selection_never_teaches_a_probe_item(steps, n, later, seed):
    items = with_probes()
    learner, day = replayed(items, steps)
    day += timedelta(days=later)
    assert not PROBES & {q for q, _ in selection.choose_quiz(items, learner, day, n, "town", seed)}
    assert not PROBES & set(selection.practice_quiz(items, learner, day, n, seed))
    assert not PROBES & set(selection.common_set(items, day, "town"))


@settings(max_examples=200, deadline=None)
@given(steps=steps_strategy, n=st.integers(1, 12), seed=st.text(max_size=4))
def test_a_probe_takes_the_last_personal_slot_and_the_quiz_keeps_its_length(steps, n, seed):
    items = with_probes()
    learner, day = replayed(items, steps)
    probe = min(PROBES)
    quiz = selection.choose_quiz(items, learner, day, n, "town", seed, probe)
    plain = selection.choose_quiz(items, learner, day, n, "town", seed)
    assert len(quiz) == len(plain) == max(selection.MIN_QUESTIONS, min(selection.MAX_QUESTIONS, n))
    assert quiz[-1] == (probe, False)
    assert [q for q, _ in quiz].count(probe) == 1
    assert [q for q, c in quiz if c] == [q for q, c in plain if c]  # the common set is untouched


@settings(max_examples=200, deadline=None)
@given(steps=steps_strategy)
def test_probe_answers_leave_the_teaching_state_as_it_was(steps):
    items = with_probes()
    answers, _ = dated(steps)
    with_them = selection.replay(items, answers)
    without = selection.replay(items, [a for a in answers if a.question_id not in PROBES])
    assert with_them.memories.keys() == without.memories.keys()
    assert {p: (m.answers, m.wrong, m.due) for p, m in with_them.memories.items()} == \
        {p: (m.answers, m.wrong, m.due) for p, m in without.memories.items()}
    assert with_them.topics == without.topics


def test_the_halves_split_every_topic_evenly():
    first, second = selection.probe_halves(with_probes())
    assert len(first) == len(second) == 4 and not set(first) & set(second)
    topics = {i.id: i.topic for i in with_probes()}
    assert Counter(topics[q] for q in first) == Counter(topics[q] for q in second) == Counter("abcd")


@settings(max_examples=100, deadline=None)
@given(first_half=st.integers(0, 1), lag=st.sampled_from(selection.PROBE_LAGS), attendance=st.integers(1, 3))
def test_a_worker_gets_their_first_half_one_a_quiz_then_the_other_half_after_their_lag(first_half, lag, attendance):
    items = with_probes()
    plan = ProbePlan(first_half, lag)
    halves = selection.probe_halves(items)
    answers: list[Answer] = []
    asked: list[tuple[int, date]] = []
    for offset in range(0, 400, attendance):
        day = DAY + timedelta(days=offset)
        probe = selection.probe_item(items, selection.replay(items, answers), day, plan)
        if probe is not None:
            assert probe not in {q for q, _ in asked}  # asked once, never again
            asked.append((probe, day))
            answers.append(Answer(probe, offset % 2 == 0, day))
    assert [q for q, _ in asked] == halves[first_half] + halves[1 - first_half]
    first_day = asked[0][1]
    before, after = asked[:len(halves[first_half])], asked[len(halves[first_half]):]
    assert [day for _, day in before] == [first_day + timedelta(days=k * attendance) for k in range(len(before))]
    assert all(day >= first_day + timedelta(days=lag) for _, day in after)


def test_workers_are_counterbalanced_across_halves_and_lags():
    plans = [selection.probe_plan(f"e{worker}", "town-secret") for worker in range(3000)]
    halves = Counter(p.first_half for p in plans)
    lags = Counter(p.lag for p in plans)
    assert abs(halves[0] - 1500) < 150
    assert set(lags) == set(selection.PROBE_LAGS) and all(abs(count - 1000) < 120 for count in lags.values())
    assert selection.probe_plan("e1", "town-secret") == selection.probe_plan("e1", "town-secret")
    assert [selection.probe_plan(f"e{w}", "other") for w in range(50)] != plans[:50]  # the secret draws them
