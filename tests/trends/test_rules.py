"""Trend rules (trends.rules): the period, the company's days from the rollup, team and shift
series, per-worker expectations and the weakest topic."""

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from quizapp.rules.metrics import Span, counted_on, day_tally
from quizapp.rules.ordering import shift_key
from quizapp.trends.rules import (
    DayPoint,
    GroupDone,
    RosterSpan,
    Series,
    TopicFigure,
    company_days,
    days_away_in,
    group_series,
    headcounts,
    parse_days,
    period,
    rank_topics,
    suggested_topic,
    workdays_between,
    worker_participation,
    worker_workdays,
)

MONDAY = date(2026, 11, 23)
WEEK = period(MONDAY + timedelta(days=6), 7)  # Monday to Sunday; Sunday is the day off
SIX_DAYS = "123456"


def point(day: date, workday: bool, headcount: int, done: int, score_sum: int = 0, question_sum: int = 0) -> DayPoint:
    """A day with data, as rollups.figures reads it."""
    return DayPoint(day, workday, headcount, day_tally(workday, headcount, done), score_sum, question_sum)


def test_days_come_from_the_allowed_periods_or_the_default():
    assert parse_days("7") == 7 and parse_days(90) == 90
    assert parse_days(None) == 30 and parse_days("365") == 30 and parse_days("x") == 30


def test_the_period_ends_today_oldest_first():
    days = period(date(2026, 11, 24), 7)
    assert days[0] == date(2026, 11, 18) and days[-1] == date(2026, 11, 24) and len(days) == 7


def test_a_day_without_data_is_left_out_of_every_figure_not_counted_as_zero():
    # Only Monday has a rollup row: the five other workdays have no data (the company was not
    # using quizapp yet, or the nightly job did not run). Counting them as 0% (with today's roster
    # as expected) was the console's old rule; it made the same company 21% on the console and 65%
    # in the API (issue 10).
    points = company_days(WEEK, [point(MONDAY, True, 10, 8, 30, 40)], SIX_DAYS)
    assert points[0] == point(MONDAY, True, 10, 8, 30, 40)
    assert not points[1].has_data and points[1].participation is None and points[1].average_score is None
    assert not points[6].workday and points[6].participation is None
    series = Series("co", points)
    assert series.participation == 8 / 10
    assert series.average_score == 30 / 40
    assert series.expected == 10 and series.done == 8 and series.days_without_data == 6
    assert series.headcount == 10  # the last day with data


def test_a_period_without_any_data_has_no_figures():
    series = Series("co", company_days(WEEK, [], SIX_DAYS))
    assert series.participation is None and series.average_score is None and series.headcount is None
    assert series.expected == 0 and series.done == 0 and series.days_without_data == 7


def test_quizzes_on_a_day_off_count_for_the_score_but_not_for_participation():
    found = [point(WEEK[0], True, 10, 5, 10, 25), point(WEEK[6], False, 10, 4, 20, 20)]
    series = Series("co", company_days(WEEK, found, SIX_DAYS))
    assert series.participation == 5 / 10
    assert series.average_score == 30 / 45
    assert series.done == 5  # done on workdays: the day off's 4 count for the score only


def test_participation_never_passes_100_percent_when_done_exceeds_a_frozen_headcount():
    series = Series("co", (point(MONDAY, True, 3, 5),))
    assert series.participation == 1.0 and series.days[0].participation == 1.0


def test_group_series_use_each_workers_active_dates_and_put_the_weakest_group_first():
    spans = [RosterSpan("一车间", None, None, 4), RosterSpan("一车间", MONDAY + timedelta(days=3), None, 2),
             RosterSpan("二车间", None, MONDAY + timedelta(days=1), 2)]
    done = [GroupDone("一车间", MONDAY, 4, 16, 20), GroupDone("二车间", MONDAY, 1, 5, 5),
            GroupDone("三车间", MONDAY, 1, 3, 5)]  # a team with quizzes but nobody active now
    series = {s.name: s for s in group_series(WEEK, spans, done, SIX_DAYS)}
    first = series["一车间"]
    assert [d.headcount for d in first.days] == [4, 4, 4, 6, 6, 6, 6]
    assert first.participation == 4 / (4 * 3 + 6 * 3)
    assert first.average_score == 16 / 20
    assert [d.headcount for d in series["二车间"].days][:3] == [2, 2, 0]
    assert series["二车间"].participation == 1 / 4
    assert series["三车间"].participation is None  # nobody expected: "–", never 100%
    ordered = [s.name for s in group_series(WEEK, spans, done, SIX_DAYS)]
    assert ordered == ["一车间", "二车间", "三车间"]


