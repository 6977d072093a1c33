"""Roster file rules (quizapp.roster.rules): encodings, headers, every reason a row is left out,
files refused as a whole, and the plan that matches a file to the roster by employee number."""

import csv
import io
import zipfile
from datetime import date, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from quizapp.roster.rules import (
    MAX_BYTES,
    MAX_ROWS,
    Current,
    RosterFileError,
    blank_for_new,
    mentioned_numbers,
    new_worker,
    parse_date,
    parse_roster,
    plan_import,
    template_csv,
    template_xlsx,
)

HEADER = "工号,姓名,班组,班次\n"


def csv_bytes(text: str, encoding: str = "utf-8") -> bytes:
    return text.encode(encoding)


def xlsx_bytes(rows) -> bytes:
    book = Workbook()
    sheet = book.active
    for number, row in enumerate(rows, start=1):
        for column, value in enumerate(row, start=1):
            if value is not None:
                sheet.cell(number, column, value)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def refused(filename: str, data: bytes, shifts=()) -> RosterFileError:
    with pytest.raises(RosterFileError) as info:
        parse_roster(filename, data, shifts)
    return info.value


def reasons(parsed) -> list[tuple[int, str, str]]:
    return [(p["row"], p["column"], p["reason"]) for p in parsed.problems]


# --- encodings and formats ---------------------------------------------------------------------

@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030", "utf-16"])
def test_csv_in_every_encoding_excel_writes(encoding):
    parsed = parse_roster("r.csv", csv_bytes(HEADER + "A001,王小明,一车间,早班\n", encoding))
    assert parsed.rows == [{"row": 2, "employee_no": "A001", "name": "王小明", "team": "一车间", "shift": "早班"}]
    assert parsed.problems == []


def test_gb18030_names_outside_gbk():
    parsed = parse_roster("r.csv", csv_bytes(HEADER + "A001,王㐀明,一车间,早班\n", "gb18030"))
    assert parsed.rows[0]["name"] == "王㐀明"


def test_tab_and_semicolon_separated_text():
    assert parse_roster("r.txt", "工号\t姓名\t班组\t班次\nA1\t甲\t一\t早\n".encode()).rows[0]["name"] == "甲"
    assert parse_roster("r.csv", "工号;姓名;班组;班次\nA1;甲;一;早\n".encode()).rows[0]["team"] == "一"


def test_xlsx_numbers_dates_and_row_numbers_as_in_the_sheet():
    data = xlsx_bytes([["工号", "姓名", "班组", "班次", "入职日期"],
                       [1001, "王小明", "一车间", "早班", datetime(2024, 3, 1)],
                       [None],
                       ["A002", "李小红", "二车间", "", "2024/3/5"]])
    parsed = parse_roster("roster.xlsx", data)
    assert parsed.rows == [
        {"row": 2, "employee_no": "1001", "name": "王小明", "team": "一车间", "shift": "早班",
         "active_from": "2024-03-01"},
        {"row": 4, "employee_no": "A002", "name": "李小红", "team": "二车间", "active_from": "2024-03-05"}]


def test_xlsx_is_recognised_by_content_not_name():
    data = xlsx_bytes([["工号", "姓名", "班组", "班次"], ["A1", "甲", "一", "早"]])
    assert parse_roster("download", data).rows[0]["employee_no"] == "A1"


def test_a_formula_cell_in_xlsx_is_refused():
    data = xlsx_bytes([["工号", "姓名", "班组", "班次"], ["A1", "=HYPERLINK(\"http://x\")", "一", "早"],
                       ["A2", "乙", "一", "早"]])
    parsed = parse_roster("r.xlsx", data)
    assert reasons(parsed) == [(2, "姓名", "formula")]
    assert [r["employee_no"] for r in parsed.rows] == ["A2"]


# --- headers -----------------------------------------------------------------------------------

