"""The question-selection rules of docs/selection.md, as pure functions."""

from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from quizapp.quiz.rules import selection
from quizapp.quiz.rules.selection import Answer, Item, Learner

DAY = date(2026, 11, 24)


def pool(topics=("a", "b", "c", "d"), per_topic=6, common_every=2, families=True):
    """Ids count up from 1, per_topic per topic; the first two of each topic share a family."""
    items, n = [], 0
    for t in topics:
        for i in range(per_topic):
            n += 1
            family = f"{t}-fam" if families and i < 2 else None
            items.append(Item(id=n, topic=t, family=family, common=i % common_every == 0))
    return items


def learner(items, answers):
    """A worker's state from (question id, right?, day offset from DAY[, common]) tuples."""
    return selection.replay(items, [Answer(a[0], a[1], DAY + timedelta(days=a[2]), *a[3:]) for a in answers])


def point_of(items, qid):
    return next(i.point for i in items if i.id == qid)


# --- the common set -------------------------------------------------------------------------------

def test_common_set_is_the_same_for_everyone_on_a_date_and_changes_by_day():
    items = pool()
    first = selection.common_set(items, DAY, "town")
    assert first == selection.common_set(list(reversed(items)), DAY, "town")
    assert len(first) == selection.COMMON_SIZE and len(set(first)) == selection.COMMON_SIZE
    assert first != selection.common_set(items, DAY + timedelta(days=1), "town")
    assert all(next(i for i in items if i.id == q).common for q in first)


def test_common_set_rotates_through_topics_and_does_not_repeat_before_the_topic_is_used_up():
    items = pool()
    topic_of = {i.id: i.topic for i in items}
    commons_per_topic = 3
    days = [DAY + timedelta(days=d) for d in range(6)]  # 12 slots over 4 topics: 3 rounds
    chosen = [q for d in days for q in selection.common_set(items, d, "town")]
    per_topic: dict[str, list[int]] = {}
    for q in chosen:
        per_topic.setdefault(topic_of[q], []).append(q)
    assert set(per_topic) == {"a", "b", "c", "d"}
    for qs in per_topic.values():
        assert len(qs) == commons_per_topic and len(set(qs)) == commons_per_topic


def test_common_set_topics_differ_within_a_day():
    items = pool()
    topic_of = {i.id: i.topic for i in items}
    for d in range(10):
        qs = selection.common_set(items, DAY + timedelta(days=d), "town")
        assert len({topic_of[q] for q in qs}) == selection.COMMON_SIZE


def test_the_order_of_common_sets_depends_on_the_town_seed():
    items = pool(per_topic=12)
    days = [DAY + timedelta(days=d) for d in range(12)]
    one = [selection.common_set(items, d, "secret-one") for d in days]
    two = [selection.common_set(items, d, "secret-two") for d in days]
    assert one != two


@settings(max_examples=100, deadline=None)
@given(day_offset=st.integers(0, 800), seed=st.text(max_size=8), worker=st.text(max_size=5))
def test_every_quiz_length_gets_the_same_whole_common_set(day_offset, seed, worker):
    items = pool()
    day = DAY + timedelta(days=day_offset)
    expected = selection.common_set(items, day, seed)
    assert len(expected) == selection.COMMON_SIZE
    for n in range(selection.MIN_QUESTIONS, selection.MAX_QUESTIONS + 1):
        quiz = selection.choose_quiz(items, Learner(), day, n, seed, worker)
        assert [q for q, common in quiz if common] == expected
        assert len(quiz) - len(expected) >= 1  # always at least one personal slot


# --- memory and evidence --------------------------------------------------------------------------

def test_a_right_first_answer_is_not_proof_it_schedules_a_check():
    items = pool(families=False)
    state = learner(items, [(5, True, 0)])
    memory = state.memories[point_of(items, 5)]
    assert not memory.retired
    # The check is FSRS's first interval at the desired retention (8 days at 80 %), within two weeks.
    assert memory.due == DAY + timedelta(days=selection.interval(selection.first(True)[0]))
    assert DAY < memory.due <= DAY + timedelta(days=14)
    # On the check's day it is the review that comes first, before any new material.
    picked = selection.personal_items(items, state, memory.due, 2, [], "w")
    assert picked[0] == 5


