"""The outreach ledger's pure rules: one activity's checks (the date window, the kinds as the town
writes them, people reached within bounds, formulas refused), reading an import file with every
problem at its row and column, and the totals every surface shows (rules.metrics)."""

from __future__ import annotations

import io
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import Workbook

from quizapp.outreach import rules
from quizapp.outreach.rules import GridRef, ImportFileError, ImportScope
from quizapp.rules import metrics
from quizapp.rules.metrics import OutreachTotals, Span
from quizapp.rules.vocab import OutreachKind

TODAY = date(2026, 12, 5)
FIELDS = {"day": "2026-12-01", "kind": "进社区", "place": "新塘村", "speaker": "李警官", "people": "120", "note": ""}
SCOPE = ImportScope(TODAY, {"g1": GridRef(1, "G1")}, {1: date(2025, 12, 5)})


def check(**changed):
    return rules.check_activity({**FIELDS, **changed}, TODAY, rules.earliest_day(TODAY))


def test_a_good_activity_is_cleaned():
    activity, problems = check(day="2026年12月1日", people="1,200", place="  新塘村  ")
    assert problems == []
    assert activity == rules.Activity(date(2026, 12, 1), OutreachKind.COMMUNITY, "新塘村", "李警官", 1200, "")


@pytest.mark.parametrize("spelled, kind", [
    ("宣讲进企业", OutreachKind.COMPANY_TALK), ("进校园", OutreachKind.SCHOOL), ("进市场", OutreachKind.MARKET),
    ("进家庭", OutreachKind.FAMILY), ("摆摊设点", OutreachKind.STALL), ("上门走访", OutreachKind.DOOR_TO_DOOR),
    ("岗前5分钟", OutreachKind.PRESHIFT), ("岗前五分钟", OutreachKind.PRESHIFT), ("preshift", OutreachKind.PRESHIFT),
    (" 进 社区 ", OutreachKind.COMMUNITY), ("Door to door", OutreachKind.DOOR_TO_DOOR)])
def test_kinds_are_read_as_the_town_writes_them(spelled, kind):
    assert rules.parse_kind(spelled) is kind


@pytest.mark.parametrize("changed, field, reason", [
    ({"day": "2026-12-06"}, "day", "future_date"),
    ({"day": "2024-12-04"}, "day", "too_old"),
    ({"day": "12/01"}, "day", "bad_date"),
    ({"kind": "唱歌"}, "kind", "unknown_kind"),
    ({"people": -1}, "people", "people_range"),
    ({"people": "-1"}, "people", "formula"),  # in a file, a cell starting with "-" is refused as a formula
    ({"people": "100001"}, "people", "people_range"),
    ({"people": "3.5"}, "people", "not_whole"),
    ({"people": ""}, "people", "empty"),
    ({"speaker": "=HYPERLINK(\"x\")"}, "speaker", "formula"),
    ({"place": "村" * 101}, "place", "too_long"),
    ({"note": "记" * 301}, "note", "too_long"),
])
def test_each_rule_refuses_its_field(changed, field, reason):
    activity, problems = check(**changed)
    assert activity is None
    assert [(p.field, p.reason) for p in problems] == [(field, reason)]


def test_the_window_opens_two_years_back_or_when_the_company_joined():
    assert rules.earliest_day(TODAY) == date(2024, 12, 5)
    assert rules.earliest_day(TODAY, date(2026, 3, 1)) == date(2026, 3, 1)
    assert rules.earliest_day(date(2028, 2, 29)) == date(2026, 3, 1)


def csv_bytes(*lines: str) -> bytes:
    return ("\r\n".join(lines) + "\r\n").encode("utf-8-sig")


def test_a_file_s_problems_are_each_at_their_row_and_column():
    data = csv_bytes("活动台账（十二月）", "日期,类型,地点,网格,主讲人,人数,备注",
                     "2026-12-01,进社区,新塘村,g1,李警官,120,", "", "2026-12-02,进社区,新塘村,g9,,12,")
    parsed = rules.parse_file("a.csv", data, SCOPE)
    assert [r.row for r in parsed.rows] == [3]
    assert [(p.row, p.column, p.reason) for p in parsed.problems] == [(5, "网格", "unknown_grid"),
                                                                       (5, "主讲人", "empty")]


def test_an_xlsx_file_is_read_with_its_date_cells():
    book = Workbook()
    book.active.append(["日期", "类型", "地点或单位", "网格", "主讲人", "覆盖人数"])
    book.active.append([date(2026, 12, 3), "摆摊设点", "市场口", "G1", "李警官", 30])
    out = io.BytesIO()
    book.save(out)
    parsed = rules.parse_file("a.xlsx", out.getvalue(), SCOPE)
    assert parsed.problems == [] and parsed.rows[0].activity.day == date(2026, 12, 3)
    assert parsed.rows[0].raw["day"] == "2026-12-03"  # signed into the confirmation as text


