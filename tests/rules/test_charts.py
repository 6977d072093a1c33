"""Line chart geometry (rules.charts): inside the plot box, gaps for missing values, labelled axes."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from quizapp.rules.charts import line_chart, percent, tick_indexes


def test_a_full_series_is_one_stroke_from_the_left_edge_to_the_right():
    chart = line_chart(["01", "02", "03"], [("P", [0.0, 0.5, 1.0])], width=200, height=100,
                       margin=(10, 10, 20, 40))
    line = chart.lines[0]
    assert line.path == "M40.0 80.0 L115.0 45.0 L190.0 10.0"
    assert [p.title for p in line.points] == ["01 · P: 0%", "02 · P: 50%", "03 · P: 100%"]
    assert [t.label for t in chart.y_ticks] == ["0%", "25%", "50%", "75%", "100%"]
    assert [t.label for t in chart.x_ticks] == ["01", "02", "03"]


def test_a_missing_value_leaves_a_gap_instead_of_a_dip_to_zero():
    chart = line_chart(["a", "b", "c", "d"], [("P", [0.5, None, 0.5, 0.5])])
    assert chart.lines[0].path.count("M") == 2
    assert len(chart.lines[0].points) == 3


def test_a_series_with_no_value_draws_nothing_and_the_chart_says_it_is_empty():
    chart = line_chart(["a", "b"], [("P", [None, None]), ("S", [None, None])])
    assert chart.empty and chart.lines[0].path == ""
    assert not line_chart(["a"], [("P", [0.3])]).empty


def test_a_single_day_sits_in_the_middle():
    chart = line_chart(["a"], [("P", [0.3])], width=200, margin=(10, 10, 20, 40))
    assert chart.lines[0].points[0].x == 115.0


def test_values_beyond_the_scale_are_drawn_at_the_edge_and_titled_with_their_true_value():
    chart = line_chart(["a", "b"], [("P", [1.3, -0.2])], height=100, margin=(10, 10, 20, 40))
    first, second = chart.lines[0].points
    assert first.y == chart.top and second.y == chart.bottom
    assert first.title.endswith("130%")


def test_a_series_of_the_wrong_length_is_refused():
    with pytest.raises(ValueError):
        line_chart(["a", "b"], [("P", [0.1])])


def test_the_x_labels_thin_out_but_keep_both_ends():
    assert tick_indexes(7, 8) == list(range(7))
    ticks = tick_indexes(90, 10)
    assert ticks[0] == 0 and ticks[-1] == 89 and len(ticks) <= 11
    assert tick_indexes(0, 8) == []


def test_percent_labels():
    assert percent(0.5) == "50%" and percent(0) == "0%"
    assert percent(1) == "100%"


@given(st.lists(st.one_of(st.none(), st.floats(min_value=-1, max_value=2)), min_size=1, max_size=120),
       st.integers(min_value=2, max_value=12))
def test_every_point_is_inside_the_plot_box_and_every_run_is_one_stroke(values, most):
    labels = [str(i) for i in range(len(values))]
    chart = line_chart(labels, [("P", values)], most_x_labels=most)
    line = chart.lines[0]
    assert len(line.points) == sum(v is not None for v in values)
    for point in line.points:
        assert chart.left <= point.x <= chart.right and chart.top <= point.y <= chart.bottom
    runs = sum(1 for i, v in enumerate(values) if v is not None and (i == 0 or values[i - 1] is None))
    assert line.path.count("M") == runs
    assert all(chart.left <= t.at <= chart.right for t in chart.x_ticks)
    assert chart.x_ticks[0].label == "0" and chart.x_ticks[-1].label == labels[-1]
