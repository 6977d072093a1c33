"""Incident rules without a database: months, the CSV format and its bad rows, and the figures."""

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from quizapp.incidents import rules as inc
from quizapp.incidents.rules import CompanyRef, GridRef, ImportScope, MonthRow, Record

HEADER = "月份,网格,企业编码,诈骗类型,案件数,损失金额(元),备注\r\n"


def scope(visible_grids=(1,), today=date(2026, 11, 24)) -> ImportScope:
    return ImportScope(
        today=today,
        companies={"acme": CompanyRef(1, "acme", 1), "bolt": CompanyRef(2, "bolt", 2),
                   "gone": CompanyRef(3, "gone", 1, active=False), "acme2": CompanyRef(4, "ACME2", 1)},
        grids={"g1": GridRef(1, "g1"), "g2": GridRef(2, "g2")},
        visible_company_ids=frozenset(c for c in (1, 2, 4) if {1: 1, 2: 2, 4: 1}[c] in visible_grids),
        visible_grid_ids=frozenset(visible_grids),
        fraud_types={"shuadan": "shuadan", "刷单返利": "shuadan", "paid-task and rebate scams": "shuadan",
                     "other": "other", "其他": "other"})


def parse(body: str, encoding="utf-8", **kwargs):
    return inc.parse_incident_file((HEADER + body).encode(encoding), scope(**kwargs))


def reasons(parsed) -> list[tuple[int, str, str]]:
    return [(p.row, p.column, p.reason) for p in parsed.problems]


@pytest.mark.parametrize("text,month", [
    ("2026-03", date(2026, 3, 1)), ("2026-3", date(2026, 3, 1)), ("2026/03", date(2026, 3, 1)),
    ("2026年3月", date(2026, 3, 1)), ("2026-03-01", date(2026, 3, 1)), ("2026/3/15", date(2026, 3, 1)),
    (" 2026-12 ", date(2026, 12, 1)), ("２０２６-０３", date(2026, 3, 1)),
])
def test_months_are_read_as_written_in_spreadsheets(text, month):
    assert inc.parse_month(text) == month


@pytest.mark.parametrize("text", ["", "2026-13", "2026-00", "March 2026", "26-03", "1999-01", "2026-03-01-02"])
def test_anything_else_is_not_a_month(text):
    with pytest.raises(ValueError):
        inc.parse_month(text)


def test_month_arithmetic_crosses_years():
    assert inc.add_months(date(2026, 1, 1), -1) == date(2025, 12, 1)
    assert inc.add_months(date(2026, 11, 1), 14) == date(2028, 1, 1)
    assert inc.months_between(date(2025, 11, 20), date(2026, 2, 3)) == [
        date(2025, 11, 1), date(2025, 12, 1), date(2026, 1, 1), date(2026, 2, 1)]


def test_a_good_file_gives_rows_ready_to_store():
    parsed = parse("2026-03,,acme,shuadan,2,\"15,000.5\",第一起\r\n2026-03,g1,,刷单返利,1,0,\r\n"
                   "2026-04,,ACME,其他,0,0,\r\n")
    assert parsed.ok, parsed.problems
    first, whole_grid, other = parsed.rows
    assert (first.row, first.company_id, first.grid_id, first.month, first.fraud_type) == (
        2, 1, 1, date(2026, 3, 1), "shuadan")
    assert first.cases == 2 and first.loss_yuan == Decimal("15000.50") and first.note == "第一起"
    assert (whole_grid.company_id, whole_grid.grid_id, whole_grid.fraud_type) == (None, 1, "shuadan")
    assert other.company_id == 1 and other.fraud_type == "other"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030"])
def test_utf8_with_or_without_bom_and_gbk_are_accepted(encoding):
    parsed = parse("2026-03,,acme,刷单返利,2,100,备注\r\n", encoding=encoding)
    assert parsed.ok, parsed.problems
    assert parsed.rows[0].note == "备注"


