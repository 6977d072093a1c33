"""The quiz clock's rule: reading time after an answer, between a floor and a cap."""

from hypothesis import given
from hypothesis import strategies as st

from quizapp.quiz.rules.timing import MAX_READING_SECONDS, MIN_READING_SECONDS, reading_seconds


def content(zh: str, en: str) -> dict:
    return {"explain": {"zh": zh, "en": en}, "rule": {"zh": "", "en": ""}}


def test_a_typical_explanation_gets_the_time_a_slow_reader_needs():
    assert reading_seconds(content("字" * 200, "w" * 400)) == 40  # 200 zh chars at 5 a second


def test_the_slower_language_decides():
    assert reading_seconds(content("字" * 100, "w" * 800)) == 50  # 800 en chars at 16 a second


def test_short_feedback_gets_the_floor_and_long_feedback_the_cap():
    assert reading_seconds(content("对", "Yes")) == MIN_READING_SECONDS
    assert reading_seconds(content("字" * 2000, "")) == MAX_READING_SECONDS


def test_the_rule_is_read_too():
    with_rule = {"explain": {"zh": "字" * 200, "en": ""}, "rule": {"zh": "字" * 50, "en": ""}}
    assert reading_seconds(with_rule) == 50


@given(st.text(max_size=3000), st.text(max_size=3000))
def test_always_within_the_bounds(zh, en):
    assert MIN_READING_SECONDS <= reading_seconds(content(zh, en)) <= MAX_READING_SECONDS


def test_missing_texts_get_the_floor():
    assert reading_seconds({}) == MIN_READING_SECONDS
