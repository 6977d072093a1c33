"""The demo town's clock rule for today's quizzes (quizapp/demo/town.py): pure, no database."""

from datetime import date, datetime

from quizapp.demo.town import minutes_ago_today


def test_today_s_quizzes_start_in_the_last_four_hours_but_never_before_local_midnight():
    # 14:00 in Dongguan (06:00 UTC): anywhere from 6 minutes to 4 hours ago.
    assert minutes_ago_today(datetime(2026, 12, 7, 6, 0), date(2026, 12, 7)) == (6, 240)
    # 00:30 in Dongguan (16:30 UTC the day before): at most 30 minutes ago, so still today.
    assert minutes_ago_today(datetime(2026, 12, 6, 16, 30), date(2026, 12, 7)) == (6, 30)
    # 00:03: just after midnight.
    assert minutes_ago_today(datetime(2026, 12, 6, 16, 3), date(2026, 12, 7)) == (3, 3)
