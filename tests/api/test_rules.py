"""The API's pure rules (api.rules): query parameters and their refusals, date ranges, paging, the
bearer header, token fingerprints and how figures are written."""

import json
from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from quizapp.api import rules as api
from quizapp.api.rules import DateRange, Paging, ParameterError
from quizapp.rules.metrics import Tally

TODAY = date(2026, 11, 24)
RANGE_AND_GRID = ("from", "to", "grid_id")


def args(**values) -> dict[str, list[str]]:
    """Query arguments as request.args.to_dict(flat=False) gives them."""
    return {name.rstrip("_"): value if isinstance(value, list) else [value] for name, value in values.items()}


def refused(raw: dict, accepted=RANGE_AND_GRID) -> ParameterError:
    with pytest.raises(ParameterError) as caught:
        api.parse_query(raw, accepted, TODAY)
    return caught.value


def test_without_a_range_the_answer_covers_the_30_days_ending_today():
    query = api.parse_query({}, RANGE_AND_GRID, TODAY)
    assert query.range == DateRange(TODAY - timedelta(days=29), TODAY) and query.range.days == 30
    assert query.grid_id is None and query.paging is None


def test_a_range_is_two_iso_dates_both_included():
    query = api.parse_query(args(from_="2026-01-01", to="2026-01-31"), RANGE_AND_GRID, TODAY)
    assert query.range == DateRange(date(2026, 1, 1), date(2026, 1, 31)) and query.range.days == 31


def test_from_alone_runs_to_today_and_to_alone_starts_30_days_before():
    assert api.parse_query(args(from_="2026-11-01"), RANGE_AND_GRID, TODAY).range.last == TODAY
    assert api.parse_query(args(to="2026-10-31"), RANGE_AND_GRID, TODAY).range.first == date(2026, 10, 2)


@pytest.mark.parametrize("text", ["2026-1-01", "01/02/2026", "2026-02-30", "20260101", "2026-01-01T00:00", "yesterday",
                                  "２０２６-01-01"])
def test_only_iso_calendar_dates_are_dates(text):
    error = refused(args(from_=text))
    assert (error.parameter, error.reason) == ("from", "not_a_date")


def test_from_after_to_is_refused_naming_from():
    error = refused(args(from_="2026-03-02", to="2026-03-01"))
    assert (error.parameter, error.reason) == ("from", "after_to")


def test_to_after_today_is_refused():
    error = refused(args(to="2026-11-25"))
    assert (error.parameter, error.reason, error.detail) == ("to", "future", "2026-11-24")


def test_a_range_is_at_most_366_days():
    last = date(2026, 11, 24)
    ok = api.parse_query(args(from_=(last - timedelta(days=365)).isoformat(), to=last.isoformat()), RANGE_AND_GRID,
                         TODAY)
    assert ok.range.days == 366
    error = refused(args(from_=(last - timedelta(days=366)).isoformat(), to=last.isoformat()))
    assert (error.parameter, error.reason, error.detail) == ("from", "too_long", 366)


@given(st.dates(min_value=date(2020, 1, 1), max_value=TODAY), st.dates(min_value=date(2020, 1, 1), max_value=TODAY))
def test_any_two_dates_give_a_valid_range_or_a_refusal_naming_a_parameter(a, b):
    try:
        span = api.parse_query(args(from_=a.isoformat(), to=b.isoformat()), RANGE_AND_GRID, TODAY).range
    except ParameterError as error:
        assert error.parameter in ("from", "to") and error.reason in api.REASONS
        assert a > b or (b - a).days >= api.MAX_DAYS
    else:
        assert span.first <= span.last <= TODAY and 1 <= span.days <= api.MAX_DAYS


def test_a_parameter_the_endpoint_does_not_take_is_refused_naming_the_ones_it_takes():
    with pytest.raises(api.ParameterError) as refusal:
        api.parse_query(args(grid="3", from_="2026-11-01"), ("from", "to"), TODAY)
    assert (refusal.value.parameter, refusal.value.reason, refusal.value.detail) == ("grid", "unknown", "from, to")
    query = api.parse_query(args(from_="2026-11-01"), ("from", "to"), TODAY)
    assert query.range.first == date(2026, 11, 1) and query.grid_id is None and query.paging is None