@pytest.mark.parametrize("data, reason", [
    (b"", "empty"), (b"\xd0\xcf\x11\xe0rest", "old_xls"), (csv_bytes("日期,类型"), "missing_columns"),
    (csv_bytes("日期,类型,地点,网格,主讲人,人数"), "no_rows"), (b"\xff\xfe\x00\x00\x00\x00garbage", "encoding")])
def test_a_file_that_cannot_be_read_is_refused_whole(data, reason):
    with pytest.raises(ImportFileError) as refused:
        rules.parse_file("a.csv", data, SCOPE)
    assert refused.value.reason == reason


def test_company_staff_need_no_grid_column():
    own = ImportScope(TODAY, {}, {7: date(2026, 11, 1)}, own_grid=7)
    data = csv_bytes("日期,类型,地点或单位,主讲人,覆盖人数", "2026-10-31,岗前,一车间,张主任,40",
                     "2026-11-02,岗前,一车间,张主任,40")
    parsed = rules.parse_file("a.csv", data, own)
    assert [r.grid_id for r in parsed.rows] == [7]
    assert [(p.row, p.reason) for p in parsed.problems] == [(2, "too_old")]  # before the company joined


def test_the_template_reads_back_without_a_problem():
    for own in (True, False):
        scope = ImportScope(date(2026, 3, 31), {"g01": GridRef(1, "G01")}, {1: date(2025, 1, 1)},
                            own_grid=1 if own else None)
        for name, data in (("t.csv", rules.template_csv(own)), ("t.xlsx", rules.template_xlsx(own))):
            parsed = rules.parse_file(name, data, scope)
            assert parsed.problems == [] and len(parsed.rows) == 2


class Row:
    def __init__(self, day: date, events: int, people: int, key: str):
        self.day, self.events, self.people, self.key = day, events, people, key


rows = st.lists(st.builds(Row, st.dates(date(2026, 1, 1), date(2026, 12, 31)), st.integers(1, 5),
                          st.integers(0, 100_000), st.sampled_from("abc")), max_size=40)


@given(rows, st.dates(date(2026, 1, 1), date(2026, 12, 31)), st.integers(0, 90))
def test_totals_by_any_key_add_up_to_the_total_over_the_same_span(found, first, days):
    span = Span(first, first + timedelta(days=days))
    total = metrics.outreach_totals(found, span)
    parts = metrics.outreach_by(found, lambda r: r.key, span)
    assert OutreachTotals(sum(t.events for t in parts.values()), sum(t.people for t in parts.values())) == total
    assert total.events == sum(r.events for r in found if span.contains(r.day))
    assert metrics.outreach_totals(found) == metrics.outreach_totals(found, Span(date(2026, 1, 1), date(2026, 12, 31)))


def test_a_repeated_activity_is_left_out_and_says_what_it_repeats():
    def row(number: int, grid_id: int, people: int, note: str = "") -> rules.Row:
        activity = rules.Activity(date(2026, 11, 20), OutreachKind.STALL, "市场口", "李警官", people, note)
        return rules.Row(number, grid_id, activity, {})

    rows = [row(2, 1, 30), row(3, 1, 30), row(4, 2, 30), row(5, 1, 30, "第二场"), row(6, 1, 45)]
    recorded = {rules.activity_key(1, rows[4].activity)}
    kept, left_out = rules.leave_out_repeats(rows, recorded)
    assert [r.row for r in kept] == [2, 4, 5]  # another grid, or another note, is another activity
    assert [(left.row.row, left.same_as) for left in left_out] == [(3, 2), (6, None)]


def test_a_day_in_full_width_is_read_and_a_day_the_calendar_lacks_is_named():
    assert check(day="２０２６－１２－０１")[0].day == date(2026, 12, 1)  # type: ignore[union-attr]
    _activity, problems = check(day="2026-02-30")
    assert [(p.field, p.reason, p.detail) for p in problems] == [("day", "no_such_day", "2026-02-30")]


def test_the_sheet_with_the_ledger_s_header_is_read_and_named():
    book = Workbook()
    book.active.title = "说明"
    book.active.append(["怎样填写台账"])
    ledger = book.create_sheet("台账")
    ledger.append(["日期", "类型", "地点或单位", "网格", "主讲人", "覆盖人数"])
    ledger.append([date(2026, 12, 3), "摆摊设点", "市场口", "G1", "李警官", 30])
    out = io.BytesIO()
    book.save(out)
    parsed = rules.parse_file("a.xlsx", out.getvalue(), SCOPE)
    assert parsed.problems == [] and [r.row for r in parsed.rows] == [2]
    assert (parsed.sheet, parsed.other_sheets) == ("台账", ["说明"])