def test_english_headers_notes_full_width_and_a_title_row():
    text = "XX电子厂花名册 2024年3月\n Employee No ,NAME,Department,Shift,Start date\nA1,Ann,Line 1,Day,2024-01-02\n"
    parsed = parse_roster("r.csv", text.encode())
    assert parsed.rows == [{"row": 3, "employee_no": "A1", "name": "Ann", "team": "Line 1", "shift": "Day",
                            "active_from": "2024-01-02"}]
    noted = "工号（必填）,姓名*,部门/班组,班次 (可选)\nA1,甲,一,早\n"
    assert parse_roster("r.csv", noted.encode()).columns["team"] == "部门/班组"


def test_unknown_columns_are_ignored_and_listed():
    parsed = parse_roster("r.csv", "工号,姓名,班组,班次,手机,备注\nA1,甲,一,早,138,=cmd\n".encode())
    assert [(p["column"], p["reason"]) for p in parsed.problems] == [
        ("手机", "ignored_column"), ("备注", "ignored_column")]
    assert len(parsed.rows) == 1  # what is in an ignored column is never stored, formulas included


def test_missing_columns_name_the_missing_and_the_found():
    error = refused("r.csv", "工号,姓名,电话\nA1,甲,1\n".encode())
    assert error.code == "roster.file.missing_columns"
    assert error.data == {"missing": ["班组", "班次"], "found": ["工号", "姓名", "电话"]}
    error = refused("r.csv", b"id,who\n1,2\n")
    assert error.data["missing"] == ["工号", "姓名", "班组", "班次"] and error.data["found"] == ["id", "who"]


def test_two_columns_for_one_field_are_refused():
    error = refused("r.csv", "工号,姓名,班组,部门,班次\nA1,甲,一,二,早\n".encode())
    assert error.code == "roster.file.duplicate_columns"


# --- files refused as a whole --------------------------------------------------------------------

