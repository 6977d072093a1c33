from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from quizapp.retention.rules import cutoff, months_back, uploads_kept_from


def test_months_back_keeps_the_day_and_clamps_to_the_end_of_a_short_month():
    assert months_back(date(2026, 11, 24), 12) == date(2025, 11, 24)
    assert months_back(date(2026, 3, 31), 1) == date(2026, 2, 28)
    assert months_back(date(2024, 3, 31), 1) == date(2024, 2, 29)
    assert months_back(date(2026, 1, 15), 1) == date(2025, 12, 15)
    assert months_back(date(2026, 1, 15), 25) == date(2023, 12, 15)


@pytest.mark.parametrize("months", [0, -1, 121])
def test_a_retention_outside_one_month_to_ten_years_is_refused(months):
    with pytest.raises(ValueError, match="1 to 120 months"):
        cutoff(date(2026, 11, 24), months)


def test_the_cutoff_is_the_first_day_kept():
    assert cutoff(date(2026, 11, 24), 12) == date(2025, 11, 24)


def test_an_upload_is_kept_from_the_start_of_the_cutoff_day_in_the_town_s_zone():
    # Upload times are naive UTC: midnight in Dongguan is 16:00 UTC the day before.
    assert uploads_kept_from(cutoff(date(2026, 11, 24), 12), ZoneInfo("Asia/Shanghai")) == datetime(2025, 11, 23, 16, 0)
    assert uploads_kept_from(date(2025, 11, 24), ZoneInfo("UTC")) == datetime(2025, 11, 24, 0, 0)
