"""The supervision rules without a database: thresholds, the three rules, and a follow-up's effect."""

from datetime import date, timedelta
from types import SimpleNamespace

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from quizapp.supervision import rules as sv
from quizapp.supervision.rules import Day, Rules

TODAY = date(2026, 11, 24)  # a Tuesday
SIX_DAYS = "123456"


def day(d: date, completed: int, headcount: int = 10, workday: bool = True, right: int = 0, answered: int = 0):
    return Day(d, workday, headcount, completed, right, answered)


def test_the_defaults_are_the_documented_ones():
    rules = Rules()
    assert (rules.participation_target, rules.participation_workdays) == (0.6, 5)
    assert (rules.knowledge_days, rules.knowledge_drop, rules.knowledge_min_answers) == (30, 0.10, 30)
    assert (rules.incident_months, rules.incident_min_cases) == (3, 2)
    assert Rules.from_json(None) == rules == Rules.from_json(rules.to_json())


def test_stored_values_override_the_defaults_and_bad_ones_are_ignored():
    rules = Rules.from_json({"participation_target": 0.8, "participation_workdays": 3, "knowledge_drop": 5,
                             "knowledge_min_answers": "40", "incident_months": 2.5, "incident_min_cases": True,
                             "knowledge_days": 0, "unknown": 1})
    assert rules.participation_target == 0.8 and rules.participation_workdays == 3
    # Out of range, text, a fraction for a count, a boolean, zero days: the defaults stay.
    assert rules.knowledge_drop == 0.10 and rules.knowledge_min_answers == 30
    assert rules.incident_months == 3 and rules.incident_min_cases == 2 and rules.knowledge_days == 30


@given(st.dictionaries(st.sampled_from([f for f in Rules.BOUNDS]),
                       st.one_of(st.integers(), st.floats(allow_nan=True), st.text(), st.none(), st.booleans())))
@example({"participation_workdays": float("inf")})
def test_any_stored_value_gives_thresholds_within_bounds(value):
    rules = Rules.from_json(value).to_json()
    for name, (low, high) in Rules.BOUNDS.items():
        assert low <= rules[name] <= high


def test_the_last_workdays_skip_days_off_and_today():
    assert sv.last_workdays(TODAY, SIX_DAYS, 3) == [date(2026, 11, 20), date(2026, 11, 21), date(2026, 11, 23)]
    assert sv.last_workdays(TODAY, "1", 2) == [date(2026, 11, 16), date(2026, 11, 23)]
    assert sv.last_workdays(TODAY, "", 2) == []


def low_week(shares=(3, 4, 5, 2, 0), headcount=10):
    dates = sv.last_workdays(TODAY, SIX_DAYS, len(shares))
    return {d: day(d, done, headcount) for d, done in zip(dates, shares, strict=True)}


def test_participation_under_target_on_n_workdays_in_a_row_flags():
    flag = sv.participation_flag(low_week(), SIX_DAYS, TODAY, Rules())
    assert flag.rule == "participation"
    assert flag.figures["shares"] == [0.3, 0.4, 0.5, 0.2, 0.0]
    assert (flag.figures["first"], flag.figures["last"]) == (date(2026, 11, 18), date(2026, 11, 23))


def test_one_workday_at_the_target_breaks_the_run():
    assert sv.participation_flag(low_week((3, 4, 6, 2, 0)), SIX_DAYS, TODAY, Rules()) is None


def test_a_day_off_in_between_neither_breaks_nor_counts():
    days = low_week()
    days[date(2026, 11, 22)] = day(date(2026, 11, 22), 10, workday=False)  # Sunday: everyone did it anyway
    assert sv.participation_flag(days, SIX_DAYS, TODAY, Rules()) is not None


def test_a_missing_rollup_or_an_empty_roster_is_no_evidence():
    days = low_week()
    del days[date(2026, 11, 20)]
    assert sv.participation_flag(days, SIX_DAYS, TODAY, Rules()) is None
    assert sv.participation_flag(low_week(headcount=0), SIX_DAYS, TODAY, Rules()) is None


def test_done_above_the_headcount_is_capped():
    days = low_week((3, 4, 5, 2, 0))
    d = date(2026, 11, 23)
    days[d] = day(d, 12, headcount=10)
    assert sv.participation_flag(days, SIX_DAYS, TODAY, Rules()) is None
    assert days[d].participation == 1.0


def test_evidence_from_before_a_closed_case_is_not_used_again():
    assert sv.participation_flag(low_week(), SIX_DAYS, TODAY, Rules(), since=date(2026, 11, 18)) is None
    assert sv.participation_flag(low_week(), SIX_DAYS, TODAY, Rules(), since=date(2026, 11, 17)) is not None


def knowledge_days(before: tuple[int, int], now: tuple[int, int]) -> list[Day]:
    """One day in each window carrying all of its (right, answered)."""
    (p_first, _), (c_first, _) = sv.knowledge_windows(TODAY, Rules())
    return [day(p_first, 5, right=before[0], answered=before[1]), day(c_first, 5, right=now[0], answered=now[1])]


def test_knowledge_falling_by_more_than_ten_points_flags():
    flag = sv.knowledge_flag(knowledge_days((62, 100), (48, 100)), TODAY, Rules())
    assert flag.rule == "knowledge" and flag.figures["drop"] == pytest.approx(0.14)
    assert (flag.figures["answers_before"], flag.figures["answers_now"]) == (100, 100)


def test_a_drop_of_exactly_ten_points_does_not_flag():
    assert sv.knowledge_flag(knowledge_days((70, 100), (60, 100)), TODAY, Rules()) is None


