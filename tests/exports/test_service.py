"""Exports as use cases (exports.service, laid out by exports.sheets): what each report holds, CSV
that Excel opens (BOM, CRLF), XLSX with a frozen header, no formula injection, and only the staff
member's company."""

import csv
import io
from datetime import date, timedelta

import pytest
from openpyxl import load_workbook

from quizapp.exports import service as exports
from quizapp.exports import sheets
from quizapp.exports.service import Column, Report, neutralise, to_csv, to_xlsx
from quizapp.extensions import db
from tests.factories import make_employee, take_quiz
from tests.trends.test_service import NOW, TODAY, staff

pytestmark = pytest.mark.usefixtures("ctx")


@pytest.fixture
def zh(app):
    """A request in the default language (Chinese): export headers are translated."""
    with app.test_request_context("/"):
        yield


def read_csv(data: bytes) -> list[list[str]]:
    assert data.startswith(b"\xef\xbb\xbf")
    text = data[3:].decode("utf-8")
    assert "\r\n" in text and "\n" not in text.replace("\r\n", "")
    return list(csv.reader(io.StringIO(text, newline="")))


def read_xlsx(data: bytes):
    workbook = load_workbook(io.BytesIO(data))
    return workbook.active


def test_text_that_a_spreadsheet_would_run_gets_an_apostrophe():
    for value in ("=1+1", "+86", "-2", "@SUM(A1)", "\t=x"):
        assert neutralise(value) == "'" + value
    assert neutralise("王小明") == "王小明" and neutralise("a=b") == "a=b"


def test_csv_and_xlsx_writers_without_the_database():
    report = Report("r", "报表", date(2026, 1, 1), date(2026, 1, 2),
                    (Column("名字"), Column("Share", "share"), Column("Day", "date"), Column("N", "int")),
                    [("=cmd|' /C calc'!A0", 0.625, date(2026, 1, 2), 3), ("李", None, None, 0)])
    rows = read_csv(to_csv(report))
    assert rows == [["名字", "Share", "Day", "N"], ["'=cmd|' /C calc'!A0", "62.5%", "2026-01-02", "3"],
                    ["李", "", "", "0"]]
    sheet = read_xlsx(to_xlsx(report))
    assert sheet.title == "报表" and sheet.freeze_panes == "A2"
    assert sheet["A1"].font.bold and sheet["A2"].value == "'=cmd|' /C calc'!A0" and sheet["A2"].data_type == "s"
    assert sheet["B2"].value == 0.625 and sheet["B2"].number_format == "0.0%"
    assert sheet["C2"].value.date() == date(2026, 1, 2) and sheet["C2"].number_format == "yyyy-mm-dd"
    # Chinese is twice as wide as Latin text; every column is at least readable.
    assert sheet.column_dimensions["A"].width >= 8 and sheet.column_dimensions["A"].width <= 40
    assert exports.display_width("王小明") == 6 and exports.display_width("abc") == 3


def test_by_day_has_one_row_per_day_with_translated_headers(floor, zh):
    take_quiz(floor["a"], TODAY)
    report = sheets.report(exports.build(staff(), "by-day", TODAY, 7, NOW))
    rows = read_csv(to_csv(report))
    assert rows[0][0] == "日期" and "参与率" in rows[0] and "在册员工" in rows[0]
    assert len(rows) == 1 + 7
    assert rows[-1][0] == TODAY.isoformat() and rows[-1][2:5] == ["4", "1", "25.0%"]
    assert rows[1][4] == ""  # Sunday 11-22 is a day off: no participation, not 0%


def test_headers_follow_the_readers_language(floor, english):
    report = sheets.report(exports.build(staff(), "by-team", TODAY, 7, NOW))
    assert read_csv(to_csv(report))[0][:2] == ["Team", "Active workers"]
    sheet = read_xlsx(to_xlsx(report))
    assert sheet["A1"].value == "Team" and sheet.title == "Completion by team"


