"""The round's pure rules: stepping through the questions, and shares that stay hidden below
MIN_ANSWERS answers."""

from hypothesis import given
from hypothesis import strategies as st

from quizapp.rounds.rules import MIN_ANSWERS, Place, Step, move, tally


@given(st.integers(1, 8), st.lists(st.sampled_from(list(Step)), max_size=30))
def test_the_screen_never_leaves_the_round_s_questions(total, steps):
    place = Place(1, False)
    for step in steps:
        place = move(place, step, total)
        assert 1 <= place.position <= total


def test_next_hides_the_answer_previous_shows_it_reveal_shows_it():
    assert move(Place(1, True), Step.NEXT, 2) == Place(2, False)
    assert move(Place(2, False), Step.PREVIOUS, 2) == Place(1, True)
    assert move(Place(1, False), Step.REVEAL, 2) == Place(1, True)


def test_the_ends_do_not_move_and_end_leaves_the_screen_where_it_is():
    assert move(Place(2, False), Step.NEXT, 2) == Place(2, False)
    assert move(Place(1, False), Step.PREVIOUS, 2) == Place(1, False)
    assert move(Place(2, True), Step.END, 2) == Place(2, True)


def test_shares_are_hidden_until_enough_have_answered():
    few = tally(3, [[0]] * (MIN_ANSWERS - 1), expected=12)
    assert not few.shown and few.percents() == ["–", "–", "–"] and few.share(0) is None
    assert few.answered == MIN_ANSWERS - 1 and few.counts == (MIN_ANSWERS - 1, 0, 0)
    enough = tally(3, [[0], [0], [1], [2], [0]], expected=12)
    assert enough.shown and enough.percents() == ["60%", "20%", "20%"]


def test_a_multiple_choice_answer_counts_for_each_option_it_chose():
    shares = tally(4, [[0, 1], [0, 2], [0], [1, 1], [3]], expected=5)
    assert shares.counts == (3, 2, 1, 1)  # the repeated 1 counts once
    assert shares.percents() == ["60%", "40%", "20%", "20%"]


def test_an_index_the_question_does_not_have_counts_for_no_option():
    shares = tally(2, [[0], [5], [1], [-1], [0]], expected=5)
    assert shares.answered == 5 and shares.counts == (2, 1)