def test_tabs_or_semicolons_and_english_headers_are_accepted():
    text = "month;company;fraud type;cases;loss\n2026-03;acme;shuadan;1;10\n"
    assert inc.parse_incident_file(text.encode(), scope()).ok


def test_an_undecodable_file_is_refused():
    parsed = inc.parse_incident_file(b"\xfa\xfb\xff\xff,\x81\x20\n", scope())
    assert reasons(parsed) == [(0, "", "encoding")] and not parsed.rows


@pytest.mark.parametrize("data,reason", [
    (b"", "empty_file"), (b"\xef\xbb\xbf\r\n\r\n", "empty_file"), (b" ,,\r\n", "empty_file"),
    (HEADER.encode(), "no_rows"),
])
def test_empty_files_and_header_only_files_are_refused(data, reason):
    assert [p.reason for p in inc.parse_incident_file(data, scope()).problems] == [reason]


def test_wrong_columns_are_named():
    text = "月份,企业编码,类型,案件数,年龄,月份\n2026-03,acme,shuadan,1,3,2026-03\n"
    parsed = inc.parse_incident_file(text.encode(), scope())
    assert sorted(reasons(parsed)) == sorted([(1, "年龄", "unknown_column"), (1, "月份", "duplicate_column"),
                                              (1, "损失金额(元)", "missing_column")])
    assert not parsed.rows


def test_every_bad_row_is_listed_with_its_row_column_and_reason():
    parsed = parse("\r\n".join([
        "2026-3x,,acme,shuadan,1,1,",  # row 2
        "2026-03,,nope,shuadan,1,1,",  # 3
        "2026-03,,bolt,shuadan,1,1,",  # 4: another officer's grid
        "2026-03,,acme,lottery,1,1,",  # 5
        "2026-03,,acme,shuadan,-1,-5,",  # 6
        "2026-03,,acme,shuadan,1.5,1.234,",  # 7
        "2026-03,,acme,shuadan,=1+1,1,",  # 8
        "2026-03,,=HYPERLINK(\"x\"),shuadan,1,1,",  # 9
        "2026-03,,acme,shuadan,1,1,@SUM(A1)",  # 10
        "2026-03,,gone,shuadan,1,1,",  # 11
        "2026-03,g2,,shuadan,1,1,",  # 12
        "2026-03,g9,,shuadan,1,1,",  # 13
        "2026-03,g2,acme,shuadan,1,1,",  # 14
        "2026-12,,acme,shuadan,1,1,",  # 15: after this month
        "2026-03,,acme,,,,",  # 16
        "2026-03,,acme,shuadan,lots,1,",  # 17
        "2026-03,,acme,shuadan,999999999,1,",  # 18
    ]) + "\r\n")
    assert not parsed.rows
    assert reasons(parsed) == [
        (2, "月份", "bad_month"), (3, "企业编码", "unknown_company"), (4, "企业编码", "outside_grids"),
        (5, "诈骗类型", "unknown_fraud_type"), (6, "案件数", "negative"), (6, "损失金额(元)", "negative"),
        (7, "案件数", "not_whole"), (7, "损失金额(元)", "not_a_number"), (8, "案件数", "formula"),
        (9, "企业编码", "formula"), (10, "备注", "formula"), (11, "企业编码", "inactive_company"),
        (12, "网格", "outside_grids"), (13, "网格", "unknown_grid"), (14, "网格", "outside_grids"),
        (15, "月份", "future_month"), (16, "诈骗类型", "empty"), (16, "案件数", "empty"), (16, "损失金额(元)", "empty"),
        (17, "案件数", "not_a_number"), (18, "案件数", "too_large"),
    ]


def test_a_company_in_another_grid_than_named_is_a_bad_row():
    parsed = parse("2026-03,g1,bolt,shuadan,1,1,\r\n", visible_grids=(1, 2))
    assert reasons(parsed) == [(2, "网格", "grid_mismatch")]