def test_by_worker_counts_expected_workdays_and_never_lists_another_companys_workers(floor, english):
    for offset in range(3):
        take_quiz(floor["a"], TODAY - timedelta(days=offset))
        take_quiz(floor["b"], TODAY - timedelta(days=offset))
    take_quiz(floor["a"], TODAY - timedelta(days=6))  # Sunday 11-22: done, but not expected
    newcomer = make_employee(floor["a"].company, "A020", "=HYPERLINK(\"http://x\")", team="二车间")
    newcomer.active_from = TODAY - timedelta(days=1)
    db.session.commit()
    report = sheets.report(exports.build(staff(), "by-worker", TODAY, 7, NOW))
    rows = {r[0]: r for r in read_csv(to_csv(report))[1:]}
    assert set(rows) == {"A001", "A002", "A010", "A011", "A020"}
    a = rows["A001"]
    # Expected: the workdays with data (today, and the two days before with rollup rows); Monday to
    # Wednesday have none and are not expected of anyone (they used to be: 6 expected, 50%).
    assert a[4:10] == ["active", "3", "4", "100.0%", "100.0%", TODAY.isoformat()]
    assert rows["A002"][5:8] == ["3", "0", "0.0%"]
    assert rows["A020"][1].startswith("'=") and rows["A020"][5] == "2"
    content = to_csv(report).decode("utf-8-sig") + repr([list(r) for r in read_xlsx(to_xlsx(report)).values])
    assert "B001" not in content and "李小红" not in content


def test_a_worker_deactivated_today_keeps_the_days_they_were_on_the_roster(floor, english):
    """Deactivating records the day (active_until): the worker counts on the days before, as the
    company's rows of those days were written with them, and not today, as the live figure has it.
    Their quiz of today, taken before they were deactivated, is in no figure of today."""
    take_quiz(floor["a3"], TODAY - timedelta(days=2))
    take_quiz(floor["a"], TODAY - timedelta(days=1))  # a day with data on which A011 did nothing
    take_quiz(floor["a3"], TODAY)
    floor["a3"].active, floor["a3"].active_until = False, TODAY  # as roster.service.set_active does
    db.session.commit()
    rows = {r[0]: r for r in read_csv(to_csv(sheets.report(exports.build(staff(), "by-worker", TODAY, 7, NOW))))[1:]}
    assert rows["A011"][4:10] == ["inactive", "2", "1", "50.0%", "100.0%", (TODAY - timedelta(days=2)).isoformat()]
    teams = {r[0]: r for r in read_csv(to_csv(sheets.report(exports.build(staff(), "by-team", TODAY, 7, NOW))))[1:]}
    assert teams["二车间"][1:4] == ["0", "2", "1"]  # nobody in it today; 2 expected before, 1 done


def test_a_worker_deactivated_without_a_date_counts_on_no_day_but_is_listed(floor, english):
    """Deactivated before the day was recorded: no day is known to have counted them."""
    take_quiz(floor["a3"], TODAY - timedelta(days=2))
    floor["a3"].active = False
    db.session.commit()
    rows = {r[0]: r for r in read_csv(to_csv(sheets.report(exports.build(staff(), "by-worker", TODAY, 7, NOW))))[1:]}
    assert rows["A011"][4:8] == ["inactive", "0", "0", ""]


def test_a_worker_who_left_before_the_period_is_not_listed(floor, english):
    take_quiz(floor["a3"], TODAY - timedelta(days=9))
    floor["a3"].active, floor["a3"].active_until = False, TODAY - timedelta(days=7)
    db.session.commit()
    rows = {r[0]: r for r in read_csv(to_csv(sheets.report(exports.build(staff(), "by-worker", TODAY, 7, NOW))))[1:]}
    assert "A011" not in rows
    floor["a3"].active_until = TODAY - timedelta(days=5)  # counted through the period's second day
    db.session.commit()
    rows = {r[0]: r for r in read_csv(to_csv(sheets.report(exports.build(staff(), "by-worker", TODAY, 7, NOW))))[1:]}
    assert rows["A011"][4:7] == ["inactive", "0", "0"]  # no day with data while they were there


def test_by_team_sums_the_period(floor, english):
    take_quiz(floor["a"], TODAY)
    take_quiz(floor["a3"], TODAY, wrong=5)
    rows = read_csv(to_csv(sheets.report(exports.build(staff(), "by-team", TODAY, 7, NOW))))
    # Only today has data: the six days before have no rollup row and are left out (they used to
    # count as 0%: 1 of 18 and 1 of 6), as on the trends page and every officer's page.
    assert rows[1] == ["一车间", "3", "3", "1", "33.3%", "100.0%"]
    assert rows[2] == ["二车间", "1", "1", "1", "100.0%", "0.0%"]
    assert len(rows) == 3  # company B's 乙车间 is not there


def test_file_names_name_the_company_report_and_period(floor, english):
    report = sheets.report(exports.build(staff(), "by-day", TODAY, 30, NOW))
    assert exports.filename("acme", report, "xlsx") == "acme-by-day-2026-10-30-2026-11-28.xlsx"