@pytest.mark.parametrize("data, reason", [
    (b"", "empty"),
    (b" \r\n \n", "empty"),
    (b",,,\n,,\n", "empty"),
    ("工号,姓名,班组,班次\n\n,,,\n".encode(), "no_rows"),
    (b"\xff\x80\x81\xfe", "encoding"),
    (b"\x00\x01binary\x00", "encoding"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1old", "old_xls"),
    (b"PK\x03\x04not really a zip", "not_xlsx"),
])
def test_bad_files(data, reason):
    assert refused("r.csv", data).code == f"roster.file.{reason}"


def test_a_zip_that_is_not_a_workbook_and_a_text_named_xlsx():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("hello.txt", "hi")
    assert refused("r.xlsx", out.getvalue()).code == "roster.file.not_xlsx"
    assert refused("r.xlsx", HEADER.encode()).code == "roster.file.not_xlsx"


def test_over_the_size_limit():
    error = refused("big.csv", HEADER.encode() + b"A" * MAX_BYTES)
    assert error.code == "roster.file.too_big" and error.data == {"mb": 10}


def _with_sheet_xml(sheet_xml_parts, extra_entries: int = 0) -> bytes:
    """A real workbook whose first sheet's XML is replaced (written in parts, so a big one is
    never held whole), with `extra_entries` more files in the zip."""
    base = zipfile.ZipFile(io.BytesIO(xlsx_bytes([["工号", "姓名"], ["A1", "王一"]])))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as book:
        for item in base.infolist():
            if item.filename == "xl/worksheets/sheet1.xml":
                with book.open(item.filename, "w") as sheet:
                    for part in sheet_xml_parts:
                        sheet.write(part)
            else:
                book.writestr(item, base.read(item.filename))
        for n in range(extra_entries):
            book.writestr(f"customXml/item{n}.xml", "<a/>")
    return out.getvalue()


SHEET_HEAD = (b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
              b'<row r="1"><c r="A1" t="inlineStr"><is><t>\xe5\xb7\xa5\xe5\x8f\xb7</t></is></c>'
              b'<c r="B1" t="inlineStr"><is><t>\xe5\xa7\x93\xe5\x90\x8d</t></is></c></row>')
SHEET_TAIL = b"</sheetData></worksheet>"


def test_a_workbook_padded_with_whitespace_is_refused_before_it_is_opened():
    padding = (b" " * (1024 * 1024) for _ in range(40))
    data = _with_sheet_xml([SHEET_HEAD, *padding, SHEET_TAIL])
    assert len(data) < 1024 * 1024  # small to upload, 40 MB unpacked
    error = refused("padded.xlsx", data)
    assert error.code == "roster.file.too_big_unpacked" and error.data == {"mb": 16}


def test_a_workbook_of_thousands_of_entries_is_refused():
    assert refused("many.xlsx", _with_sheet_xml([SHEET_HEAD, SHEET_TAIL], extra_entries=300)).code == \
        "roster.file.not_xlsx"


def test_blank_rows_count_towards_the_row_limit():
    blank = [f'<row r="{r}"/>'.encode() for r in range(2, MAX_ROWS + 3)]
    error = refused("blank.xlsx", _with_sheet_xml([SHEET_HEAD, *blank, SHEET_TAIL]))
    assert error.code == "roster.file.too_many_rows" and error.data == {"limit": MAX_ROWS}
    far = _with_sheet_xml([SHEET_HEAD, f'<row r="{MAX_ROWS + 5}"><c><v>1</v></c></row>'.encode(), SHEET_TAIL])
    assert refused("far.xlsx", far).code == "roster.file.too_many_rows"
    lines = refused("blank.csv", (HEADER + "A1,王一,一,早\n" + "\n" * MAX_ROWS).encode())
    assert lines.code == "roster.file.too_many_rows"


def test_a_roster_just_under_the_row_limit_is_read():
    rows = "".join(f"A{n},王{n},,\n" for n in range(MAX_ROWS - 1))
    assert len(parse_roster("r.csv", (HEADER + rows).encode()).rows) == MAX_ROWS - 1


# --- rows left out -------------------------------------------------------------------------------

def test_every_reason_a_row_is_left_out():
    text = (HEADER.rstrip("\n") + ",入职日期\n"
            "A1,王一,一车间,早班,2024-03-01\n"   # 2 the same number as row 6
            "A2,,一车间,早班,\n"                 # 3 empty name
            ",王三,一车间,早班,\n"               # 4 empty employee number
            "A4,王四,一车间,夜班,\n"             # 5 unknown shift
            "A1,王五,一车间,早班,\n"             # 6 the same number as row 2
            "+A6,王六,一车间,早班,\n"            # 7 formula (+)
            "A7,-王七,一车间,早班,\n"            # 8 formula (-)
            "A8,@王八,一车间,早班,\n"            # 9 formula (@)
            f"A9,{'长' * 65},一车间,早班,\n"    # 10 too long
            "A10,王十,一车间,早班,明天\n"        # 11 not a date
            "A11,王十一,=1+1,早班,\n"            # 12 formula (=)
            "A12,王十二,一车间,早班,2024-03-01\n")  # 13 good
    parsed = parse_roster("r.csv", text.encode(), ["早班", "中班"])
    assert [r["row"] for r in parsed.rows] == [13]
    assert reasons(parsed) == [
        (2, "工号", "duplicate"), (3, "姓名", "empty_name"), (4, "工号", "empty_employee_no"),
        (5, "班次", "unknown_shift"),
        (6, "工号", "duplicate"), (7, "工号", "formula"), (8, "姓名", "formula"), (9, "姓名", "formula"),
        (10, "姓名", "too_long"), (11, "入职日期", "bad_date"), (12, "班组", "formula")]
    by_row = {p["row"]: p for p in parsed.problems}
    assert by_row[6]["detail"] == "2" and by_row[2]["detail"] == "6"
    assert by_row[5]["detail"] == "早班 / 中班" and by_row[10]["detail"] == "64"
    assert by_row[5]["value"] == "夜班"


def test_any_shift_is_accepted_while_the_company_has_none_defined():
    parsed = parse_roster("r.csv", (HEADER + "A1,甲,一,随便\n").encode(), [])
    assert parsed.rows[0]["shift"] == "随便"


def test_a_row_can_have_several_problems_and_blank_rows_are_skipped():
    parsed = parse_roster("r.csv", (HEADER + "\n,,,\n,,一,夜班\n").encode(), ["早班"])
    assert reasons(parsed) == [
        (4, "工号", "empty_employee_no"), (4, "姓名", "empty_name"), (4, "班次", "unknown_shift")]


def test_employee_numbers_are_normalised_and_names_spaces_collapsed():
    parsed = parse_roster("r.csv", (HEADER + " Ａ００１ ,王  小明 ,一,早\n").encode())
    assert parsed.rows[0]["employee_no"] == "A001" and parsed.rows[0]["name"] == "王 小明"


def test_bad_rows_still_count_as_mentioned():
    parsed = parse_roster("r.csv", (HEADER + "A1,,一,早\nA2,乙,一,早\n").encode())
    assert mentioned_numbers(parsed.rows, parsed.problems) == {"A1", "A2"}


@pytest.mark.parametrize("text, expected", [("2024-03-01", date(2024, 3, 1)), ("2024/3/1", date(2024, 3, 1)),
                                            ("2024.03.01", date(2024, 3, 1)), ("2024年3月1日", date(2024, 3, 1))])
def test_dates_as_people_write_them(text, expected):
    assert parse_date(text) == expected


@pytest.mark.parametrize("text", ["2024-13-01", "03/01/2024", "yesterday"])
def test_not_dates(text):
    with pytest.raises(ValueError):
        parse_date(text)


# --- the plan ------------------------------------------------------------------------------------

def worker(id, no, name="甲", team="一", shift="早", active=True, active_from=None):
    return Current(id, no, name, team, shift, active, active_from)


def row(no, name="甲", team="一", shift="早", **extra):
    return {"row": 2, "employee_no": no, "name": name, "team": team, "shift": shift, **extra}


def test_plan_adds_changes_reactivates_and_lists_the_missing():
    roster = [worker(1, "A1"), worker(2, "A2", team="二"), worker(3, "A3", active=False), worker(4, "A4"),
              worker(5, "A5"), worker(6, "A6", active=False)]
    rows = [row("A1"), row("A2"), row("A3"), row("A9")]
    plan = plan_import(rows, {"A1", "A2", "A3", "A9", "A5"}, roster)
    assert [r["employee_no"] for r in plan.added] == ["A9"]
    assert [(c.current.employee_no, c.fields, c.reactivates) for c in plan.changed] == [
        ("A2", [("team", "二", "一")], False), ("A3", [("active", False, True)], True)]
    assert plan.unchanged == 1
    # A5's row was bad (mentioned), A6 is already inactive: only A4 is missing.
    assert [w.employee_no for w in plan.missing] == ["A4"]


def test_a_column_the_file_lacks_is_left_alone():
    roster = [worker(1, "A1", active_from=date(2020, 1, 1))]
    assert plan_import([row("A1")], {"A1"}, roster).unchanged == 1
    plan = plan_import([row("A1", active_from="2024-03-01")], {"A1"}, roster)
    assert plan.changed[0].fields == [("active_from", date(2020, 1, 1), date(2024, 3, 1))]


def test_the_fingerprint_follows_the_plan():
    roster = [worker(1, "A1"), worker(2, "A2")]
    first = plan_import([row("A1")], {"A1"}, roster).fingerprint()
    assert first == plan_import([row("A1")], {"A1"}, roster).fingerprint()
    assert first != plan_import([row("A1")], {"A1"}, roster + [worker(3, "A3")]).fingerprint()
    assert first != plan_import([row("A1", team="三")], {"A1"}, roster).fingerprint()


# --- blank cells and the clear marker -------------------------------------------------------------

FULL = "工号,姓名,班组,班次,入职日期\n"


def test_blank_optional_cells_are_left_out_of_the_row_and_the_marker_is_listed():
    text = FULL + "A1,甲,,,\nA2,乙,清空,（清空）,clear\nA3,丙,一车间,早班,2024-03-01\n"
    parsed = parse_roster("r.csv", text.encode())
    assert parsed.problems == []
    assert parsed.rows == [
        {"row": 2, "employee_no": "A1", "name": "甲"},
        {"row": 3, "employee_no": "A2", "name": "乙", "clear": ["team", "shift", "active_from"]},
        {"row": 4, "employee_no": "A3", "name": "丙", "team": "一车间", "shift": "早班", "active_from": "2024-03-01"}]


def test_the_marker_is_not_a_shift_the_company_lacks_nor_a_bad_date():
    parsed = parse_roster("r.csv", (FULL + "A1,甲,一车间,清空,清空\n").encode(), ["早班"])
    assert parsed.problems == [] and parsed.rows[0]["clear"] == ["shift", "active_from"]


def test_the_employee_number_and_name_cannot_be_cleared():
    parsed = parse_roster("r.csv", (FULL + "清空,甲,,,\nA2,(清空),,,\n").encode())
    assert parsed.rows == []
    assert reasons(parsed) == [(2, "工号", "cannot_clear"), (3, "姓名", "cannot_clear")]


def test_an_xlsx_with_blank_and_marker_cells():
    data = xlsx_bytes([["工号", "姓名", "班组", "班次", "入职日期"],
                       ["A1", "甲", None, "早班", None],
                       ["A2", "乙", "清空", None, "清空"]])
    assert parse_roster("r.xlsx", data).rows == [
        {"row": 2, "employee_no": "A1", "name": "甲", "shift": "早班"},
        {"row": 3, "employee_no": "A2", "name": "乙", "clear": ["team", "active_from"]}]


def test_a_blank_cell_keeps_what_the_roster_has():
    roster = [worker(1, "A1", team="一", shift="早", active_from=date(2025, 10, 31))]
    plan = plan_import([{"row": 2, "employee_no": "A1", "name": "甲"}], {"A1"}, roster)
    assert plan.changed == [] and plan.unchanged == 1 and plan.emptied == 0


def test_rows_kept_before_blanks_meant_unchanged_keep_the_roster_too():
    """A preview stored by an older version wrote a blank as "" (team, shift) or None (start date)."""
    roster = [worker(1, "A1", team="一", shift="早", active_from=date(2025, 10, 31))]
    old_style = {"row": 2, "employee_no": "A1", "name": "甲", "team": "", "shift": "", "active_from": None}
    assert plan_import([old_style], {"A1"}, roster).unchanged == 1


def test_the_marker_empties_the_field_and_the_plan_says_so():
    roster = [worker(1, "A1", team="一", shift="早", active_from=date(2025, 10, 31)),
              worker(2, "A2", team="", shift="早", active_from=None)]
    rows = [{"row": 2, "employee_no": "A1", "name": "甲", "clear": ["team", "active_from"]},
            {"row": 3, "employee_no": "A2", "name": "甲", "clear": ["team", "active_from"]}]  # already empty
    plan = plan_import(rows, {"A1", "A2"}, roster)
    assert [(c.current.employee_no, c.fields, c.emptied) for c in plan.changed] == [
        ("A1", [("team", "一", ""), ("active_from", date(2025, 10, 31), None)], ["team", "active_from"])]
    assert plan.emptied == 2 and plan.unchanged == 1


def test_emptying_changes_the_fingerprint():
    roster = [worker(1, "A1", active_from=date(2025, 10, 31))]
    keep = plan_import([row("A1")], {"A1"}, roster).fingerprint()
    empty = plan_import([row("A1", clear=["active_from"])], {"A1"}, roster).fingerprint()
    assert keep != empty


def test_a_new_worker_with_blank_or_marked_cells_is_simply_empty():
    assert new_worker({"row": 2, "employee_no": "A9", "name": "新", "clear": ["shift"]}) == {
        "employee_no": "A9", "name": "新", "team": "", "shift": "", "active_from": None}
    assert new_worker(row("A9", active_from="2024-03-01"))["active_from"] == date(2024, 3, 1)


# --- the template ---------------------------------------------------------------------------------

def test_the_templates_parse_back():
    assert template_csv().startswith("\ufeff".encode())
    for name, data in (("t.csv", template_csv("白班")), ("t.xlsx", template_xlsx("白班", ["How to fill it in"]))):
        parsed = parse_roster(name, data, ["白班"])
        assert parsed.problems == [] and parsed.rows[0]["shift"] == "白班"
        assert set(parsed.columns) == {"employee_no", "name", "team", "shift", "active_from"}


def test_the_xlsx_template_carries_its_notes_on_a_second_sheet():
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(template_xlsx(None, ["first note", "second note"])))
    assert book.sheetnames == ["花名册", "说明"]
    assert [r[0] for r in book["说明"].iter_rows(values_only=True)] == ["first note", "second note"]