def test_a_whole_grid_row_needs_its_grid_unless_the_officer_has_one():
    assert parse("2026-03,,,shuadan,1,1,\r\n").rows[0].grid_id == 1
    assert reasons(parse("2026-03,,,shuadan,1,1,\r\n", visible_grids=(1, 2))) == [(2, "网格", "grid_needed")]


def test_a_repeated_company_month_and_type_names_the_first_row():
    parsed = parse("2026-03,,acme,shuadan,1,1,\r\n2026-03,,acme,刷单返利,2,2,\r\n")
    assert [(p.row, p.reason, p.detail) for p in parsed.problems] == [(3, "duplicate", "2")]


def test_a_note_too_long_is_a_bad_row():
    assert reasons(parse("2026-03,,acme,shuadan,1,1," + "字" * 501 + "\r\n")) == [(2, "备注", "too_long")]


def test_a_blank_note_is_empty_and_the_marker_asks_to_empty_the_stored_one():
    blank, marked, bracketed = parse("2026-03,,acme,shuadan,1,1,\r\n2026-03,,acme,other,1,1,清空\r\n"
                                     "2026-02,,acme,other,1,1,（清空）\r\n").rows
    assert (blank.note, blank.note_cleared) == ("", False)
    assert (marked.note, marked.note_cleared) == ("", True) and bracketed.note_cleared


def test_topics_that_are_not_fraud_types():
    assert not inc.is_fraud_type("guanfang") and not inc.is_fraud_type("liangka")
    assert inc.is_fraud_type("shuadan") and inc.is_fraud_type(inc.OTHER)


# --- what an import writes ------------------------------------------------------------------------

def good_row(note="", cleared=False, cases=2, loss="100.00", company=1):
    return inc.IncidentRow(row=2, grid_id=1, company_id=company, month=date(2026, 3, 1), fraud_type="shuadan",
                           cases=cases, loss_yuan=Decimal(loss), note=note, raw={}, note_cleared=cleared)


KEY = (1, 1, date(2026, 3, 1), "shuadan")


def test_a_new_record_is_written_as_the_file_says():
    (plan,) = inc.plan_rows([good_row()], {})
    assert not plan.replaces and plan.fields == [] and plan.written == inc.Stored(2, Decimal("100.00"), None)
    assert plan.seen == inc.NOTHING_STORED


def test_a_blank_note_keeps_the_stored_note_and_the_marker_empties_it():
    stored = {KEY: inc.Stored(1, Decimal("50"), "先前的备注")}
    (keep,) = inc.plan_rows([good_row()], stored)
    assert keep.written.note == "先前的备注"
    assert keep.fields == [("cases", 1, 2), ("loss_yuan", Decimal("50"), Decimal("100.00"))] and keep.emptied == []
    (empty,) = inc.plan_rows([good_row(cleared=True)], stored)
    assert empty.written.note is None and empty.emptied == ["note"]
    assert ("note", "先前的备注", None) in empty.fields
    (new,) = inc.plan_rows([good_row(note="更正")], stored)
    assert new.written.note == "更正" and ("note", "先前的备注", "更正") in new.fields


def test_the_same_values_change_nothing_and_the_snapshot_follows_the_stored_values():
    stored = inc.Stored(2, Decimal("100"), "x")
    (plan,) = inc.plan_rows([good_row()], {KEY: stored})
    assert plan.fields == [] and plan.replaces and plan.unchanged
    assert plan.seen == "2|100.00|x|0|" != inc.Stored(2, Decimal("100"), None).snapshot()


