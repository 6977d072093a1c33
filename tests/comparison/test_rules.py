"""Comparing companies fairly (comparison.rules): weeks, trends, the target, sorting, filtering,
rankings by improvement and by level, the warning about a short "4 weeks before" and the chart
data. The figures themselves (tallies, segments, heat, months without a case): tests/rules/test_metrics.py."""

from datetime import date, timedelta
from pathlib import Path

from quizapp.comparison import rules as c
from quizapp.comparison.rules import CompanyFigures, DashboardQuery, Standing
from quizapp.periodic.rules import last_complete
from quizapp.rules import metrics
from quizapp.rules.metrics import Span, Tally

TODAY = date(2026, 11, 24)  # a Tuesday
SIX_DAYS = "123456"


def test_weeks_are_the_weekly_reports_monday_to_sunday_the_last_one_this_week_so_far():
    weeks = c.weeks(TODAY)
    monday = date(2026, 11, 23)
    assert len(weeks) == 12 and weeks[-1] == Span(monday, TODAY)  # Monday and today, a Tuesday: so far
    assert all(w.days == 7 and w.first.isoweekday() == 1 for w in weeks[:-1])
    assert all(a.last + timedelta(days=1) == b.first for a, b in zip(weeks, weeks[1:], strict=False))
    # The same weeks as the weekly report's (periodic.rules): the week before is its last complete one.
    assert weeks[-2] == last_complete("week", TODAY).span
    # On a Monday this week is today alone; on a Sunday, the whole week.
    assert c.weeks(monday)[-1] == Span(monday, monday)
    assert c.weeks(date(2026, 11, 29))[-1] == Span(monday, date(2026, 11, 29))


def test_change_is_in_share_points():
    assert metrics.change(0.7, 0.4) == 0.7 - 0.4
    assert metrics.change(None, 0.4) is None and metrics.change(0.4, None) is None


def test_the_target_is_read_as_a_share_a_percentage_or_a_value_key():
    assert c.parse_target(0.8) == 0.8 and c.parse_target(75) == 0.75 and c.parse_target("90") == 0.9
    assert c.parse_target({"value": 0.7}) == 0.7 and c.parse_target({"value": 65}) == 0.65
    for junk in (None, "high", True, -1, 0, 250, {"other": 1}, [0.5]):
        assert c.parse_target(junk) == c.DEFAULT_TARGET


def figures(name, p30, previous=None, headcount=10, grid="网格一", last_case=None, reached=None) -> CompanyFigures:
    def tally(share):
        return Tally(100, round(share * 100), 50, 100) if share is not None else Tally()
    return CompanyFigures(company_id=hash(name) % 1000, name=name, grid_id=1, grid_name=grid, headcount=headcount,
                          workday_today=True, today=Tally(), last7=Tally(), last30=tally(p30),
                          previous30=tally(previous), reached30=reached, last_case_month=last_case,
                          months_without_case=metrics.months_without_case(last_case, TODAY))


def test_company_figures_give_coverage_trend_and_below_target():
    row = figures("甲", 0.6, previous=0.5, headcount=10, reached=12)
    assert row.coverage == 1.0  # never over 100%, even if the roster shrank
    assert row.participation_trend == 10 and row.knowledge_trend == 0  # percentage points, as printed
    assert row.below(0.8) and not row.below(0.6)
    assert not figures("乙", None).below(0.8)  # nothing expected is not "below"


def test_sorting_keeps_rows_without_a_value_last_and_ties_by_name():
    rows = [figures("丙", 0.5), figures("甲", None), figures("乙", 0.9), figures("丁", 0.5)]
    ascending = c.sort_rows(rows, c.SORTS["p30"])
    assert [r.name for r in ascending] == ["丁", "丙", "乙", "甲"]
    descending = c.sort_rows(rows, c.SORTS["p30"], descending=True)
    assert [r.name for r in descending] == ["乙", "丁", "丙", "甲"]


def test_no_case_recorded_sorts_as_the_longest_time_without_one():
    rows = [figures("甲", 0.5, last_case=date(2026, 10, 1)), figures("乙", 0.5),
            figures("丙", 0.5, last_case=date(2026, 1, 1))]
    assert [r.name for r in c.sort_rows(rows, c.SORTS["no_case"], descending=True)] == ["乙", "丙", "甲"]


def test_the_dashboard_query_falls_back_to_defaults():
    query = c.parse_dashboard_query({"sort": "drop table", "dir": "sideways", "grid": "x", "page": "-3"})
    assert query == DashboardQuery()
    query = c.parse_dashboard_query({"sort": "name", "dir": "desc", "grid": "4", "q": " 甲 ", "below": "1",
                                     "page": "2"})
    assert query == DashboardQuery(sort="name", descending=True, grid=4, q="甲", below=True, page=2)