# --- invariants ----------------------------------------------------------------------------------

cell = st.text(alphabet=st.sampled_from("王李张小明红一二车间AB01-= @+ ,\""), max_size=8)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(cell, cell, cell), max_size=25), st.sampled_from(["utf-8-sig", "gb18030"]))
def test_every_data_row_is_either_kept_or_left_out_with_a_reason(people, encoding):
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["工号", "姓名", "班组", "班次"])
    for no, name, team in people:
        writer.writerow([no, name, team, "早班"])
    data = out.getvalue().encode(encoding)
    if not people:
        assert refused("r.csv", data).code == "roster.file.no_rows"
        return
    parsed = parse_roster("r.csv", data, ["早班"])
    kept = {r["row"] for r in parsed.rows}
    left_out = {p["row"] for p in parsed.problems}
    assert not kept & left_out
    assert kept | left_out == set(range(2, len(people) + 2))  # the shift cell keeps every row non-blank
    numbers = [r["employee_no"] for r in parsed.rows]
    assert len(numbers) == len(set(numbers))  # never two rows for one employee number
    for r in parsed.rows:
        assert r["employee_no"] and r["name"] and not r["name"].startswith(("=", "+", "-", "@"))
    plan = plan_import(parsed.rows, mentioned_numbers(parsed.rows, parsed.problems), [])
    # Every good row is a new worker: added, or left out because its team cell is blank (NEEDED_FOR_NEW).
    assert len(plan.added) + len(plan.incomplete) == len(parsed.rows) and not plan.missing
    assert all(p["reason"] == "new_without_team" for p in plan.incomplete)