def test_predicted_recall_is_fsrs_own_forgetting_curve():
    items = pool(families=False)
    memory = learner(items, [(5, True, 0), (5, False, 3), (5, True, 4)]).memories[point_of(items, 5)]
    for days in (0, 1, 5, 30, 400):
        day = DAY + timedelta(days=4 + days)
        expected = selection.SCHEDULER.get_card_retrievability(memory.card, selection._at(day))
        assert abs(memory.recall(day) - expected) < 1e-12
    assert memory.recall(DAY + timedelta(days=10)) > memory.recall(DAY + timedelta(days=20))
    assert memory.risk(DAY + timedelta(days=10)) < memory.risk(DAY + timedelta(days=20))


def test_a_miss_comes_back_the_next_day():
    items = pool(families=False)
    state = learner(items, [(5, False, 0)])
    assert state.memories[point_of(items, 5)].due == DAY + timedelta(days=1)
    assert selection.personal_items(items, state, DAY + timedelta(days=1), 2, [], "w")[0] == 5


def test_two_right_answers_days_apart_retire_a_point_and_a_miss_brings_it_back():
    items = pool(families=False)
    point = point_of(items, 5)
    assert not learner(items, [(5, True, 0), (5, True, 1)]).memories[point].retired  # too close together
    assert not learner(items, [(5, True, 0), (5, False, 8), (5, True, 16)]).memories[point].retired  # not in a row
    assert learner(items, [(5, True, 0), (5, True, selection.RETIRE_GAP)]).memories[point].retired
    assert not learner(items, [(5, True, 0), (5, True, 7), (5, False, 60)]).memories[point].retired


def test_a_retired_point_is_not_reviewed_while_there_is_anything_else():
    items = pool(topics=("a",), per_topic=4, families=False)
    state = learner(items, [(1, True, 0), (1, True, 10), (2, False, 10)])
    assert state.memories[point_of(items, 1)].retired
    later = DAY + timedelta(days=60)  # point 1 is long past any FSRS due date
    picked = selection.personal_items(items, state, later, 3, [], "w")
    assert 1 not in picked and 2 in picked


answers_strategy = st.lists(st.tuples(st.integers(1, 24), st.booleans(), st.integers(0, 3), st.booleans()),
                            max_size=40)


def _history(steps):
    """(question, right?, days after the previous answer, common?) steps as dated answers."""
    day, history = 0, []
    for qid, right, gap, common in steps:
        day += gap
        history.append((qid, right, day, common))
    return history, day


@settings(max_examples=200, deadline=None)
@given(steps=answers_strategy)
def test_a_point_retires_only_on_evidence(steps):
    items = pool()
    history, _ = _history(steps)
    state = learner(items, history)
    for point, memory in state.memories.items():
        answers = [(day, right) for qid, right, day, _ in history if point_of(items, qid) == point]
        if len(answers) == 1:
            assert not memory.retired  # one right answer is never proof
        if memory.retired:
            misses = [k for k, (_, right) in enumerate(answers) if not right]
            since = answers[misses[-1] + 1:] if misses else answers
            assert since and since[-1] == answers[-1]  # the last answer was right
            spaced = any(b[0] - a[0] >= selection.RETIRE_GAP for a, b in zip(since, since[1:], strict=False))
            assert spaced or memory.stability >= selection.RETIRE_STABILITY


def test_a_review_shows_another_variant_of_the_family():
    items = pool()  # ids 1 and 2 share family "a-fam"
    state = learner(items, [(1, False, 0)])
    picked = selection.personal_items(items, state, DAY + timedelta(days=1), 2, [], "w")
    assert picked[0] == 2
    # Both seen: the one seen longest ago comes back.
    state = learner(items, [(1, False, 0), (2, False, 1)])
    assert selection.personal_items(items, state, DAY + timedelta(days=2), 2, [], "w")[0] == 1


def test_a_quiz_holds_one_question_per_family():
    items = pool()
    state = learner(items, [(1, False, 0), (2, False, 0)])
    picked = selection.personal_items(items, state, DAY + timedelta(days=1), 4, [], "w1")
    assert len([q for q in picked if q in (1, 2)]) == 1


def test_unseen_questions_come_from_the_weakest_topic():
    items = pool()
    # Topic "b" (ids 7-12) answered badly, topic "a" (ids 1-6) well; nothing due today.
    state = learner(items, [(7, False, 0), (7, False, 1), (3, True, 0), (3, True, 1)])
    picked = selection.personal_items(items, state, DAY + timedelta(days=1), 3, [], "w1")
    new = [q for q in picked if q not in state.questions]
    assert new and {next(i.topic for i in items if i.id == q) for q in new} == {"b"}