def test_raw_reports_are_written_as_the_file_says_or_kept_when_it_says_none():
    stored = {KEY: inc.Stored(2, Decimal("100.00"), None, raw_reports=9)}
    (kept,) = inc.plan_rows([good_row()], stored)  # no raw count in the file: the stored one stays
    assert kept.written.raw_reports == 9 and kept.fields == []
    row = inc.IncidentRow(row=2, grid_id=1, company_id=1, month=date(2026, 3, 1), fraud_type="shuadan", cases=2,
                          loss_yuan=Decimal("100.00"), note="", raw={}, raw_reports=12)
    (changed,) = inc.plan_rows([row], stored)
    assert changed.written.raw_reports == 12 and changed.fields == [("raw_reports", 9, 12)]
    assert changed.seen == "2|100.00||9|"
    (new,) = inc.plan_rows([good_row()], {})
    assert new.written.raw_reports == 0  # a new record without a raw count


def test_the_checked_rows_check_again_the_same_way():
    """The confirmation carries each good row's `raw` and checks it again: same rows, same result."""
    parsed = parse("2026-03,,acme,shuadan,2,15000,a\r\n2026-02,g1,,other,1,0.5,\r\n")
    again = inc.check_rows([r.raw for r in parsed.rows], scope())
    assert again.rows == parsed.rows and not again.problems
    # ... and a company that left the officer's grids since is a bad row then.
    later = inc.check_rows([r.raw for r in parsed.rows], scope(visible_grids=(2,)))
    assert [p.reason for p in later.problems] == ["outside_grids", "outside_grids"]


def test_the_template_reads_back_as_a_good_file():
    parsed = inc.parse_incident_file(inc.template_csv(), scope(today=date(2026, 11, 24)))
    assert parsed.ok and parsed.rows[0].company_id == 1
    assert (parsed.rows[0].raw_reports, parsed.rows[0].cases) == (3, 2)  # 原始警情 and 确认警情


def test_raw_reports_are_optional_in_a_file_and_checked_when_given():
    head = "月份,企业编码,诈骗类型,案件数,损失金额,原始警情\r\n"
    parsed = inc.parse_incident_file((head + "2026-03,acme,shuadan,2,10,\r\n2026-03,acme,shuadan,1,5,-4\r\n")
                                    .encode("utf-8"), scope(today=date(2026, 11, 24)))
    assert [r.raw_reports for r in parsed.rows] == [None]  # blank: not given, a stored count stays
    assert (3, "原始警情") in [(p.row, p.column) for p in parsed.problems]  # -4: not a count


cells = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=12)


@given(st.fixed_dictionaries({name: cells for name in inc.HEADERS}))
def test_any_cells_give_a_good_row_or_problems_never_an_error(raw):
    good, problems = inc.check_row(2, {k: v.strip() for k, v in raw.items()}, scope())
    assert (good is None) == bool(problems)
    if good is not None:
        assert good.cases >= 0 and good.loss_yuan >= 0 and good.month <= date(2026, 11, 1)


# --- figures ---------------------------------------------------------------------------------

def rec(month, cases, loss="0", company=1, grid=1, raw=0):
    return Record(month, grid, company, cases, Decimal(loss), raw)


def test_year_on_year_compares_the_month_and_the_year_to_date():
    records = [rec(date(2026, 3, 1), 2, "100"), rec(date(2026, 1, 1), 1, "50"), rec(date(2025, 3, 1), 4, "400"),
               rec(date(2025, 2, 1), 1, "10"), rec(date(2025, 12, 1), 9, "900"), rec(date(2026, 4, 1), 7, "7")]
    y = inc.year_on_year(records, date(2026, 3, 15))
    assert (y.this_month.cases, y.month_last_year.cases) == (2, 4)
    assert (y.year_to_date.cases, y.ytd_last_year.cases) == (3, 5)
    assert y.year_to_date.loss_yuan == Decimal("150") and y.ytd_last_year.loss_yuan == Decimal("410")
    changes = y.changes()
    assert changes["month_cases"] == -50  # whole percent, as printed
    assert changes["ytd_loss_yuan"] == -63  # (150 − 410) ÷ 410 = −63.4%


