"""The city page's pure rules (citycompare.rules): complete-day periods, the declines' month, the
query from the URL, sorting with towns without a figure last, and a total that adds counts."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from quizapp.citycompare import rules
from quizapp.citycompare.rules import CityQuery, TownLine
from quizapp.incidents.rules import Record, year_on_year
from quizapp.rules import metrics
from quizapp.rules.metrics import Tally

TODAY = date(2026, 12, 6)


def line(code: str, tally: Tally, records=(), companies: int = 1, headcount: int | None = 10) -> TownLine:
    return TownLine(len(code), code, f"镇{code}", companies, headcount, tally,
                    year_on_year(list(records), date(2026, 11, 1), TODAY))


def test_a_period_is_complete_days_ending_yesterday():
    span = rules.period_span(TODAY, 7)
    assert (span.first, span.last) == (date(2026, 11, 29), date(2026, 12, 5))
    assert rules.period_span(date(2026, 3, 1), 30).last == date(2026, 2, 28)


def test_the_declines_month_defaults_to_the_last_complete_one_and_never_the_future():
    assert rules.default_month(TODAY) == date(2026, 11, 1)
    assert rules.default_month(date(2026, 1, 15)) == date(2025, 12, 1)
    assert rules.parse_month("2026-05", TODAY) == date(2026, 5, 1)
    assert rules.parse_month("2026-12", TODAY) == date(2026, 12, 1)  # this month, in progress
    for bad in ("2027-01", "2026-13", "26-05", "", None, "2026-5"):
        assert rules.parse_month(bad, TODAY) == date(2026, 11, 1), bad


def test_the_query_falls_back_to_the_defaults_and_links_flip_the_sorted_column():
    assert rules.parse_query({}, TODAY) == CityQuery()
    assert rules.parse_query({"days": "14", "sort": "nope", "dir": "up"}, TODAY) == CityQuery()
    for hostile in ("²", "1²", "３０", "-7", " 7", "7.0"):
        assert rules.parse_query({"days": hostile, "month": hostile}, TODAY) == CityQuery(month=date(2026, 11, 1))
    query = rules.parse_query({"days": "7", "sort": "cases_change", "dir": "desc", "month": "2026-10"}, TODAY)
    assert query == CityQuery(7, date(2026, 10, 1), "cases_change", True)
    assert query.sort_link("cases_change")["dir"] == "asc"
    assert query.sort_link("name") == {"days": 7, "month": "2026-10", "sort": "name", "dir": "asc"}
    assert query.sort_link("participation")["dir"] == "desc"
    assert CityQuery().args() == {"sort": "participation", "dir": "asc"}


def test_every_column_sorts_and_towns_without_a_figure_come_last():
    a = line("a", Tally(10, 9, 3, 4, 5), [Record(date(2026, 11, 1), 1, None, 2, Decimal("5"), 3),
                                         Record(date(2025, 11, 1), 1, None, 4, Decimal("1"), 3)])
    b = line("b", Tally(10, 5, 1, 4, 5), [Record(date(2026, 11, 1), 1, None, 1, Decimal("9"), 1)], headcount=None)
    c = line("c", Tally(), companies=3)  # no day with data: no participation
    for sort in rules.SORTS:
        for descending in (False, True):
            assert len(rules.sort_lines([a, b, c], CityQuery(sort=sort, descending=descending))) == 3, sort
    assert rules.sort_lines([a, b, c], CityQuery(sort="participation")) == [b, a, c]
    assert rules.sort_lines([a, b, c], CityQuery(sort="participation", descending=True)) == [a, b, c]
    assert rules.sort_lines([a, b, c], CityQuery(sort="headcount"))[-1] == b
    assert rules.sort_lines([a, b, c], CityQuery(sort="cases_change")) == [a, b, c]  # -50%, then none
    assert rules.sort_lines([a, b, c], CityQuery(sort="loss_yuan", descending=True))[0] == b


@given(st.lists(st.tuples(*(st.integers(0, 500) for _ in range(5))), min_size=1, max_size=8))
def test_the_total_adds_counts_and_divides_once(tallies):
    lines = [line(str(i), Tally(expected, min(done, expected), right, right + extra, days))
             for i, (expected, done, right, extra, days) in enumerate(tallies)]
    total = rules.city_total(lines, year_on_year([], date(2026, 11, 1), TODAY))
    assert total.tally == metrics.total(x.tally for x in lines)
    expected = sum(x.tally.expected for x in lines)
    assert total.participation == (None if expected == 0 else sum(x.tally.done for x in lines) / expected)
    assert total.companies == len(lines) and total.headcount == 10 * len(lines)