def test_everything_met_brings_back_the_most_likely_forgotten():
    items = pool(topics=("a",), per_topic=3, families=False)
    state = learner(items, [(1, True, 0), (2, True, 0), (3, True, 0), (1, True, 20), (3, True, 28)])
    later = DAY + timedelta(days=29)
    picked = selection.personal_items(items, state, later, 3, [], "w")
    recall = {q: state.memories[point_of(items, q)].recall(later) for q in (1, 2, 3)}
    assert picked == sorted((1, 2, 3), key=lambda q: recall[q])


# --- new material and the daily cap ---------------------------------------------------------------

@settings(max_examples=300, deadline=None)
@given(steps=answers_strategy, n=st.integers(1, 12), gap=st.integers(0, 40), seed=st.text(max_size=4))
def test_every_quiz_has_an_unseen_question_while_any_remain(steps, n, gap, seed):
    items = pool()
    history, last = _history(steps)
    state = learner(items, history)
    today = DAY + timedelta(days=last + gap)
    quiz = selection.choose_quiz(items, state, today, n, "town", seed)
    common_points = {point_of(items, q) for q, c in quiz if c}
    available = [i for i in items if i.id not in state.questions and i.point not in common_points]
    in_quiz_unseen = [q for q, _ in quiz if q not in state.questions]
    if available:
        assert in_quiz_unseen


@settings(max_examples=300, deadline=None)
@given(steps=answers_strategy, n=st.integers(1, 12), gap=st.integers(0, 40), seed=st.text(max_size=4))
def test_reviews_are_capped_per_day_while_new_points_remain(steps, n, gap, seed):
    items = pool()
    history, last = _history(steps)
    state = learner(items, history)
    today = DAY + timedelta(days=last + gap)
    quiz = selection.choose_quiz(items, state, today, n, "town", seed)
    personal = [q for q, c in quiz if not c]
    reviews = [q for q in personal if point_of(items, q) in state.memories]
    common_points = {point_of(items, q) for q, c in quiz if c}
    fresh = {i.point for i in items if i.point not in state.memories and i.point not in common_points}
    fresh_in_quiz = {point_of(items, q) for q in personal} & fresh
    if fresh - fresh_in_quiz:  # new points were left out: then reviews kept to the cap
        assert len(reviews) <= max(0, selection.MAX_REVIEWS_PER_DAY - state.reviews_on(today))


def test_the_cap_counts_todays_earlier_reviews():
    items = pool(topics=("a", "b", "c", "d", "e", "f"), families=False)
    misses = [(q, False, 0) for q in range(1, 11)]
    # Tomorrow, an earlier round already held the day's reviews.
    earlier = [(q, True, 1) for q in range(1, 1 + selection.MAX_REVIEWS_PER_DAY)]
    state = learner(items, misses + earlier)
    tomorrow = DAY + timedelta(days=1)
    assert state.reviews_on(tomorrow) == selection.MAX_REVIEWS_PER_DAY
    picked = selection.personal_items(items, state, tomorrow, 5, [], "w")
    assert all(q not in state.questions for q in picked)
    # Answers in a common slot are imposed, never counted as reviews.
    common = learner(items, misses + [(q, True, 1, True) for q in range(1, 4)])
    assert common.reviews_on(tomorrow) == 0


# --- the quiz as a whole --------------------------------------------------------------------------

@settings(max_examples=200, deadline=None)
@given(n=st.integers(1, 12), steps=answers_strategy, day_offset=st.integers(0, 400), seed=st.text(max_size=5))
def test_a_quiz_never_repeats_a_question_or_a_family_and_has_the_size_asked(n, steps, day_offset, seed):
    items = pool()
    history, _ = _history(steps)
    day = DAY + timedelta(days=day_offset)
    quiz = selection.choose_quiz(items, learner(items, history), day, n, "town", seed)
    ids = [q for q, _ in quiz]
    assert len(ids) == len(set(ids))
    points = [point_of(items, q) for q in ids]
    assert len(points) == len(set(points))
    expected = max(selection.MIN_QUESTIONS, min(selection.MAX_QUESTIONS, n))
    assert len(ids) == expected
    assert [q for q, c in quiz if c] == selection.common_set(items, day, "town")


def test_the_same_record_gives_the_same_quiz():
    items = pool()
    history = [(1, False, 0), (9, True, 0), (14, True, 3), (1, True, 4)]
    one = selection.choose_quiz(items, learner(items, history), DAY + timedelta(days=6), 6, "town", "w")
    two = selection.choose_quiz(items, learner(items, history), DAY + timedelta(days=6), 6, "town", "w")
    assert one == two