def test_a_month_in_progress_is_shown_but_not_compared_and_the_year_to_date_runs_through_complete_months():
    records = [rec(date(2026, 3, 1), 1, "100", raw=3), rec(date(2026, 1, 1), 1, "50", raw=2),
               rec(date(2025, 3, 1), 4, "400", raw=8), rec(date(2025, 1, 1), 2, "10", raw=2),
               rec(date(2025, 2, 1), 1, "10", raw=1)]
    y = inc.year_on_year(records, date(2026, 3, 1), today=date(2026, 3, 5))  # 5 March: the month has begun
    assert y.partial and y.ytd_last == date(2026, 2, 1)
    assert (y.this_month.cases, y.this_month.raw_reports) == (1, 3)  # shown...
    changes, declines = y.changes(), y.declines()
    assert changes["month_cases"] is None and declines["month_raw_reports"] is None  # ...but not compared
    # January to February against January to February 2025: like with like.
    assert (y.year_to_date.cases, y.ytd_last_year.cases) == (1, 3)
    assert (y.year_to_date.raw_reports, y.ytd_last_year.raw_reports) == (2, 3)
    assert changes["ytd_cases"] == -67 and declines["ytd_cases"] is True
    assert changes["ytd_raw_reports"] == -33 and declines["ytd_raw_reports"] is True
    assert changes["ytd_loss_yuan"] == 150 and declines["ytd_loss_yuan"] is False  # 50 against 20
    # The same month once it is over: compared whole against whole.
    done = inc.year_on_year(records, date(2026, 3, 1), today=date(2026, 4, 2))
    assert not done.partial and done.changes()["month_cases"] == -75 and done.declines()["month_cases"] is True
    # In January there is no complete month yet this year: no year to date to compare.
    january = inc.year_on_year(records, date(2026, 1, 1), today=date(2026, 1, 9))
    assert january.ytd_last is None and january.changes()["ytd_cases"] is None


def test_a_change_from_nothing_is_not_a_percentage():
    assert inc.change(3, 0) is None and inc.change(0, 0) is None and inc.change(0, 2) == -100


def test_monthly_rows_put_cases_beside_participation():
    months = inc.months_between(date(2026, 1, 1), date(2026, 3, 1))
    rows = inc.monthly(months, [rec(date(2026, 2, 1), 2, "5"), rec(date(2026, 2, 1), 1, "1", company=None),
                                rec(date(2025, 2, 1), 9)], {date(2026, 1, 1): 0.5, date(2026, 2, 1): None})
    assert [(r.cases, r.participation) for r in rows] == [(0, 0.5), (3, None), (0, None)]
    assert rows[1].loss_yuan == Decimal("6")


def test_the_chart_scales_bars_to_the_busiest_month_and_leaves_gaps_for_missing_participation():
    rows = [MonthRow(date(2026, m, 1), c, Decimal(0), p) for m, c, p in
            [(1, 0, 0.5), (2, 4, 1.0), (3, 2, None), (4, 1, 0.25)]]
    chart = inc.combo_chart(rows, width=400, height=200)
    assert chart.max_cases == 4
    assert [b.height for b in chart.bars] == [0, 166.0, 83.0, 41.5]
    assert chart.line.count("M") == 2  # a gap where participation is missing, never a dip to zero
    assert len(chart.dots) == 3 and chart.dots[1].y == 10  # 100% at the top


def test_an_import_counts_a_row_that_changes_nothing_as_unchanged_never_as_replaced():
    stored = {KEY: inc.Stored(2, Decimal("100"), None)}
    same, other, new = (inc.plan_rows([row], stored)[0]
                        for row in (good_row(), good_row(cases=3), good_row(company=2)))
    assert inc.count_plans([same, other, new]) == inc.PlanCounts(added=1, replaced=1, unchanged=1)
    assert not inc.count_plans([same, same]).changes and inc.count_plans([other]).changes
    assert inc.count_plans([]) == inc.PlanCounts(0, 0, 0)
