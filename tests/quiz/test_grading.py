"""Grading and the weakest topic (streaks and the other shared figures: tests/rules/test_metrics.py)."""

from quizapp.quiz.rules import grading


def test_only_the_exact_set_of_correct_options_is_right():
    assert grading.is_correct([1], [1])
    assert not grading.is_correct([1], [0])
    assert grading.is_correct([0, 2], [2, 0])
    assert not grading.is_correct([0, 2], [0])  # no partial credit
    assert not grading.is_correct([0, 2], [0, 1, 2])


def test_weakest_topic_is_the_lowest_share_right():
    results = [("a", True), ("a", False), ("b", False), ("b", False), ("c", True)]
    assert grading.weakest_topic(results) == "b"
    assert grading.weakest_topic([]) is None