def test_group_series_count_only_the_companys_days_with_data():
    spans = [RosterSpan("一车间", None, None, 4)]
    done = [GroupDone("一车间", MONDAY, 4, 16, 20), GroupDone("一车间", MONDAY + timedelta(days=1), 2, 8, 10)]
    with_data = {MONDAY: True, MONDAY + timedelta(days=1): True}  # the company's rows: Monday and Tuesday
    (series,) = group_series(WEEK, spans, done, SIX_DAYS, with_data)
    assert series.participation == 6 / 8 and series.expected == 8 and series.days_without_data == 5


def test_workdays_between_counts_the_workdays_inside_a_workers_active_dates():
    workdays = [d for d in WEEK if d.isoweekday() != 7]
    assert workdays_between(workdays, None, None) == 6
    assert workdays_between(workdays, MONDAY + timedelta(days=2), None) == 4
    assert workdays_between(workdays, None, MONDAY) == 1
    assert workdays_between(workdays, MONDAY + timedelta(days=5), MONDAY) == 0


def test_a_workers_participation_is_capped_and_undefined_without_expected_days():
    assert worker_participation(3, 6) == 0.5
    assert worker_participation(7, 6) == 1.0
    assert worker_participation(0, 0) is None


def test_topics_rank_lowest_share_right_first_and_the_suggestion_needs_enough_answers():
    figures = [TopicFigure("a", 2, 0), TopicFigure("b", 20, 10), TopicFigure("c", 30, 24), TopicFigure("d", 0, 0)]
    ranked = rank_topics(figures)
    assert [f.topic for f in ranked] == ["a", "b", "c"]
    assert suggested_topic(ranked).topic == "b"
    assert suggested_topic([TopicFigure("a", 2, 0), TopicFigure("b", 3, 1)]).topic == "a"
    assert suggested_topic([]) is None


def test_topic_ties_go_to_the_topic_with_more_answers():
    ranked = rank_topics([TopicFigure("a", 10, 5), TopicFigure("b", 20, 10)])
    assert [f.topic for f in ranked] == ["b", "a"]


day_rows = st.tuples(st.booleans(), st.integers(0, 50), st.integers(0, 80), st.integers(0, 5))


@given(st.lists(day_rows, min_size=1, max_size=90))
def test_participation_and_scores_stay_between_0_and_1(rows):
    points = tuple(point(MONDAY + timedelta(days=i), workday, head, done, min(right, done * 5), done * 5)
                   for i, (workday, head, done, right) in enumerate(rows))
    series = Series("x", points)
    for value in (series.participation, series.average_score, *series.participation_values, *series.score_values):
        assert value is None or 0 <= value <= 1


optional_day = st.one_of(st.none(), st.dates(min_value=MONDAY - timedelta(days=5),
                                             max_value=MONDAY + timedelta(days=12)))


@given(st.lists(st.tuples(st.sampled_from(["一车间", "二车间", ""]), optional_day, optional_day, st.integers(1, 30)),
                max_size=30))
def test_group_headcounts_match_counting_each_span_on_each_day(rows):
    spans = [RosterSpan(*row) for row in rows]
    counts = headcounts(WEEK, spans)
    for group in {s.group for s in spans}:
        assert counts[group] == [sum(s.count for s in spans if s.group == group and s.active_on(day)) for day in WEEK]


def test_rows_of_one_group_and_day_add_up():
    spans = [RosterSpan("一车间", None, None, 2), RosterSpan("一车间", None, None, 3)]
    done = [GroupDone("一车间", MONDAY, 1, 4, 5), GroupDone("一车间", MONDAY, 2, 6, 10)]
    (series,) = group_series(WEEK, spans, done, SIX_DAYS)
    assert series.days[0].headcount == 5 and series.days[0].done == 3
    assert series.days[0].average_score == 10 / 15


