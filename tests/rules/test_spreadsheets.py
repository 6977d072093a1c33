"""Reading and writing spreadsheets safely: encodings and formula cells; reading a workbook as the
user sees it (merged cells, the sheet meant, numbers shown with zeros); days and IDs Excel changed."""

import io
import unicodedata
import zipfile
from contextlib import closing
from datetime import date

import pytest
from openpyxl import Workbook

from quizapp.rules.spreadsheets import (
    NoSuchDay,
    SheetError,
    cell_date,
    decode_text,
    find_header,
    header_keys,
    header_test,
    id_cell_problem,
    is_clear_marker,
    is_number_cell,
    looks_like_formula,
    padded_ids,
    read_sheet,
    zero_padded_width,
    zeros_dropped,
)


def test_csv_text_in_the_encodings_excel_saves():
    assert decode_text("工号,姓名".encode("utf-8-sig")) == "工号,姓名"
    assert decode_text("工号,姓名".encode("gbk")) == "工号,姓名"
    assert decode_text("工号,姓名".encode("utf-16")) == "工号,姓名"
    assert decode_text(b"\xfa\xfb\xff\xff") is None
    assert decode_text(b"PK\x03\x04\x00\x00") is None  # binary


def test_cells_a_spreadsheet_would_run():
    assert all(looks_like_formula(t) for t in ("=1+1", "+86", "-2", "@SUM(A1)", "\tx"))
    assert not looks_like_formula("王小明") and not looks_like_formula("A001")


@pytest.mark.parametrize("text", ["清空", " 清空 ", "（清空）", "(清空)", "【清空】", "[clear]", "CLEAR", "(Clear)"])
def test_the_clear_marker_as_staff_type_it(text):
    assert is_clear_marker(text)


@pytest.mark.parametrize("value", ["", "清", "清空了", "clearly", "-", "–", None, 0, date(2024, 1, 1)])
def test_not_the_clear_marker(value):
    assert not is_clear_marker(value)


# --- reading a workbook as the user sees it -------------------------------------------------------

def xlsx(*sheets, merges=(), formats=None, hidden=()) -> bytes:
    """A workbook of (title, rows) sheets; `merges` ranges on the first sheet ("C2:C4"), `formats`
    {cell: number format} on it, `hidden` titles of hidden sheets."""
    book = Workbook()
    book.remove(book.active)
    for title, rows in sheets:
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
        if title in hidden:
            sheet.sheet_state = "hidden"
    first = book.worksheets[0]
    for ref in merges:
        first.merge_cells(ref)
    for ref, shown in (formats or {}).items():
        first[ref].number_format = shown
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def rows_of(data: bytes, header=None, max_rows: int = 100):
    with closing(read_sheet("book.xlsx", data, 10 * 1024 * 1024, max_rows, header)) as rows:
        return list(rows), rows.sheet, rows.others


def trimmed(cells: list) -> list:
    while cells and cells[-1] is None:
        cells = cells[:-1]
    return cells


ROSTER_KEYS = header_keys({"no": ["工号"], "name": ["姓名"], "team": ["班组"]})
IS_ROSTER_HEADER = header_test(ROSTER_KEYS, ["no", "name", "team"])


def test_a_merged_cell_is_read_in_every_cell_of_its_range():
    # 五车间 merged down over three workers, a note merged across two columns.
    data = xlsx(("花名册", [["工号", "姓名", "班组", "备注"], ["A1", "甲", "五车间", "夜班多", None],
                           ["A2", "乙", None, None, None], ["A3", "丙", None, None, None], ["A4", "丁", "六车间"]]),
                merges=["C2:C4", "D2:E2"])
    rows, sheet, others = rows_of(data)
    assert [trimmed(cells) for _n, cells in rows] == [
        ["工号", "姓名", "班组", "备注"], ["A1", "甲", "五车间", "夜班多", "夜班多"],
        ["A2", "乙", "五车间"], ["A3", "丙", "五车间"], ["A4", "丁", "六车间"]]
    assert (sheet, others) == ("花名册", [])


def test_a_row_with_nothing_of_its_own_stays_blank_under_a_merged_cell():
    data = xlsx(("花名册", [["工号", "姓名", "班组"], ["A1", "甲", "五车间"], [None, None, None],
                           [None, None, None]]), merges=["C2:C4"])
    rows, _sheet, _others = rows_of(data)
    assert [cells for n, cells in rows if n > 2 and any(c is not None for c in cells)] == []


def test_a_header_merged_over_two_columns_names_the_first():
    data = xlsx(("花名册", [["工号", "姓名", "姓名", "班组"], ["A1", "王", "小明", "一车间"]]), merges=["B1:C1"])
    with closing(read_sheet("book.xlsx", data, 10 * 1024 * 1024, 100)) as rows:
        number, fields, _headers, ignored = find_header(rows, ROSTER_KEYS,
                                                        {"no": "工号", "name": "姓名", "team": "班组"})
    assert (number, fields, ignored) == (1, {"no": 0, "name": 1, "team": 3}, [])


def test_two_real_columns_with_one_header_side_by_side_are_still_refused():
    """Only a merge's copy is skipped: two 姓名 columns typed side by side (a CSV cannot merge)
    would leave one unread."""
    rows = [["工号", "姓名", "姓名", "班组"], ["A1", "王", "小明", "一车间"]]
    for name, data in (("book.csv", "工号,姓名,姓名,班组\nA1,王,小明,一车间\n".encode()),
                       ("book.xlsx", xlsx(("花名册", rows)))):
        with closing(read_sheet(name, data, 10 * 1024 * 1024, 100)) as found, pytest.raises(SheetError) as refused:
            find_header(found, ROSTER_KEYS, {"no": "工号", "name": "姓名", "team": "班组"})
        assert refused.value.reason == "duplicate_columns", name