def test_sort_links_flip_the_sorted_column_and_keep_the_filters():
    query = DashboardQuery(sort="p30", descending=False, grid=3, q="厂", below=True, page=4)
    assert query.sort_link("p30") == {"sort": "p30", "dir": "desc", "grid": 3, "q": "厂", "below": 1}
    assert query.sort_link("name")["dir"] == "asc" and query.sort_link("coverage")["dir"] == "desc"
    assert DashboardQuery().args() == {"sort": "p30", "dir": "asc"}


def test_filtering_by_name_and_below_target():
    rows = [figures("甲五金厂", 0.5), figures("乙电子厂", 0.9, grid="大沙网格"), figures("Acme Tools", 0.7)]
    assert [r.name for r in c.filter_rows(rows, DashboardQuery(q="电子"), 0.8)] == ["乙电子厂"]
    assert [r.name for r in c.filter_rows(rows, DashboardQuery(q="大沙"), 0.8)] == ["乙电子厂"]
    assert [r.name for r in c.filter_rows(rows, DashboardQuery(q="acme"), 0.8)] == ["Acme Tools"]
    assert [r.name for r in c.filter_rows(rows, DashboardQuery(below=True), 0.8)] == ["甲五金厂", "Acme Tools"]


def test_pages_stay_within_range():
    page = c.paginate(list(range(250)), 3, size=100)
    assert page.rows == list(range(200, 250)) and page.pages == 3 and page.total == 250
    assert c.paginate(list(range(5)), 9).number == 1 and c.paginate([], 1).pages == 1


def test_at_most_eight_companies_are_compared_without_repeats():
    assert c.parse_company_ids(["3", "x", "3", "", "5"]) == ([3, 5], False)
    ids, left_out = c.parse_company_ids([str(i) for i in range(1, 11)])
    assert ids == list(range(1, 9)) and left_out


def test_a_small_company_that_improved_ranks_above_a_big_steady_one():
    big = Standing(1, "大厂", recent=Tally(10_000, 7_500), before=Tally(10_000, 7_500))
    small = Standing(2, "小作坊", recent=Tally(20, 14), before=Tally(20, 8))
    none = Standing(3, "新厂", recent=Tally(), before=Tally())
    assert [s.name for s in c.by_improvement([big, small, none])] == ["小作坊", "大厂", "新厂"]
    assert [s.name for s in c.by_level([big, small, none])] == ["大厂", "小作坊", "新厂"]


def test_the_ranking_follows_the_change_as_printed():
    """44.5% -> 46.4% prints 45% -> 46%, +1; 45.4% -> 46.5% prints 45% -> 47%, +2. Ranked by the
    exact change (+1.9 before +1.1) the page read +1 above +2."""
    a = Standing(1, "甲", recent=Tally(1000, 464), before=Tally(1000, 445))
    b = Standing(2, "乙", recent=Tally(1000, 465), before=Tally(1000, 454))
    assert (a.improvement, b.improvement) == (1, 2)
    assert [s.name for s in c.by_improvement([a, b])] == ["乙", "甲"]


def test_top_and_bottom_leave_out_rows_without_figures():
    items = [Standing(i, f"c{i}", Tally(10, i), Tally()) for i in range(8)] + [Standing(99, "none", Tally(), Tally())]
    top, bottom = metrics.top_and_bottom(items, lambda s: s.level, count=3)
    assert [s.id for s in top] == [7, 6, 5] and [s.id for s in bottom] == [0, 1, 2]
    assert metrics.top_and_bottom([], lambda s: s.level) == ([], [])


def test_a_company_with_less_than_four_weeks_of_data_before_is_flagged():
    full = Standing(1, "老厂", Tally(10, 8, days=28), Tally(10, 5, days=28))
    short = Standing(2, "新厂", Tally(10, 8, days=28), Tally(4, 1, days=9))
    empty = Standing(3, "刚来", Tally(10, 8, days=12), Tally())
    assert not full.short_before and short.short_before and not empty.short_before
    assert empty.improvement is None  # no change against nothing
    assert [s.name for s in c.short_of_data([full, short, empty])] == ["新厂", "刚来"]


def test_chart_series_are_percentages_per_week_with_gaps_as_null():
    weeks = c.weeks(TODAY, 2)
    standing = Standing(1, "甲厂", Tally(), Tally(), weekly=(Tally(3, 2, 1, 4), Tally()))
    assert c.chart_series(weeks, [standing], "so far") == {
        "weeks": ["11-16", "11-23 so far"],  # each week by its Monday; this one still counting
        "series": [{"name": "甲厂", "participation": [66.7, None], "knowledge": [25.0, None]}]}


def test_docs_metrics_says_a_week_is_monday_to_sunday_on_every_page_that_says_week():
    """docs/metrics.md's periods: one week (the weekly report's) for the comparison and the town view."""
    text = (Path(__file__).parents[2] / "docs/metrics.md").read_text(encoding="utf-8")
    [week] = [line for line in text.splitlines() if line.startswith("| **Week**")]
    assert "comparison, town view, weekly report" in week and "**Monday to Sunday**" in week
    assert "`comparison.rules.weeks`" in week and "this week so far" in week
    assert "end today" not in week and "7-day" not in text