def test_groups_with_the_same_participation_follow_their_natural_order():
    teams = [RosterSpan(name, None, None, 1) for name in ("四车间", "二车间", "一车间", "三车间")]
    assert [s.name for s in group_series(WEEK, teams, [], SIX_DAYS)] == ["一车间", "二车间", "三车间", "四车间"]
    shifts = [RosterSpan(name, None, None, 1) for name in ("中班", "夜班", "早班")]
    assert [s.name for s in group_series(WEEK, shifts, [], SIX_DAYS, order=shift_key)] == ["早班", "中班", "夜班"]


# --- a worker who came back: the days away -------------------------------------------------------

def test_a_group_leaves_a_worker_out_on_the_days_they_were_away():
    """Two workers of 一车间 on the roster all week; one was away Tuesday to Thursday and came back:
    the team's headcount is 1 on those days, as the company's rows were written."""
    away = days_away_in(WEEK, MONDAY - timedelta(days=30), None, [Span(MONDAY + timedelta(days=1),
                                                                       MONDAY + timedelta(days=3))])
    spans = [RosterSpan("一车间", None, None, 2), *(RosterSpan("一车间", s.first, s.last, -1) for s in away)]
    assert headcounts(WEEK, spans)["一车间"] == [2, 1, 1, 1, 2, 2, 2]


def test_days_away_outside_the_period_or_the_worker_s_dates_take_nobody_off():
    before = Span(MONDAY - timedelta(days=20), MONDAY - timedelta(days=10))
    assert days_away_in(WEEK, MONDAY - timedelta(days=30), None, [before]) == []
    # Away Saturday to the next Tuesday: only the period's days, Saturday and Sunday.
    late = Span(MONDAY + timedelta(days=5), MONDAY + timedelta(days=8))
    assert days_away_in(WEEK, MONDAY, None, [late]) == [Span(MONDAY + timedelta(days=5), MONDAY + timedelta(days=8))]
    assert headcounts(WEEK, [RosterSpan("一车间", None, None, 1), RosterSpan("一车间", late.first, late.last, -1)]
                      )["一车间"] == [1, 1, 1, 1, 1, 0, 0]
    # Left before the absence's end: only the days they would have counted.
    assert days_away_in(WEEK, MONDAY, MONDAY + timedelta(days=5), [late]) == [
        Span(MONDAY + timedelta(days=5), MONDAY + timedelta(days=5))]


def test_a_worker_is_not_expected_on_the_workdays_they_were_away():
    workdays = [d for d in WEEK if d.isoweekday() <= 6]  # Monday to Saturday
    away = [Span(MONDAY + timedelta(days=1), MONDAY + timedelta(days=2)),
            Span(MONDAY + timedelta(days=2), MONDAY + timedelta(days=3))]  # overlapping: counted once
    assert worker_workdays(workdays, WEEK[0], WEEK[-1], away) == 3
    assert worker_workdays(workdays, WEEK[0], WEEK[-1]) == 6
    assert worker_workdays(workdays, MONDAY + timedelta(days=2), None, away) == 2


day_in_week = st.integers(0, 6).map(lambda n: MONDAY + timedelta(days=n))


@given(st.lists(st.tuples(st.one_of(st.none(), day_in_week), st.one_of(st.none(), day_in_week),
                          st.lists(st.tuples(day_in_week, st.integers(0, 4)), max_size=3)), max_size=8))
def test_a_group_counts_each_worker_on_the_days_the_one_rule_counts_them(workers):
    """Each worker's span and days away (days_away_in, as trends.service builds them) give the
    group's headcount that metrics.counted_on gives day by day, and the by-worker export's
    expected workdays the same count."""
    spans, expected = [], [0] * len(WEEK)
    for start, until, absences in workers:
        first = start or WEEK[0] - timedelta(days=10)
        away = [Span(day, day + timedelta(days=length)) for day, length in absences]
        spans.append(RosterSpan("一车间", first, until, 1))
        spans += [RosterSpan("一车间", s.first, s.last, -1) for s in days_away_in(WEEK, first, until, away)]
        counted = [counted_on(day, first, until, away) for day in WEEK]
        expected = [e + c for e, c in zip(expected, counted, strict=True)]
        assert worker_workdays(WEEK, max(WEEK[0], first), until, away) == sum(counted)  # every day a workday
    assert headcounts(WEEK, spans).get("一车间", [0] * len(WEEK)) == expected
