"""The shared figures (rules.metrics, docs/metrics.md): one definition each, whatever page shows it."""

from datetime import date, timedelta
from decimal import Decimal
from types import SimpleNamespace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from quizapp.rules import metrics
from quizapp.rules.metrics import Span, Tally, day_tally

MONDAY = date(2026, 11, 23)


def test_a_day_with_data_expects_its_headcount_on_a_workday_and_caps_done_at_it():
    assert day_tally(True, 10, 7, 3, 6) == Tally(10, 7, 3, 6, 1)
    assert day_tally(True, 3, 5) == Tally(3, 3, 0, 0, 1)  # a frozen headcount cannot pass 100%
    assert day_tally(False, 10, 4, 2, 5) == Tally(0, 0, 2, 5, 1)  # a day off expects nothing; its common set counts


def test_participation_counts_non_starters_and_leaves_days_off_and_days_without_data_out():
    days = [day_tally(True, 10, 5), day_tally(True, 10, 10), day_tally(False, 10, 3)]
    assert metrics.total(days).participation == 15 / 20
    assert metrics.total(days).days == 3
    assert day_tally(False, 10, 3).participation is None
    assert Tally().participation is None and Tally().knowledge is None  # no data: "–", never 0%


def test_knowledge_index_and_average_score_are_shares_right():
    assert metrics.total([day_tally(True, 1, 1, 3, 6), day_tally(True, 1, 1, 6, 6)]).knowledge == 0.75
    assert metrics.average_score(8, 10) == 0.8 and metrics.average_score(0, 0) is None


def test_coverage_is_the_share_of_todays_workers_reached_and_never_passes_100_percent():
    assert metrics.coverage(30, 40) == 0.75
    assert metrics.coverage(45, 40) == 1.0
    assert metrics.coverage(0, 0) is None


def test_a_change_is_never_against_nothing():
    assert metrics.change(0.7, 0.5) == 0.7 - 0.5
    assert metrics.change(0.7, None) is None and metrics.change(None, 0.5) is None
    assert metrics.count_change(383, 380) == 3
    assert metrics.count_change(383, None) is None  # the monthly report's old "上期 0 / +383"


def test_headcount_over_a_period_is_its_last_day_with_data():
    assert metrics.headcount_at_end([(MONDAY, 10), (MONDAY + timedelta(days=2), 12)]) == 12
    assert metrics.headcount_at_end([]) is None


def test_percentages_round_half_up_the_way_a_spreadsheet_shows_them():
    assert metrics.percent(0.625) == "63%"  # not Python's round-half-even 62%
    assert metrics.percent(0.285) == "29%"  # 0.285 * 100 is 28.499999... as a float
    assert metrics.percent(57 / 200) == "29%"
    assert metrics.percent(1.0) == "100%" and metrics.percent(0) == "0%"
    assert metrics.percent(None) == "–"
    assert metrics.percent_number(0.6254, 1) == 62.5


def test_points_round_half_up_away_from_zero():
    assert metrics.whole_points(0.125) == 13
    assert metrics.whole_points(-0.125) == -13
    assert metrics.whole_points(-0.003) == 0
    assert metrics.whole_points(None) is None


def test_a_quiz_is_done_when_finished_or_out_of_time_with_an_answer_given():
    assert metrics.quiz_done(finished=True, ran_out=False, answered=5)  # every question answered
    assert metrics.quiz_done(finished=False, ran_out=True, answered=1)  # time ran out, not closed yet
    assert metrics.quiz_done(finished=True, ran_out=True, answered=1)  # and closed
    assert not metrics.quiz_done(finished=False, ran_out=False, answered=2)  # still being answered
    # Opened and left with no answer: not done, closed or not (docs/metrics.md, "Done").
    assert not metrics.quiz_done(finished=False, ran_out=True, answered=0)
    assert not metrics.quiz_done(finished=True, ran_out=True, answered=0)
    assert not metrics.quiz_done(finished=False, ran_out=False, answered=0)