def test_numbers_differing_only_by_case_or_width_leave_out_every_one_of_their_rows():
    # Sign-in finds a worker by number in any case or width (signin.workers.worker_by_number, number_key):
    # a1, A1 and Ａ1 are one worker, and which of the rows is right is not the first row's to say.
    data = "工号,姓名,班组,班次\nA1,甲,,\na1,乙,,\nＡ1,丙,,\nA2,丁,,\nqa2001,戊,,\nQA2001,己,,\n".encode()
    parsed = parse_roster("r.csv", data)
    assert [r["employee_no"] for r in parsed.rows] == ["A2"]
    assert [(p["row"], p["reason"], p["detail"]) for p in parsed.problems] == [
        (2, "duplicate", "3, 4"), (3, "duplicate", "2, 4"), (4, "duplicate", "2, 3"),
        (6, "duplicate", "7"), (7, "duplicate", "6")]
    # Not in the file's good rows, yet named in it: none of them is offered for deactivation.
    assert {"A1", "a1", "qa2001", "QA2001"} <= mentioned_numbers(parsed.rows, parsed.problems)


def test_a_duplicated_number_of_a_worker_on_the_roster_renames_no_one():
    roster = [Current(5, "DPT00005", "张三", "一车间", "早班", True)]
    parsed = parse_roster("r.csv", "工号,姓名,班组,班次\nDPT00005,李四,一车间,早班\ndpt00005,张三,一车间,早班\n"
                          .encode())
    plan = plan_import(parsed.rows, mentioned_numbers(parsed.rows, parsed.problems), roster)
    assert not plan.added and not plan.changed and not plan.missing
    assert [p["row"] for p in parsed.problems] == [2, 3]


