"""Reading and writing spreadsheets safely: encodings and formula cells."""

from quizapp.rules.spreadsheets import decode_text, looks_like_formula


def test_csv_text_in_the_encodings_excel_saves():
    assert decode_text("工号,姓名".encode("utf-8-sig")) == "工号,姓名"
    assert decode_text("工号,姓名".encode("gbk")) == "工号,姓名"
    assert decode_text("工号,姓名".encode("utf-16")) == "工号,姓名"
    assert decode_text(b"\xfa\xfb\xff\xff") is None
    assert decode_text(b"PK\x03\x04\x00\x00") is None  # binary


def test_cells_a_spreadsheet_would_run():
    assert all(looks_like_formula(t) for t in ("=1+1", "+86", "-2", "@SUM(A1)", "\tx"))
    assert not looks_like_formula("王小明") and not looks_like_formula("A001")