def test_a_parameter_given_twice_or_empty_is_refused():
    assert (refused(args(grid_id=["1", "2"])).reason, refused(args(to="")).reason) == ("repeated", "empty")


@pytest.mark.parametrize("text", ["0", "-1", "1.5", "abc", "١", str(2**31)])
def test_ids_are_whole_numbers_from_one(text):
    error = refused(args(grid_id=text))
    assert (error.parameter, error.reason) == ("grid_id", "not_an_id")


def test_flags_and_ids_are_read():
    query = api.parse_query(args(grid_id="7", active="false"), ("grid_id", "active"), TODAY)
    assert (query.grid_id, query.active, query.range) == (7, False, None)
    assert api.parse_query(args(active="TRUE"), ("active",), TODAY).active is True
    assert refused(args(active="yes"), ("active",)).reason == "not_a_flag"


def test_paging_defaults_and_bounds():
    accepted = ("limit", "offset")
    assert api.parse_query({}, accepted, TODAY).paging == Paging(100, 0)
    assert api.parse_query(args(limit="1000", offset="5"), accepted, TODAY).paging == Paging(1000, 5)
    assert (refused(args(limit="0"), accepted).reason, refused(args(limit="1001"), accepted).reason) == (
        "out_of_range", "out_of_range")
    assert refused(args(offset="-1"), accepted).reason == "not_a_number"


def test_the_next_page_starts_after_this_one_until_the_last():
    assert Paging(100, 0).next_offset(250) == 100
    assert Paging(100, 200).next_offset(250) is None
    assert Paging(100, 0).next_offset(100) is None


def test_a_range_touches_the_months_of_its_ends():
    assert DateRange(date(2026, 1, 15), date(2026, 3, 2)).months() == (date(2026, 1, 1), date(2026, 3, 1))


@pytest.mark.parametrize("header, token", [
    ("Bearer abc-DEF_123", "abc-DEF_123"), ("bearer abc", "abc"), ("Bearer  abc ", "abc"),
    (None, None), ("", None), ("Basic dXNlcjpwYXNz", None), ("Bearer", None), ("Bearer a b", None),
    ("Token abc", None)])
def test_the_bearer_header(header, token):
    assert api.parse_bearer(header) == token


def test_a_token_is_kept_as_its_sha256_and_recognised_by_its_first_characters():
    assert api.token_digest("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"  # FIPS 180-2
    assert api.token_hint("Zm9vYmFyYmF6cXV4") == "Zm9vYmFy"


def test_figures_are_counts_and_shares_rounded_or_null():
    written = api.figures(Tally(expected=3, done=2, common_correct=1, common_answered=3, days=2))
    assert written == {"expected": 3, "done": 2, "participation": 0.6667, "common_correct": 1, "common_answered": 3,
                       "knowledge_index": 0.3333, "days_with_data": 2}
    empty = api.figures(Tally())
    assert empty["participation"] is None and empty["knowledge_index"] is None and empty["expected"] == 0


def test_months_are_written_year_and_month():
    assert api.month_text(date(2026, 3, 1)) == "2026-03"
    assert api.month_text(date(598, 11, 1)) == "0598-11"  # an early year keeps its four digits


def test_money_is_written_as_the_json_number_of_the_decimal_sum():
    assert json.dumps(api.money(Decimal("0.10") + Decimal("0.20"))) == "0.3"
    assert json.dumps(api.money(Decimal("12850.50"))) == "12850.5" and json.dumps(api.money(Decimal(3000))) == "3000.0"
    assert json.dumps(api.money(Decimal("999999999999.99"))) == "999999999999.99"  # the column's largest amount


@given(st.lists(st.decimals(min_value=0, max_value=Decimal("999999999.99"), places=2), max_size=200))
def test_any_sum_of_amounts_reads_back_as_the_exact_decimal(amounts):
    total = sum(amounts, Decimal(0))
    assert Decimal(json.dumps(api.money(total))) == total