def test_a_file_matches_the_roster_whatever_the_case_of_its_numbers():
    roster = [Current(1, "DPT00009", "甲", "", "", True)]
    plan = plan_import([{"row": 2, "employee_no": "dpt00009", "name": "甲"}], {"dpt00009"}, roster)
    assert (plan.added, plan.changed, plan.unchanged, plan.missing) == ([], [], 1, [])


# --- a workbook as the user sees it: merged cells, the sheet read, numbers and days Excel changed ----

def workbook(*sheets, merges=(), hidden=()) -> bytes:
    """(title, rows) sheets; `merges` on the sheet named 花名册; `hidden` sheet titles."""
    book = Workbook()
    book.remove(book.active)
    for title, rows in sheets:
        sheet = book.create_sheet(title)
        for cells in rows:
            sheet.append(cells)
        sheet.sheet_state = "hidden" if title in hidden else "visible"
        if title == "花名册":
            for ref in merges:
                sheet.merge_cells(ref)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


HEAD_ROW = ["工号", "姓名", "班组", "班次"]


def test_a_team_merged_over_three_workers_moves_all_three():
    data = workbook(("花名册", [HEAD_ROW, ["A1", "甲", "五车间", "早"], ["A2", "乙", None, "早"],
                               ["A3", "丙", None, "早"]]), merges=["C2:C4"])
    parsed = parse_roster("roster.xlsx", data)
    assert [r.get("team") for r in parsed.rows] == ["五车间"] * 3
    roster = [worker(1, "A1"), worker(2, "A2", name="乙"), worker(3, "A3", name="丙")]
    plan = plan_import(parsed.rows, mentioned_numbers(parsed.rows, parsed.problems), roster)
    assert [(c.current.employee_no, c.fields) for c in plan.changed] == [
        (no, [("team", "一", "五车间")]) for no in ("A1", "A2", "A3")]
    assert plan.unchanged == 0


