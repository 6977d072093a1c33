"""The map's rules and the heat index without a database: the period from the URL, the figures a
grid is coloured by, and the 热力指数 as docs/metrics.md defines it."""

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from quizapp.map import rules
from quizapp.map.rules import GridFigures, Period
from quizapp.rules import metrics
from quizapp.rules.metrics import Tally

TODAY = date(2026, 11, 24)


@pytest.mark.parametrize("first,last,period", [
    ("", "", Period(date(2025, 12, 1), date(2026, 11, 1))),
    ("2026-01", "2026-03", Period(date(2026, 1, 1), date(2026, 3, 1))),
    ("2026-03", "2026-01", Period(date(2026, 1, 1), date(2026, 3, 1))),
    ("2020-01", "2026-11", Period(date(2023, 12, 1), date(2026, 11, 1))),
    ("junk", "2027-05", Period(date(2025, 12, 1), date(2026, 11, 1))),
    ("2026-11", "", Period(date(2026, 11, 1), date(2026, 11, 1))),
])
def test_the_period_is_read_from_the_url_and_never_reaches_past_this_month(first, last, period):
    assert rules.parse_period(first, last, TODAY) == period


def test_an_unknown_figure_is_the_first_one():
    assert rules.parse_figure("heat") == "heat" and rules.parse_figure("names") == "cases_per_10k"


def test_the_heat_index_weighs_recent_cases_per_workers_against_participation_and_knowledge():
    assert metrics.heat_index([(0, 2)], 10_000, None, None) == pytest.approx(2.0)
    assert metrics.heat_index([(6, 2)], 10_000, None, None) == pytest.approx(1.0)  # half-life of 6 months
    assert metrics.heat_index([(12, 50)], 10_000, None, None) == 0  # older than the 12 months
    assert metrics.heat_index([(0, 2)], 5_000, None, None) == pytest.approx(4.0)  # per 10,000 workers
    assert metrics.heat_index([(0, 3)], 10_000, 1.0, 1.0) == pytest.approx(1.0)  # a third when fully protected
    assert metrics.heat_index([(0, 3)], 10_000, 0.6, None) == pytest.approx(3 * (1 - 0.2))
    assert metrics.heat_index([(0, 3)], 0, 0.5, 0.5) is None
    assert metrics.heat_index([], 100, 0.5, 0.5) == 0


@given(st.lists(st.tuples(st.integers(0, 11), st.integers(0, 50)), max_size=12), st.integers(1, 100_000),
       st.floats(0, 1), st.floats(0, 1), st.floats(0, 1))
def test_more_participation_never_makes_a_grid_hotter(cases, workers, participation, knowledge, more):
    hot = metrics.heat_index(cases, workers, participation, knowledge)
    cooler = metrics.heat_index(cases, workers, max(participation, more), knowledge)
    assert hot is not None and cooler is not None and 0 <= cooler <= hot + 1e-9


def test_a_grid_s_figures_are_the_shared_definitions():
    grid = GridFigures(1, "g1", "网格一", 2_000, 3, Decimal("4500.50"), Tally(100, 80, 30, 40, 5), 2,
                       rules.cases_by_age({date(2026, 11, 1): 1, date(2026, 5, 1): 2}, date(2026, 11, 1)))
    assert grid.cases_by_age == ((0, 1), (6, 2))
    assert grid.value("cases_per_10k") == 15.0 and grid.value("losses") == 4500.5
    assert grid.value("participation") == 80.0 and grid.value("knowledge") == 75.0
    assert grid.value("months_without_case") == 2
    assert grid.heat == metrics.heat_index(((0, 1), (6, 2)), 2_000, 0.8, 0.75)
    assert grid.value("heat") == round(grid.heat, 2)
    empty = GridFigures(2, "g2", "网格二", 0, 0, Decimal(0), Tally(), None)
    assert [empty.value(f) for f in rules.FIGURES] == [None, 0.0, None, None, None, None]