def test_streak_counts_workdays_and_skips_days_off():
    # Mon-Sat workdays. Done Thu, Fri, Sat, (Sun off), Mon; today is Tuesday, not yet done.
    tuesday = MONDAY + timedelta(days=1)
    done = {MONDAY - timedelta(days=d) for d in (4, 3, 2)} | {MONDAY}
    assert metrics.streak(done, tuesday, "123456") == 4
    assert metrics.streak(done | {tuesday}, tuesday, "123456") == 5


def test_a_quiz_on_a_day_off_counts_and_a_day_off_without_one_is_skipped():
    # Mon-Sat workdays. Done Fri, Sat and Sunday (a day off, overtime): Sunday's result says 3, not 0.
    sunday = MONDAY - timedelta(days=1)
    done = {sunday - timedelta(days=2), sunday - timedelta(days=1), sunday}
    assert metrics.streak(done, sunday, "123456") == 3
    assert metrics.streak({sunday}, sunday, "123456") == 1  # Saturday missed: the Sunday alone
    assert metrics.streak(done - {sunday}, sunday, "123456") == 2  # Sunday not done: skipped
    assert metrics.streak(done | {MONDAY}, MONDAY, "123456") == 4


def test_a_missed_workday_breaks_the_streak():
    done = {MONDAY, MONDAY - timedelta(days=3)}  # Friday done, Saturday missed
    assert metrics.streak(done, MONDAY, "123456") == 1
    assert metrics.streak(set(), MONDAY, "123456") == 0
    assert metrics.streak({MONDAY}, MONDAY, "") == 0


@given(st.sets(st.dates(MONDAY - timedelta(days=60), MONDAY)))
def test_streak_is_never_negative_nor_longer_than_the_days_done(done):
    value = metrics.streak(done, MONDAY, "12345")
    assert 0 <= value <= len(done)


def test_incidents_count_by_the_month_they_happened_in_with_exact_losses():
    nov, dec = date(2026, 11, 1), date(2026, 12, 1)
    records = [SimpleNamespace(month=nov, cases=15, loss_yuan=Decimal("100.10"), raw_reports=20),
               SimpleNamespace(month=dec, cases=4, loss_yuan=0.2, raw_reports=6),
               SimpleNamespace(month=dec, cases=0, loss_yuan=0.1, raw_reports=1)]
    assert metrics.incident_totals(records, [dec]) == metrics.IncidentTotals(4, Decimal("0.3"), 7)
    assert metrics.incident_totals(records) == metrics.IncidentTotals(19, Decimal("100.40"), 27)


def test_a_figure_declines_when_it_is_lower_than_a_year_before():
    assert metrics.declined(3, 5) is True and metrics.declined(5, 3) is False
    assert metrics.declined(4, 4) is False  # 持平: not a decline
    assert metrics.declined(0, 0) is None  # nothing either year: neither
    assert metrics.declined(Decimal("0.5"), Decimal("0.6")) is True


def test_months_without_a_case():
    assert metrics.months_without_case(None, MONDAY) is None
    assert metrics.months_without_case(date(2026, 11, 1), MONDAY) == 0
    assert metrics.months_without_case(date(2026, 8, 1), MONDAY) == 3
    assert metrics.months_without_case(date(2025, 12, 1), MONDAY) == 11


def test_heat_classes_run_from_0_to_9():
    assert metrics.heat_class(None) == "heat-none"
    assert metrics.heat_class(0.0) == "heat-0" and metrics.heat_class(0.95) == "heat-9"
    assert metrics.heat_class(1.0) == "heat-9" and metrics.heat_class(0.5) == "heat-5"


def named(name, value):
    return SimpleNamespace(name=name, value=value)