def test_replay_counts_answers_and_skips_questions_out_of_rotation():
    items = pool()
    state = learner(items, [(1, False, 0), (2, True, 1), (99, True, 1)])
    assert 99 not in state.questions
    memory = state.memories["a-fam"]
    assert (memory.answers, memory.wrong, memory.streak, memory.last_seen) == (2, 1, 1, DAY + timedelta(days=1))
    assert state.topics["a"] == [2, 1]
    assert (state.questions[1].seen, state.questions[1].last_correct) == (1, False)
    assert selection.replay(items, []).memories == {}


def test_choice_order_is_a_stable_permutation_and_true_false_keeps_its_order():
    order = selection.choice_order(4, "single", "seed")
    assert sorted(order) == [0, 1, 2, 3]
    assert order == selection.choice_order(4, "single", "seed")
    assert selection.choice_order(2, "truefalse", "seed") == [0, 1]
    orders = {tuple(selection.choice_order(4, "single", f"w{i}")) for i in range(20)}
    assert len(orders) > 1  # shuffled per worker


# --- "did you do it" items (unchanged) -------------------------------------------------------------

def test_a_behaviour_item_is_asked_once_then_again_after_a_while():
    items = pool() + [Item(id=100, topic="z", behaviour=True), Item(id=101, topic="z", behaviour=True)]
    assert selection.behaviour_check(items, Learner(), DAY) == 100
    both = learner(items, [(101, False, -10), (100, True, -1)])  # 101 "not yet", 100 "done"
    assert selection.behaviour_check(items, both, DAY) is None
    assert selection.behaviour_check(items, both, DAY + timedelta(days=4)) == 101  # 14 days after "not yet"
    done = learner(items, [(100, True, -1)])
    assert selection.behaviour_check(items, done, DAY + timedelta(days=1)) == 101  # never asked first
    both_done = learner(items, [(100, True, -1), (101, True, 0)])
    assert selection.behaviour_check(items, both_done, DAY - timedelta(days=1) + timedelta(days=90)) == 100
    assert both_done.memories == {}  # no memory, no topic tallies: they are not knowledge


def test_behaviour_items_never_enter_the_scored_questions():
    items = pool() + [Item(id=100 + i, topic="a", behaviour=True) for i in range(20)]
    for d in range(20):
        quiz = selection.choose_quiz(items, Learner(), DAY + timedelta(days=d), 8, "town", f"w{d}")
        assert all(q < 100 for q, _ in quiz)
    assert all(q < 100 for q in selection.practice_quiz(items, Learner(), DAY, 8, "w"))


# --- FSRS's transitions, computed directly ----------------------------------------------------------

@settings(max_examples=200)
@given(st.lists(st.tuples(st.booleans(), st.integers(min_value=0, max_value=400)), min_size=1, max_size=16))
def test_the_direct_review_is_fsrs_own_review(answers):
    """selection.review, and the memory Learner.record keeps, give exactly what SCHEDULER.review_card
    gives, answer after answer (the same floats: the same formulas in the same order)."""
    from fsrs import Card, Rating

    mine, theirs, day = None, Card(card_id=1), DAY
    state = Learner()
    item = Item(id=1, topic="a")
    for correct, gap in answers:
        day += timedelta(days=gap)
        mine = selection.review(mine, correct, day)
        state.record(item, correct, day)
        rating = Rating.Good if correct else Rating.Again
        theirs, _ = selection.SCHEDULER.review_card(theirs, rating, selection._at(day))
        kept = state.memories[item.point].card
        for card in (mine, kept):
            assert (card.state, card.step, card.stability, card.difficulty, card.due, card.last_review) == (
                theirs.state, theirs.step, theirs.stability, theirs.difficulty, theirs.due, theirs.last_review)


@settings(max_examples=60)
@given(st.lists(st.tuples(st.integers(min_value=1, max_value=24), st.booleans(), st.integers(min_value=0, max_value=9),
                          st.booleans()), max_size=40))
def test_the_points_still_scheduled_are_the_memories_not_retired(steps):
    """Learner.scheduled (what the due checks read) is always the memories that are not retired, and
    each memory's day number and stability are its last answer's."""
    items = pool()
    day, answers = 0, []
    for qid, correct, gap, common in steps:
        day += gap
        answers.append((qid, correct, day, common))
    state = learner(items, answers)
    assert state.scheduled == {p: m for p, m in state.memories.items() if not m.retired}
    # The plain numbers personal_items ranks by are the memory's own.
    for memory in state.memories.values():
        assert memory.last_day == memory.last_seen.toordinal() and memory.due_day == memory.due.toordinal()
