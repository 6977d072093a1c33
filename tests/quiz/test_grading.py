"""Grading, streaks, weakest topic and the metric definitions."""

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from quizapp.quiz.rules import grading
from quizapp.rules import metrics

MONDAY = date(2026, 11, 23)


def test_only_the_exact_set_of_correct_options_is_right():
    assert grading.is_correct([1], [1])
    assert not grading.is_correct([1], [0])
    assert grading.is_correct([0, 2], [2, 0])
    assert not grading.is_correct([0, 2], [0])  # no partial credit
    assert not grading.is_correct([0, 2], [0, 1, 2])


def test_streak_counts_workdays_and_skips_days_off():
    # Mon-Sat workdays. Done Thu, Fri, Sat, (Sun off), Mon; today is Tuesday, not yet done.
    tuesday = MONDAY + timedelta(days=1)
    done = {MONDAY - timedelta(days=d) for d in (4, 3, 2)} | {MONDAY}
    assert grading.streak(done, tuesday, "123456") == 4
    assert grading.streak(done | {tuesday}, tuesday, "123456") == 5


def test_a_missed_workday_breaks_the_streak():
    done = {MONDAY, MONDAY - timedelta(days=3)}  # Friday done, Saturday missed
    assert grading.streak(done, MONDAY, "123456") == 1
    assert grading.streak(set(), MONDAY, "123456") == 0
    assert grading.streak({MONDAY}, MONDAY, "") == 0


@given(st.sets(st.dates(MONDAY - timedelta(days=60), MONDAY)))
def test_streak_is_never_negative_nor_longer_than_the_days_done(done):
    value = grading.streak(done, MONDAY, "12345")
    assert 0 <= value <= len(done)


def test_weakest_topic_is_the_lowest_share_right():
    results = [("a", True), ("a", False), ("b", False), ("b", False), ("c", True)]
    assert grading.weakest_topic(results) == "b"
    assert grading.weakest_topic([]) is None


def day(workday=True, headcount=10, completed=5, common_correct=3, common_answered=6):
    return metrics.DayFigures(workday=workday, headcount=headcount, completed=completed, score_sum=completed * 4,
                              question_sum=completed * 5, common_correct=common_correct,
                              common_answered=common_answered)


def test_participation_counts_non_starters_and_ignores_days_off():
    days = [day(completed=5), day(completed=10), day(workday=False, completed=3)]
    assert metrics.participation(days) == 15 / 20
    assert metrics.participation([day(workday=False)]) is None


def test_knowledge_index_is_the_share_right_on_the_common_set():
    assert metrics.knowledge_index([day(common_correct=3, common_answered=6), day(common_correct=6, common_answered=6)]) == 0.75
    assert metrics.knowledge_index([day(common_correct=0, common_answered=0)]) is None
    assert metrics.average_score([day(completed=2)]) == 0.8


def test_coverage_is_the_share_of_workers_reached():
    assert metrics.coverage(30, 40) == 0.75
    assert metrics.coverage(0, 0) is None
