"""Reading and writing spreadsheets safely: encodings and formula cells."""

from datetime import date

import pytest

from quizapp.rules.spreadsheets import decode_text, is_clear_marker, looks_like_formula


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
