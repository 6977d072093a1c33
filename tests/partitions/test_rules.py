"""Month partitions' names and bounds: which months to make, where converting starts them, and
which partitions retention may drop whole."""

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from quizapp.partitions.rules import (
    Month,
    add_months,
    first_monthly,
    legacy_name,
    months_needed,
    months_to_ensure,
    wholly_before,
)


def test_a_month_is_named_and_bounded_by_its_first_days():
    month = Month(date(2026, 12, 1))
    assert (month.name, month.end) == ("answer_y2026m12", date(2027, 1, 1))
    assert legacy_name(date(2027, 1, 1)) == "answer_before_y2027m01"


def test_converting_starts_the_months_after_today_and_the_newest_answer():
    assert first_monthly(date(2026, 12, 6), None) == date(2027, 1, 1)
    assert first_monthly(date(2026, 12, 6), date(2026, 11, 30)) == date(2027, 1, 1)
    assert first_monthly(date(2026, 12, 6), date(2027, 2, 3)) == date(2027, 3, 1)  # a clock that was ahead


def test_the_months_needed_run_from_this_month_or_the_first_month_partition_to_ahead():
    assert [m.name for m in months_needed(date(2026, 12, 6), 3, date(2026, 1, 1))] == [
        "answer_y2026m12", "answer_y2027m01", "answer_y2027m02", "answer_y2027m03"]
    assert [m.name for m in months_needed(date(2026, 12, 6), 2, date(2027, 1, 1))] == [
        "answer_y2027m01", "answer_y2027m02"]
    assert months_needed(date(2026, 12, 6), 0, date(2027, 1, 1)) == []


@pytest.mark.parametrize("ahead", [-1, 25])
def test_ahead_is_bounded(ahead):
    with pytest.raises(ValueError, match="0 to 24"):
        months_needed(date(2026, 12, 6), ahead, date(2026, 12, 1))


def test_only_partitions_wholly_before_the_cutoff_are_dropped():
    bounds = {"answer_before_y2025m03": date(2025, 3, 1), "answer_y2025m03": date(2025, 4, 1),
              "answer_y2025m04": date(2025, 5, 1)}
    assert wholly_before(bounds, date(2025, 4, 20)) == ["answer_before_y2025m03", "answer_y2025m03"]
    assert wholly_before(bounds, date(2025, 4, 1)) == ["answer_before_y2025m03", "answer_y2025m03"]
    assert wholly_before(bounds, date(2025, 2, 28)) == []


@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 1, 1)), st.integers(0, 24))
def test_the_months_needed_are_consecutive_and_cover_today_to_ahead(today, ahead):
    months = months_needed(today, ahead, date(1999, 1, 1))
    assert months[0].start <= today < months[0].end
    assert all(a.end == b.start for a, b in zip(months, months[1:], strict=False))
    assert months[-1].start == add_months(today.replace(day=1), ahead)


def test_ensure_fills_the_months_missed_since_the_last_partition():
    assert [m.name for m in months_to_ensure(date(2025, 9, 1), 1, date(2025, 5, 1))] == [
        f"answer_y2025m{m:02d}" for m in range(5, 11)]
    assert [m.name for m in months_to_ensure(date(2025, 9, 1), 1, date(2026, 1, 1))] == [
        "answer_y2025m09", "answer_y2025m10"]  # already there: the service skips what exists
    assert [m.name for m in months_to_ensure(date(2025, 9, 1), 0, None)] == ["answer_y2025m09"]