def with_merge_xml(data: bytes, refs: list[str]) -> bytes:
    """The workbook with `refs` merged in its first sheet's XML (openpyxl would make a cell object
    for each merged cell: millions for a range as large as this test needs)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for entry in source.infolist():
            body = source.read(entry)
            if entry.filename == "xl/worksheets/sheet1.xml":
                cells = "".join(f'<mergeCell ref="{ref}"/>' for ref in refs)
                body = body.replace(b"</sheetData>", f'</sheetData><mergeCells count="{len(refs)}">{cells}'
                                                     f"</mergeCells>".encode())
            target.writestr(entry, body)
    return out.getvalue()


def test_merged_ranges_past_the_bound_refuse_the_workbook():
    plain = xlsx(("花名册", [["工号", "姓名", "班组"], ["A1", "甲", "一"]]))
    # under the bound: the top-left value fills its row, all 256 columns (the rows below are not in the file)
    assert rows_of(with_merge_xml(plain, ["A2:IV7000"]), max_rows=20_000)[0][1:] == [(2, ["A1"] * 256)]
    data = with_merge_xml(plain, ["A2:IV20000"])  # 5 million cells, clipped to 20,000 rows and 256 columns
    with pytest.raises(SheetError) as info:
        rows_of(data, max_rows=20_000)
    assert info.value.reason == "too_big_unpacked"


def test_a_number_shown_with_its_zeros_is_read_as_shown():
    data = xlsx(("花名册", [["工号"], [123], [1234567], [45]]), formats={"A2": "000000", "A3": "000000"})
    rows, _sheet, _others = rows_of(data)
    assert [cells[0] for _n, cells in rows[1:]] == ["000123", 1234567, 45]


def test_the_first_visible_sheet_with_the_header_is_read_and_named():
    data = xlsx(("旧花名册", [["工号", "姓名", "班组"], ["OLD1", "旧", "一"]]),
                ("说明", [["怎样填写"], ["每行一人"]]),
                ("空表", []),
                ("花名册", [["公司花名册"], ["工号", "姓名", "班组"], ["A1", "甲", "一"]]),
                hidden=["旧花名册"])
    rows, sheet, others = rows_of(data, IS_ROSTER_HEADER)
    assert sheet == "花名册" and rows[-1][1] == ["A1", "甲", "一"]
    assert others == ["说明"]  # visible and not empty; the hidden and the empty sheets are not mentioned


def test_without_the_header_the_first_visible_sheet_with_data_is_read():
    data = xlsx(("空表", []), ("名单", [["编号", "名字"], ["A1", "甲"]]), ("其他", [["x"]]))
    rows, sheet, others = rows_of(data, IS_ROSTER_HEADER)
    assert (sheet, others, rows[0][1]) == ("名单", ["其他"], ["编号", "名字"])
    rows, sheet, others = rows_of(xlsx(("名单", [["工号"]]), ("隐藏", [["工号"]]), hidden=["隐藏"]))
    assert (sheet, others) == ("名单", [])


def test_a_csv_has_no_sheet():
    with closing(read_sheet("a.csv", "工号,姓名\nA1,甲\n".encode(), 1024, 10)) as rows:
        assert list(rows) == [(1, ["工号", "姓名"]), (2, ["A1", "甲"])] and rows.sheet is None


# --- days and IDs -----------------------------------------------------------------------------------

@pytest.mark.parametrize("text", ["２０２６－０３－０５", "２０２６年３月５日", "2026／3／5", " 2026-03-05 "])
def test_a_day_in_any_width(text):
    assert cell_date(text) == date(2026, 3, 5)


@pytest.mark.parametrize("text", ["2026-02-30", "2026-13-01", "２０２６－０２－３０", "2025年2月29日"])
def test_a_day_the_calendar_lacks_is_told_apart_from_no_date(text):
    with pytest.raises(NoSuchDay) as info:
        cell_date(text)
    assert info.value.text == unicodedata.normalize("NFKC", text).strip()


@pytest.mark.parametrize("text", ["26-3-5", "March 5", "2026-03", ""])
def test_not_a_date_at_all(text):
    with pytest.raises(ValueError) as info:
        cell_date(text)
    assert not isinstance(info.value, NoSuchDay)


@pytest.mark.parametrize("value", ["1.38E+10", "1.38e10", "1,38E+10", "１．３８Ｅ＋１０", " 2E5 ", 1.5,
                                   123456789012345678, 10 ** 15])
def test_ids_excel_has_turned_into_scientific_notation(value):
    assert id_cell_problem(value) == "scientific"


@pytest.mark.parametrize("value", ["A001", "000123", "E10", "1E", "13800138000", 13800138000, 1001, 10 ** 15 - 1,
                                   None, True])
def test_ids_kept_whole(value):
    assert id_cell_problem(value) is None


def test_a_number_that_is_a_known_id_with_its_zeros_gone():
    padded = padded_ids(["000123", "A001", "0", "00", "123", "0456"])
    assert padded == {"123": "000123", "456": "0456"}
    assert zeros_dropped("123", padded) == "000123" and zeros_dropped("456", padded) == "0456"
    assert zeros_dropped("0123", padded) is None and zeros_dropped("124", padded) is None
    assert zero_padded_width("000123") == 6 and zero_padded_width("123") == 0 and zero_padded_width("0") == 0
    assert is_number_cell(123) and is_number_cell(1.5) and not is_number_cell("123") and not is_number_cell(True)