def test_new_workers_under_a_merged_team_are_added_with_it():
    data = workbook(("花名册", [HEAD_ROW, ["B1", "甲", "五车间", "早"], ["B2", "乙", None, "早"]]), merges=["C2:C3"])
    parsed = parse_roster("roster.xlsx", data)
    plan = plan_import(parsed.rows, mentioned_numbers(parsed.rows, parsed.problems), [])
    assert [new_worker(r)["team"] for r in plan.added] == ["五车间", "五车间"] and plan.incomplete == []


def test_the_sheet_read_is_the_visible_one_with_the_roster_and_is_named():
    data = workbook(("旧", [HEAD_ROW, ["OLD", "旧", "一", "早"]]), ("说明", [["怎样填写"]]),
                    ("花名册", [HEAD_ROW, ["A1", "甲", "一", "早"]]), hidden=["旧"])
    parsed = parse_roster("roster.xlsx", data)
    assert [r["employee_no"] for r in parsed.rows] == ["A1"]
    assert (parsed.sheet, parsed.other_sheets) == ("花名册", ["说明"])
    template = parse_roster("roster.xlsx", template_xlsx(None, ["note"]))
    assert (template.sheet, template.other_sheets) == ("花名册", ["说明"])
    assert parse_roster("roster.csv", csv_bytes(HEADER + "A1,甲,一,早\n")).sheet is None


def test_a_number_that_lost_its_zeros_is_not_a_new_worker():
    # 000123 typed into a General cell: Excel keeps the number 123.
    data = workbook(("花名册", [HEAD_ROW, [123, "甲", "一", "早"], [200, "乙", "一", "早"]]))
    parsed = parse_roster("roster.xlsx", data)
    roster = [worker(1, "000123"), worker(2, "0456")]
    plan = plan_import(parsed.rows, mentioned_numbers(parsed.rows, parsed.problems), roster)
    assert [(p["row"], p["column"], p["reason"], p["value"], p["detail"]) for p in plan.incomplete] == [
        (2, "工号", "lost_zeros", "123", "000123")]
    assert [r["employee_no"] for r in plan.added] == ["200"]  # no roster number it could have been
    assert [w.employee_no for w in plan.missing] == ["0456"]  # 000123 is in the file: not offered to deactivate


