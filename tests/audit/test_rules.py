"""The audit log's pure rules: a detail shown as key: value, a safe LIKE prefix, and the UTC
instants a range of local days covers (right for both ways SQLite spells a timestamp)."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

from hypothesis import given
from hypothesis import strategies as st

from quizapp.audit.rules import detail_pairs, detail_text, like_prefix, parse_day, utc_bounds

SHANGHAI = ZoneInfo("Asia/Shanghai")


def test_a_json_object_detail_becomes_key_value_pairs_in_its_own_order():
    pairs = detail_pairs('{"format": "csv", "rows": 12, "grids": ["g1", "g2"], "webhook": true, "company": null}')
    assert pairs == [("format", "csv"), ("rows", "12"), ("grids", "g1, g2"), ("webhook", "✓"), ("company", "–")]


def test_nested_objects_stay_compact_json():
    assert detail_pairs('{"scope": {"grid": "g1", "days": 30}}') == [("scope", '{"days": 30, "grid": "g1"}')]


def test_text_and_non_object_json_are_shown_as_they_are():
    assert detail_pairs("imported 12 rows") is None
    assert detail_pairs("[1, 2]") is None
    assert detail_pairs("") is None
    assert detail_text("imported 12 rows") == "imported 12 rows"


def test_detail_text_is_one_line():
    assert detail_text('{"format": "csv", "status": "open"}') == "format: csv; status: open"


def test_like_prefix_matches_wildcards_literally():
    assert like_prefix("export.") == "export.%"
    assert like_prefix(" export_ ") == "export\\_%"
    assert like_prefix("50%") == "50\\%%"
    assert like_prefix("a\\b") == "a\\\\b%"


@given(st.text(max_size=20))
def test_like_prefix_never_leaves_an_unescaped_wildcard(text):
    pattern = like_prefix(text)[:-1]
    i = 0
    while i < len(pattern):
        if pattern[i] == "\\":
            assert pattern[i + 1] in "\\%_"
            i += 2
            continue
        assert pattern[i] not in "%_"
        i += 1


def test_a_local_day_is_16_00_utc_the_day_before_to_16_00_utc():
    after, until = utc_bounds(date(2026, 3, 2), date(2026, 3, 2), SHANGHAI)
    assert after == datetime(2026, 3, 1, 15, 59, 59, 999999)
    assert until == datetime(2026, 3, 2, 15, 59, 59, 999999)


def _spellings(moment: datetime) -> list[str]:
    """How SQLite may hold the instant: as the database stamps it, and as Python writes it."""
    return [moment.strftime("%Y-%m-%d %H:%M:%S"), moment.strftime("%Y-%m-%d %H:%M:%S.%f")]


def _in_range(stored: str, after: datetime, until: datetime) -> bool:
    return stored > after.strftime("%Y-%m-%d %H:%M:%S.%f") and stored <= until.strftime("%Y-%m-%d %H:%M:%S.%f")


def test_the_bounds_are_right_for_both_spellings_at_midnight_local():
    after, until = utc_bounds(date(2026, 3, 2), date(2026, 3, 3), SHANGHAI)
    for inside in (datetime(2026, 3, 1, 16, 0, 0), datetime(2026, 3, 3, 15, 59, 59)):
        assert all(_in_range(s, after, until) for s in _spellings(inside)), inside
    for outside in (datetime(2026, 3, 1, 15, 59, 59), datetime(2026, 3, 3, 16, 0, 0)):
        assert not any(_in_range(s, after, until) for s in _spellings(outside)), outside


def test_open_ended_ranges():
    assert utc_bounds(None, None, SHANGHAI) == (None, None)
    after, until = utc_bounds(date(2026, 3, 2), None, SHANGHAI)
    assert after is not None and until is None


def test_parse_day():
    assert parse_day("2026-03-02") == date(2026, 3, 2)
    assert parse_day(" ") is None and parse_day("2026-13-01") is None and parse_day(None) is None