def test_too_few_common_answers_in_either_window_do_not_flag():
    assert sv.knowledge_flag(knowledge_days((29, 29), (0, 30)), TODAY, Rules()) is None
    assert sv.knowledge_flag(knowledge_days((30, 30), (0, 29)), TODAY, Rules()) is None
    assert sv.knowledge_flag(knowledge_days((30, 30), (0, 30)), TODAY, Rules()) is not None


def test_the_knowledge_windows_are_the_30_days_to_yesterday_and_the_30_before():
    previous, current = sv.knowledge_windows(TODAY, Rules())
    assert current == (TODAY - timedelta(days=30), TODAY - timedelta(days=1))
    assert previous == (TODAY - timedelta(days=60), TODAY - timedelta(days=31))
    outside = [day(TODAY, 5, right=0, answered=500), day(TODAY - timedelta(days=61), 5, right=500, answered=500)]
    assert sv.knowledge_flag(outside + knowledge_days((60, 100), (55, 100)), TODAY, Rules()) is None


def test_rising_incidents_flag_with_at_least_two_cases():
    months = {date(2026, 9, 1): 1, date(2026, 11, 1): 2, date(2025, 10, 1): 1, date(2026, 8, 1): 9,
              date(2025, 8, 1): 0}
    flag = sv.incident_flag(months, TODAY, Rules())
    assert flag.figures["cases"] == 3 and flag.figures["cases_year_before"] == 1
    assert (flag.figures["first"], flag.figures["year_first"]) == (date(2026, 9, 1), date(2025, 9, 1))


@pytest.mark.parametrize("months", [
    {date(2026, 10, 1): 2, date(2025, 10, 1): 2},  # not more than a year before
    {date(2026, 10, 1): 1},  # fewer than two
    {date(2026, 8, 1): 5},  # before the window
])
def test_incidents_that_do_not_rise_do_not_flag(months):
    assert sv.incident_flag(months, TODAY, Rules()) is None


def test_the_effect_of_a_follow_up_compares_two_weeks_before_and_after():
    on = date(2026, 11, 10)
    days = {on - timedelta(days=n): day(on - timedelta(days=n), 3) for n in range(1, 15)}
    days.update({on + timedelta(days=n): day(on + timedelta(days=n), 8) for n in range(14)})
    effect = sv.effect(on, days, TODAY)
    assert [d for d, _ in effect.before][0] == date(2026, 10, 27) and effect.before[-1][0] == date(2026, 11, 9)
    assert effect.after[0][0] == on and effect.after[-1][0] == date(2026, 11, 23)
    assert effect.participation_before == pytest.approx(0.3)
    assert effect.participation_after == pytest.approx(0.8)
    assert effect.change == pytest.approx(0.5) and effect.days_to_come == 0


def test_days_still_to_come_are_not_counted():
    on = TODAY - timedelta(days=2)
    days = {on: day(on, 10), TODAY: day(TODAY, 0), on - timedelta(days=1): day(on - timedelta(days=1), 5)}
    effect = sv.effect(on, days, TODAY)
    assert effect.participation_after == 1.0 and effect.days_to_come == 12
    assert effect.participation_before == 0.5


def test_no_figures_around_a_follow_up_give_no_change():
    effect = sv.effect(TODAY, {}, TODAY)
    assert effect.participation_before is None and effect.change is None
    assert all(share is None for _, share in effect.before)


def test_a_case_is_overdue_only_while_open_and_after_its_deadline():
    day = date(2026, 11, 24)
    assert sv.is_overdue("open", day - timedelta(days=1), day)
    assert not sv.is_overdue("open", day, day)  # the deadline day itself is in time
    assert not sv.is_overdue("closed", day - timedelta(days=9), day)
    assert not sv.is_overdue("open", None, day)
    assert sv.default_deadline(day) == day + timedelta(days=sv.DEADLINE_DAYS)
    assert sv.deadline_problem(day - timedelta(days=1), day - timedelta(days=5), day) == "supervision.deadline_past"
    assert sv.deadline_problem(day + timedelta(days=367), day, day) == "supervision.deadline_far"
    assert sv.deadline_problem(day, day, day) is None


def test_closing_needs_a_follow_up_and_a_short_result():
    assert sv.close_problems(0, "") == [("supervision.close_needs_follow_up", None),
                                           ("supervision.close_reason_needed", "reason")]
    assert sv.close_problems(1, "x" * (sv.RESULT_MAX + 1)) == [("supervision.too_long", "reason")]
    assert sv.close_problems(1, "  fixed  ") == []


def test_only_a_formal_talk_needs_its_summons():
    assert sv.summons_problems("visit", "", "", "") == []
    assert [f for _c, f in sv.summons_problems("yuetan", "张", " ", "")] == ["summoned_role", "place"]
    assert sv.summons_problems("yuetan", "张", "厂长", "会议室") == []


def test_the_year_s_counts_go_by_the_day_things_happened():
    case = SimpleNamespace
    cases = [case(grid_id=1, opened_on=date(2026, 1, 5), closed_on=date(2026, 2, 1), status="closed", deadline=None),
             case(grid_id=1, opened_on=date(2025, 12, 30), closed_on=None, status="open", deadline=date(2026, 1, 30)),
             case(grid_id=2, opened_on=date(2025, 6, 1), closed_on=date(2025, 7, 1), status="closed", deadline=None)]
    found = sv.year_counts(cases, [(1, date(2026, 3, 1)), (1, date(2025, 3, 1)), (3, date(2026, 5, 5))], 2026,
                              date(2026, 11, 24))
    assert (found[1].summons, found[1].opened, found[1].closed, found[1].overdue) == (1, 1, 1, 1)
    assert (found[2].opened, found[2].closed) == (0, 0) and found[3].summons == 1