def test_numbers_beside_zero_padded_text_in_the_file_lost_their_zeros():
    data = workbook(("花名册", [HEAD_ROW, ["000124", "甲", "一", "早"], [125, "乙", "一", "早"],
                               [1234567, "丙", "一", "早"]]))
    parsed = parse_roster("roster.xlsx", data)
    assert [r["employee_no"] for r in parsed.rows] == ["000124", "1234567"]
    assert [(p["row"], p["column"], p["reason"], p["detail"]) for p in parsed.problems] == [
        (3, "工号", "lost_zeros", "000125")]
    roster = [worker(1, "000124"), worker(2, "000125"), worker(3, "000126")]
    plan = plan_import(parsed.rows, mentioned_numbers(parsed.rows, parsed.problems), roster)
    assert [w.employee_no for w in plan.missing] == ["000126"]  # 000125 is row 3, left out: not missing


def test_an_employee_number_in_scientific_notation_is_refused():
    parsed = parse_roster("roster.csv", csv_bytes(HEADER + "1.38E+10,甲,一,早\nA2,乙,一,早\n"))
    assert reasons(parsed) == [(2, "工号", "scientific")] and parsed.problems[0]["value"] == "1.38E+10"
    parsed = parse_roster("roster.xlsx", workbook(("花名册", [HEAD_ROW, [123456789012345678, "甲", "一", "早"]])))
    assert reasons(parsed) == [(2, "工号", "scientific")]


def test_a_day_in_full_width_and_a_day_the_calendar_lacks():
    parsed = parse_roster("roster.csv", csv_bytes("工号,姓名,班组,班次,入职日期\nA1,甲,一,早,２０２６－０３－０５\n"
                                                  "A2,乙,一,早,2026-02-30\nA3,丙,一,早,2026-0X-01\n"))
    assert [r["active_from"] for r in parsed.rows] == ["2026-03-05"]
    assert [(p["row"], p["reason"], p["value"]) for p in parsed.problems] == [
        (3, "no_such_day", "2026-02-30"), (4, "bad_date", "2026-0X-01")]


def test_a_row_whose_shift_the_company_no_longer_has_is_stale_and_changes_the_fingerprint():
    roster = [worker(1, "A1", shift="早班")]
    rows = [row("A1", shift="早班"), row("A9", shift="早班") | {"row": 3}, row("A8", shift="夜班") | {"row": 4}]
    before = plan_import(rows, {"A1", "A9", "A8"}, roster, ["早班", "夜班"])
    assert before.stale == [] and [r["employee_no"] for r in before.added] == ["A9", "A8"]
    after = plan_import(rows, {"A1", "A9", "A8"}, roster, ["白班", "夜班"])  # 早班 renamed 白班
    assert [(p["row"], p["reason"], p["value"], p["detail"]) for p in after.stale] == [
        (2, "shift_gone", "早班", "白班 / 夜班"), (3, "shift_gone", "早班", "白班 / 夜班")]
    assert [r["employee_no"] for r in after.added] == ["A8"] and after.changed == [] and after.missing == []
    assert after.fingerprint() != before.fingerprint()
    # No shifts at all: any shift, as at upload (check_fields).
    assert plan_import(rows, {"A1", "A9", "A8"}, roster, []).stale == []


def test_the_fingerprint_covers_what_a_new_worker_is_added_with():
    first = plan_import([row("A9", shift="早班")], {"A9"}, []).fingerprint()
    assert first != plan_import([row("A9", shift="夜班")], {"A9"}, []).fingerprint()


def test_a_new_worker_needs_a_team_and_a_shift_from_a_file_or_a_form():
    # A file's good row: a blank cell is left out of the row, the marker listed under "clear".
    assert blank_for_new({"row": 2, "employee_no": "A1", "name": "甲"}) == ["team", "shift"]
    assert blank_for_new({"row": 2, "employee_no": "A1", "name": "甲", "team": "一车间",
                                "clear": ["shift"]}) == ["shift"]
    # The add-a-worker form's fields as check_fields cleans them: an empty field is "".
    assert blank_for_new({"employee_no": "A1", "name": "甲", "team": "", "shift": "早班"}) == ["team"]
    assert blank_for_new({"employee_no": "A1", "name": "甲", "team": "一车间", "shift": "早班"}) == []