def test_top_and_bottom_never_list_one_item_twice():
    few = [named(n, v) for n, v in [("a", 0.5), ("b", 0.9), ("c", None), ("d", 0.1)]]
    top, bottom = metrics.top_and_bottom(few, lambda i: i.value)
    assert [i.name for i in top] == ["b", "a", "d"] and bottom == []  # fewer than 10: one list
    many = [named(f"n{i:02d}", i / 20) for i in range(12)]
    top, bottom = metrics.top_and_bottom(many, lambda i: i.value)
    assert [i.name for i in top] == ["n11", "n10", "n09", "n08", "n07"]
    assert [i.name for i in bottom] == ["n00", "n01", "n02", "n03", "n04"]
    ten = [named(f"n{i:02d}", i / 20) for i in range(10)]
    top, bottom = metrics.top_and_bottom(ten, lambda i: i.value)
    assert not {i.name for i in top} & {i.name for i in bottom}


def test_ranking_keeps_items_without_a_value_last_and_ties_by_name():
    items = [named("b", 0.5), named("a", 0.5), named("c", None), named("d", 0.9)]
    assert [i.name for i in metrics.ranked(items, lambda i: i.value)] == ["a", "b", "d", "c"]
    assert [i.name for i in metrics.ranked(items, lambda i: i.value, descending=True)] == ["d", "a", "b", "c"]


def test_the_dashboard_periods_need_four_disjoint_segments():
    today = MONDAY
    spans = [metrics.trailing(today, 1), metrics.trailing(today, 7), metrics.trailing(today, 30),
             metrics.trailing(today, 30, 30)]
    pieces = metrics.segments(spans)
    assert len(pieces) == 4 and pieces[-1] == Span(today, today)


@given(st.lists(st.tuples(st.integers(0, 60), st.integers(1, 40)), min_size=1, max_size=6))
def test_every_period_is_exactly_the_union_of_the_segments_inside_it(raw):
    spans = [metrics.trailing(MONDAY, days, back) for back, days in raw]
    pieces = metrics.segments(spans)
    for span in spans:
        inside = [p for p in pieces if span.first <= p.first and p.last <= span.last]
        assert sum(p.days for p in inside) == span.days


day_rows = st.tuples(st.booleans(), st.integers(0, 50), st.integers(0, 80), st.integers(0, 5), st.integers(0, 5))


@given(st.lists(day_rows, max_size=60))
def test_shares_of_any_days_stay_between_0_and_1(rows):
    total = metrics.total(day_tally(w, h, d, min(r, a), a) for w, h, d, r, a in rows)
    for value in (total.participation, total.knowledge):
        assert value is None or 0 <= value <= 1
    assert total.days == len(rows)


def test_a_change_in_points_is_the_difference_of_the_percentages_printed():
    # 45.4% and 44.6% both print as 45%: the change beside them is none, not "+1".
    assert metrics.percent(0.454) == metrics.percent(0.446) == "45%"
    assert metrics.point_change(0.454, 0.446) == 0
    assert metrics.whole_points(0.454 - 0.446) == 1  # what used to be printed
    assert metrics.point_change(0.455, 0.444) == 2  # 46% − 44%
    assert metrics.point_change(0.4555, 0.4444, 1) == pytest.approx(1.2)  # 45.6% − 44.4% in a sheet
    assert metrics.point_change(None, 0.5) is None and metrics.point_change(0.5, None) is None


def test_a_relative_change_is_whole_percent_and_never_against_nothing():
    assert metrics.relative_change(2, 1) == 100
    assert metrics.relative_change(1, 3) == -67
    assert metrics.relative_change(5, 5) == 0
    assert metrics.relative_change(3, 0) is None


def test_a_change_is_signed_and_no_change_is_said_in_words():
    assert metrics.signed(3, "持平", "{} 个百分点") == "+3 个百分点"
    assert metrics.signed(-2, "持平", "{}%") == "-2%"
    assert metrics.signed(0, "持平", "{} 个百分点") == "持平"  # never "+0" or "+0 个百分点"
    assert metrics.signed(0.0, "unchanged") == "unchanged"
    assert metrics.signed(None, "持平") == "–"
    assert metrics.signed(1.2, "持平") == "+1.2"


