"""The question-selection rules of docs/selection.md, as pure functions."""

from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from quizapp.quiz.rules import selection
from quizapp.quiz.rules.selection import Item, Review

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


def review(qid, box=1, due=DAY, seen=1, wrong=1, last=DAY - timedelta(days=1)):
    return Review(question_id=qid, box=box, due=due, seen=seen, wrong=wrong, last_seen=last)


def test_common_set_is_the_same_for_everyone_on_a_date_and_changes_by_day():
    items = pool()
    first = selection.common_set(items, DAY, "town")
    assert first == selection.common_set(list(reversed(items)), DAY, "town")
    assert len(first) == 3 and len(set(first)) == 3
    assert first != selection.common_set(items, DAY + timedelta(days=1), "town")
    assert all(next(i for i in items if i.id == q).common for q in first)


def test_common_set_rotates_through_topics_and_does_not_repeat_before_the_topic_is_used_up():
    items = pool()
    topic_of = {i.id: i.topic for i in items}
    commons_per_topic = 3
    days = [DAY + timedelta(days=d) for d in range(4)]  # 12 slots over 4 topics: 3 rounds
    chosen = [q for d in days for q in selection.common_set(items, d, "town")]
    per_topic = {}
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
        assert len({topic_of[q] for q in qs}) == 3


def test_common_count_leaves_room_for_personal_questions():
    assert [selection.common_count(n) for n in range(3, 9)] == [2, 2, 3, 3, 3, 3]


def test_due_missed_questions_come_back_first():
    items = pool()
    reviews = [review(9, box=1, due=DAY - timedelta(days=2)), review(10, box=2, due=DAY),
               review(11, box=1, due=DAY + timedelta(days=1))]  # not due yet
    picked = selection.personal_items(items, reviews, DAY, 2, [], "w1")
    assert picked == [9, 10]


def test_a_quiz_holds_one_question_per_family():
    items = pool()
    reviews = [review(7, box=1, due=DAY - timedelta(days=1)), review(8, box=1, due=DAY)]  # one family
    picked = selection.personal_items(items, reviews, DAY, 4, [], "w1")
    assert 7 in picked and 8 not in picked


def test_unseen_questions_come_from_the_weakest_topic():
    items = pool()
    # Topic "b" (ids 7-12) answered badly, topic "a" (ids 1-6) well; nothing due.
    reviews = [review(7, box=1, due=DAY + timedelta(days=3), seen=2, wrong=2),
               review(1, box=5, due=DAY + timedelta(days=30), seen=2, wrong=0)]
    picked = selection.personal_items(items, reviews, DAY, 3, [], "w1")
    assert {next(i.topic for i in items if i.id == q) for q in picked} == {"b"}
    assert 7 not in picked


def test_everything_seen_brings_back_the_least_recently_seen():
    items = pool(topics=("a",), per_topic=3, families=False)
    reviews = [review(1, box=5, due=DAY + timedelta(days=9), wrong=0, last=DAY - timedelta(days=3)),
               review(2, box=5, due=DAY + timedelta(days=9), wrong=0, last=DAY - timedelta(days=9)),
               review(3, box=5, due=DAY + timedelta(days=9), wrong=0, last=DAY - timedelta(days=1))]
    assert selection.personal_items(items, reviews, DAY, 3, [], "w") == [2, 1, 3]


def test_next_review_widens_the_gap_after_each_right_answer():
    box, due = selection.next_review(None, False, DAY)
    assert (box, due) == (1, DAY + timedelta(days=1))
    gaps = []
    state = review(1, box=box, due=due)
    for _ in range(4):
        box, due = selection.next_review(state, True, state.due)
        gaps.append((due - state.due).days)
        state = review(1, box=box, due=due)
    assert gaps == [3, 7, 14, 30]
    assert selection.next_review(None, True, DAY)[0] == selection.KNOWN_BOX


def test_choice_order_is_a_stable_permutation_and_true_false_keeps_its_order():
    order = selection.choice_order(4, "single", "seed")
    assert sorted(order) == [0, 1, 2, 3]
    assert order == selection.choice_order(4, "single", "seed")
    assert selection.choice_order(2, "truefalse", "seed") == [0, 1]
    orders = {tuple(selection.choice_order(4, "single", f"w{i}")) for i in range(20)}
    assert len(orders) > 1  # shuffled per worker


reviews_strategy = st.lists(
    st.builds(review, st.integers(1, 24), st.integers(0, 5),
              st.dates(DAY - timedelta(days=40), DAY + timedelta(days=40)), st.integers(1, 5),
              st.integers(0, 1), st.dates(DAY - timedelta(days=40), DAY)),
    unique_by=lambda r: r.question_id, max_size=24)


@settings(max_examples=200, deadline=None)
@given(n=st.integers(1, 12), reviews=reviews_strategy, day_offset=st.integers(0, 400), seed=st.text(max_size=5))
def test_a_quiz_never_repeats_a_question_or_a_family_and_has_the_size_asked(n, reviews, day_offset, seed):
    items = pool()
    day = DAY + timedelta(days=day_offset)
    quiz = selection.choose_quiz(items, reviews, day, n, "town", seed)
    ids = [q for q, _ in quiz]
    assert len(ids) == len(set(ids))
    families = [next(i.family for i in items if i.id == q) for q in ids]
    families = [f for f in families if f]
    assert len(families) == len(set(families))
    expected = max(selection.MIN_QUESTIONS, min(selection.MAX_QUESTIONS, n))
    assert len(ids) == expected
    common = [q for q, c in quiz if c]
    assert common == selection.common_set(items, day, "town")[: selection.common_count(expected)]


def test_review_states_replay_the_answer_history():
    history = [(1, False, DAY), (2, True, DAY), (1, True, DAY + timedelta(days=1))]
    states = {r.question_id: r for r in selection.review_states(history)}
    assert states[1].box == 2 and states[1].due == DAY + timedelta(days=4)
    assert (states[1].seen, states[1].wrong, states[1].last_seen) == (2, 1, DAY + timedelta(days=1))
    assert states[2].box == selection.KNOWN_BOX and states[2].wrong == 0
    assert selection.review_states([]) == []


def test_a_behaviour_item_is_asked_once_then_again_after_a_while():
    items = pool() + [Item(id=100, topic="z", behaviour=True), Item(id=101, topic="z", behaviour=True)]
    assert selection.behaviour_check(items, [], DAY) == 100
    done = review(100, box=5, due=DAY, wrong=0, last=DAY - timedelta(days=1))
    not_yet = review(101, box=1, due=DAY, wrong=1, last=DAY - timedelta(days=10))
    assert selection.behaviour_check(items, [done, not_yet], DAY) is None
    assert selection.behaviour_check(items, [done, not_yet], DAY + timedelta(days=4)) == 101  # 14 days after "not yet"
    assert selection.behaviour_check(items, [done], DAY + timedelta(days=1)) == 101  # never asked first
    assert selection.behaviour_check(items, [done, review(101, box=5, wrong=0, last=DAY)],
                                     DAY - timedelta(days=1) + timedelta(days=90)) == 100  # a quarter after "done"


def test_behaviour_items_never_enter_the_scored_questions():
    items = pool() + [Item(id=100 + i, topic="a", behaviour=True) for i in range(20)]
    for d in range(20):
        quiz = selection.choose_quiz(items, [], DAY + timedelta(days=d), 8, "town", f"w{d}")
        assert all(q < 100 for q, _ in quiz)
    assert all(q < 100 for q in selection.practice_quiz(items, [], DAY, 8, "w"))
