"""The audit log's pure rules: a detail shown as label: value in the reader's words (booleans,
workdays, reports and scopes, roles, grids and companies by name; old → new), a safe LIKE prefix,
and the UTC instants a range of local days covers (right for both ways SQLite spells a timestamp)."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from quizapp.audit.rules import (
    Wording,
    city_row_kind,
    like_prefix,
    parse_day,
    readable_pairs,
    readable_text,
    references,
    utc_bounds,
    window_start,
    workdays_text,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")


PLAIN = Wording()  # no words: values as stored, in the language-neutral defaults


def test_a_json_object_detail_becomes_label_value_pairs_in_its_own_order():
    pairs = readable_pairs('{"format": "csv", "rows": 12, "grids": ["g1", "g2"], "flag": true, "company": null}', PLAIN)
    assert pairs == [("format", "csv"), ("rows", "12"), ("grids", "g1, g2"), ("flag", "✓"), ("company", "–")]


def test_nested_objects_stay_compact_json():
    assert readable_pairs('{"scope": {"grid": "g1", "days": 30}}', PLAIN) == [("scope", '{"days": 30, "grid": "g1"}')]


def test_text_and_non_object_json_are_shown_as_they_are():
    assert readable_pairs("imported 12 rows", PLAIN) is None
    assert readable_pairs("[1, 2]", PLAIN) is None
    assert readable_pairs("", PLAIN) is None
    assert readable_text("imported 12 rows", PLAIN) == "imported 12 rows"


def test_readable_text_is_one_line():
    assert readable_text('{"format": "csv", "status": "open"}', PLAIN) == "format: csv; status: open"


# --- values as people read them ---------------------------------------------------------------------

ZH = Wording(
    keys={"active": "状态", "workdays": "工作日", "period": "报告", "scope": "范围", "role": "角色", "grid": "网格",
          "grid_id": "网格", "company": "企业", "company_id": "企业", "changed": "改动", "name": "名称",
          "webhook": "群机器人", "password": "密码", "status": "案件", "report": "报表", "token": "API 令牌",
          "participation_target": "参与率目标"},
    values={"active": {"true": "启用", "false": "停用"}, "webhook": {"true": "已设置", "false": "未设置"},
            "role": {"grid_officer": "网格员", "town_admin": "镇管理员"}, "password": {"generated": "系统生成"},
            "period": {"week": "周报", "month": "月报"}, "scope": {"town": "全镇"},
            "status": {"open": "进行中", "all": "全部"}, "report": {"by-worker": "按员工"}, "format": {"csv": "CSV"}},
    weekdays=("周一", "周二", "周三", "周四", "周五", "周六", "周日"), every_day="每天", no_day="无",
    day_range="%(first)s至%(last)s", separator="、", yes="是", no="否",
    names={"grid": {"g1": "网格一", "g2": "网格二"}, "grid_id": {"7": "网格一"}, "scope": {"7": "网格一"},
           "company": {"acme": "甲厂"}, "company_id": {"3": "甲厂"}, "token": {"5": "分析系统"}})


def test_activation_reads_as_active_and_inactive_new_style_and_old():
    assert readable_pairs('{"active": {"old": true, "new": false}}', ZH) == [("状态", "启用 → 停用")]
    assert readable_pairs('{"active": "True → False"}', ZH) == [("状态", "启用 → 停用")]  # rows written before
    assert readable_pairs('{"active": true}', ZH) == [("状态", "启用")]


@pytest.mark.parametrize("code, words", [
    ("123456", "周一至周六"), ("12345", "周一至周五"), ("1234567", "每天"), ("", "无"), ("135", "周一、周三、周五"),
    ("12", "周一、周二"), ("12367", "周一至周三、周六、周日"), ("654321", "周一至周六"),
])
def test_workdays_read_as_days(code, words):
    assert workdays_text(code, ZH) == words


def test_workdays_in_a_detail_and_in_a_change():
    assert readable_pairs('{"workdays": "123456"}', ZH) == [("工作日", "周一至周六")]
    assert readable_pairs('{"workdays": {"old": "12345", "new": "123456"}}', ZH) == [
        ("工作日", "周一至周五 → 周一至周六")]


def test_a_periodic_export_reads_as_report_and_scope():
    assert readable_pairs('{"period": "month", "scope": "town", "start": "2026-03-01"}', ZH) == [
        ("报告", "月报"), ("范围", "全镇"), ("start", "2026-03-01")]
    assert readable_pairs('{"period": "week", "scope": "7"}', ZH) == [("报告", "周报"), ("范围", "网格一")]


def test_roles_passwords_and_robots_read_as_words():
    detail = '{"role": {"old": "grid_officer", "new": "town_admin"}, "password": "generated", "webhook": false}'
    assert readable_pairs(detail, ZH) == [("角色", "网格员 → 镇管理员"), ("密码", "系统生成"), ("群机器人", "未设置")]


def test_grids_companies_and_tokens_by_name():
    detail = ('{"grid": {"old": "g1", "new": "g2"}, "grid_id": 7, "company": "acme", "company_id": 3, '
              '"token": 5, "grids": ["g1", "g2"]}')
    assert readable_pairs(detail, ZH) == [
        ("网格", "网格一 → 网格二"), ("网格", "网格一"), ("企业", "甲厂"), ("企业", "甲厂"), ("API 令牌", "分析系统"),
        ("grids", "网格一、网格二")]
    # A code or id the town no longer has is shown as stored.
    assert readable_pairs('{"grid": "g9", "company_id": 99}', ZH) == [("网格", "g9"), ("企业", "99")]


def test_the_fields_an_update_changed_read_as_their_labels():
    assert readable_pairs('{"changed": ["name", "role", "unknown"]}', ZH) == [("改动", "名称、角色、unknown")]


def test_statuses_reports_formats_shares_and_plain_booleans():
    assert readable_pairs('{"status": "all", "report": "by-worker", "format": "csv", "participation_target": 0.6, '
                          '"flag": false}', ZH) == [
        ("案件", "全部"), ("报表", "按员工"), ("format", "CSV"), ("参与率目标", "60%"), ("flag", "否")]


def test_the_references_of_a_page_are_collected_once():
    found = references(['{"grid": {"old": "g1", "new": "g2"}, "company_id": 3}', '{"scope": "town", "grids": ["g3"]}',
                        "not json", '{"token": 5, "active": true}'])
    assert found["grid"] == {"g1", "g2", "g3"} and found["company_id"] == {"3"} and found["scope"] == {"town"}
    assert found["token"] == {"5"} and found["company"] == set() and found["grid_id"] == set()


def test_the_city_s_rows_name_towns_by_code():
    found = references(['{"town": "hm", "name": "虎门镇"}', '{"town": {"old": "a", "new": "b"}}'])
    assert found["town"] == {"hm", "a", "b"}
    words = Wording(names={"town": {"hm": "虎门镇"}})
    assert readable_pairs('{"town": "hm"}', words) == [("town", "虎门镇")]


@pytest.mark.parametrize(("action", "detail", "kind"), [
    ("signin.staff.failed", '{"account": null, "address": "1.2.3.4"}', "unknown_account"),
    ("signin.staff.failed", '{"account": "city", "address": "1.2.3.4"}', "security"),
    ("signin.staff.locked", '{"account": "city"}', "security"),
    ("signin.staff", "not json", "security"),
    ("partitions.drop", '{"partitions": ["answer_y2025m03"]}', "installation"),
    ("city.town.create", '{"town": "hm"}', None),
    ("api.read", "/api/v1/towns", None),
    ("api_token.issue", '{"account": null}', None),
])
def test_why_a_row_with_no_town_is_the_city_s(action, detail, kind):
    assert city_row_kind(action, detail) == kind


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


@given(st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1)))
def test_a_repeated_event_s_window_starts_on_a_whole_ten_minutes_at_most_ten_minutes_before(now):
    start = window_start(now)
    assert start.minute % 10 == 0 and start.second == start.microsecond == 0
    assert start <= now < start + timedelta(minutes=10)
    assert window_start(datetime(2026, 12, 5, 18, 37, 12)) == datetime(2026, 12, 5, 18, 30)