def test_zero_cases_in_a_row_count_complete_months_as_the_town_does():
    # A case in September; on 5 December, October and November are over without one: 连续2个月零发案.
    assert metrics.zero_case_months(date(2026, 9, 1), date(2026, 12, 1), date(2026, 12, 5)) == 2
    assert metrics.months_without_case(date(2026, 9, 1), date(2026, 12, 1)) == 3  # December so far counted
    assert metrics.zero_case_months(date(2026, 11, 1), date(2026, 12, 1), date(2026, 12, 5)) == 0
    assert metrics.zero_case_months(date(2026, 9, 1), date(2026, 11, 1), date(2026, 12, 5)) == 2  # a past month
    assert metrics.zero_case_months(None, date(2026, 12, 1), date(2026, 12, 5)) is None


def test_a_worker_counts_from_their_start_date_but_never_before_they_were_added():
    added = date(2026, 12, 6)
    assert metrics.counted_from(None, added) == added  # no 入职日期: from the day of the import
    assert metrics.counted_from(date(2024, 3, 1), added) == added  # a past start date: from the import too
    assert metrics.counted_from(date(2026, 12, 20), added) == date(2026, 12, 20)  # starts later: from then


def test_a_worker_counts_through_their_leaving_date_or_until_the_day_they_were_deactivated():
    today = date(2026, 12, 7)
    assert metrics.counted_until(True, None) is None  # on the roster, no end
    assert metrics.counted_until(True, date(2026, 12, 20)) == date(2026, 12, 20)  # leaves then: through that day
    # Deactivated today (active_until: the day it was done): counted through yesterday, not today.
    until = metrics.counted_until(False, today)
    assert until == date(2026, 12, 6)
    # Deactivated before the day was recorded: on no day (scope.active_on is this rule in SQL:
    # tests/app/test_scope.py).
    assert metrics.counted_until(False, None) == metrics.NO_DAY


# --- a worker who comes back ------------------------------------------------------------------------

def test_a_worker_back_after_being_deactivated_was_away_from_that_day_through_the_day_before_coming_back():
    first = date(2026, 1, 5)  # counted_from
    # Deactivated on 11-10 (counted through 11-09), back on 11-25: away 11-10 to 11-24.
    assert metrics.days_away(False, date(2026, 11, 10), first, date(2026, 11, 25)) == Span(
        date(2026, 11, 10), date(2026, 11, 24))
    # Deactivated yesterday, back today: away yesterday only.
    assert metrics.days_away(False, date(2026, 11, 24), first, date(2026, 11, 25)) == Span(
        date(2026, 11, 24), date(2026, 11, 24))
    # Deactivated and back the same day: away on no day (today counts them again).
    assert metrics.days_away(False, date(2026, 11, 25), first, date(2026, 11, 25)) is None


def test_a_worker_whose_passed_leaving_date_is_cleared_was_away_from_the_day_after_it():
    first = date(2026, 1, 5)
    assert metrics.days_away(True, date(2026, 11, 10), first, date(2026, 11, 25)) == Span(
        date(2026, 11, 11), date(2026, 11, 24))
    assert metrics.days_away(True, date(2026, 11, 24), first, date(2026, 11, 25)) is None  # left yesterday: no gap
    assert metrics.days_away(True, date(2026, 12, 10), first, date(2026, 11, 25)) is None  # not passed yet
    assert metrics.days_away(True, None, first, date(2026, 11, 25)) is None  # on the roster, no end


def test_days_away_never_start_before_the_worker_first_counted():
    # Deactivated before the day was kept (counted on no day): every day of theirs until now was away.
    assert metrics.days_away(False, None, date(2026, 3, 1), date(2026, 11, 25)) == Span(
        date(2026, 3, 1), date(2026, 11, 24))
    # Added to the roster after their leaving date: nothing they counted on is left out.
    assert metrics.days_away(True, date(2026, 3, 1), date(2026, 6, 1), date(2026, 11, 25)) == Span(
        date(2026, 6, 1), date(2026, 11, 24))
    assert metrics.days_away(False, date(2026, 11, 10), date(2026, 11, 30), date(2026, 11, 25)) is None


def test_deactivating_records_today_or_the_day_after_a_passed_leaving_date():
    today = date(2026, 11, 25)
    assert metrics.deactivated_on(None, today) == today
    assert metrics.deactivated_on(date(2026, 12, 31), today) == today  # leaving later: from today
    assert metrics.deactivated_on(today, today) == today
    # Left on 11-10: they still count through 11-10, no day more.
    assert metrics.deactivated_on(date(2026, 11, 10), today) == date(2026, 11, 11)
    assert metrics.counted_until(False, metrics.deactivated_on(date(2026, 11, 10), today)) == date(2026, 11, 10)


def test_absences_within_a_worker_s_dates_are_merged_and_clipped():
    away = [Span(date(2026, 11, 20), date(2026, 11, 22)), Span(date(2026, 11, 1), date(2026, 11, 5)),
            Span(date(2026, 11, 6), date(2026, 11, 8)), Span(date(2026, 11, 21), date(2026, 11, 30))]
    assert metrics.away_within(date(2026, 11, 3), date(2026, 11, 25), away) == [
        Span(date(2026, 11, 3), date(2026, 11, 8)), Span(date(2026, 11, 20), date(2026, 11, 25))]
    assert metrics.away_within(date(2026, 11, 3), None, away)[-1] == Span(date(2026, 11, 20), date(2026, 11, 30))
    assert metrics.away_within(date(2026, 12, 1), None, away) == []
    assert metrics.away_within(date(2026, 11, 1), metrics.NO_DAY, away) == []


def test_a_worker_counts_on_the_days_of_their_dates_except_the_days_away():
    first, last = date(2026, 11, 1), date(2026, 11, 30)
    away = [Span(date(2026, 11, 10), date(2026, 11, 12))]
    assert metrics.counted_on(date(2026, 11, 9), first, last, away)
    assert not metrics.counted_on(date(2026, 11, 10), first, last, away)
    assert not metrics.counted_on(date(2026, 11, 12), first, last, away)
    assert metrics.counted_on(date(2026, 11, 13), first, last, away)
    assert not metrics.counted_on(date(2026, 10, 31), first, last)
    assert not metrics.counted_on(date(2026, 12, 1), first, last)
    assert metrics.counted_on(date(2027, 1, 1), first, None)


class _Worker:
    """A worker as the roster keeps them, changed by the pure rules the roster service applies."""

    def __init__(self, first: date, leaving: date | None):
        self.first, self.active, self.until, self.away = first, True, leaving, []

    def last(self) -> date | None:
        return metrics.counted_until(self.active, self.until)

    def counts(self, day: date) -> bool:
        return metrics.counted_on(day, self.first, self.last(), self.away)

    def deactivate(self, today: date) -> None:  # roster.service.set_active(False)
        if self.active:
            self.active, self.until = False, metrics.deactivated_on(self.until, today)

    def come_back(self, today: date) -> None:  # roster.service.set_active(True)
        if not self.active or (self.until is not None and self.until < today):
            away = metrics.days_away(self.active, self.until, self.first, today)
            self.away += [away] if away else []
            self.active, self.until = True, None


@given(st.integers(0, 30), st.one_of(st.none(), st.integers(-5, 60)),
       st.lists(st.tuples(st.integers(0, 6), st.booleans()), max_size=12))
def test_deactivating_and_coming_back_never_change_who_counted_on_a_past_day(start, leaving, events):
    """Whatever happens to a worker today (deactivated, back, again and again, with a leaving date
    or none), the days before today count them as they did: a past day's figure never moves. Today
    counts them exactly when they are on the roster after it."""
    origin = date(2026, 9, 1)
    worker = _Worker(origin + timedelta(days=start), None if leaving is None else origin + timedelta(days=leaving))
    today = origin
    for gap, back in events:
        today += timedelta(days=gap)
        before = [worker.counts(origin + timedelta(days=d)) for d in range((today - origin).days)]
        if back:
            worker.come_back(today)
        else:
            worker.deactivate(today)
        assert [worker.counts(origin + timedelta(days=d)) for d in range((today - origin).days)] == before
        if today >= worker.first:
            assert worker.counts(today) == (worker.active and (worker.until is None or worker.until >= today))
