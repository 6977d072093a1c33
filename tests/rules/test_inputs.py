"""The one parsing rule per kind of outside value (quizapp.rules.inputs)."""

from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from quizapp.rules import inputs


def test_whole_numbers_are_ascii_digits_within_range():
    assert inputs.whole("42") == 42 and inputs.whole(" 7 ") == 7 and inputs.whole(5) == 5
    assert inputs.whole("²") is None and inputs.whole("1²") is None and inputs.whole("٣") is None
    assert inputs.whole("-1") is None and inputs.whole("-1", low=-5) == -1
    assert inputs.whole("99999999999999999999999") is None and inputs.whole(str(2**31)) is None
    assert inputs.whole(str(2**31 - 1)) == 2**31 - 1 and inputs.whole("") is None and inputs.whole(None) is None
    assert inputs.whole(True) is None and inputs.whole("1.5") is None


def test_a_row_id_starts_at_one():
    assert inputs.row_id("0") is None and inputs.row_id("1") == 1


@given(st.text())
def test_whole_never_fails_and_stays_in_range(text):
    value = inputs.whole(text)
    assert value is None or 0 <= value <= inputs.MAX_INT


def test_text_with_control_characters():
    assert inputs.control_characters("A\x00") and inputs.control_characters("a\x01") and inputs.control_characters("\r")
    assert not inputs.control_characters("名字\twith\nlines")
    assert inputs.plain_text(" a\x00b\r\nc ", 10) == "ab\nc" and inputs.plain_text("x" * 500) == "x" * 100
    assert inputs.newlines("a\r\nb\rc") == "a\nb\nc"


@given(st.text())
def test_xml_safe_text_holds_no_character_xml_refuses(text):
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    cleaned = inputs.xml_safe(text)
    assert isinstance(cleaned, str) and not ILLEGAL_CHARACTERS_RE.search(cleaned)
    assert inputs.xml_safe(3) == 3


def test_date_arithmetic_on_stored_values_clamps():
    assert inputs.shift_day(date(1, 1, 1), -30) == date.min
    assert inputs.shift_day(date(9999, 12, 30), 30) == date.max
    assert inputs.shift_day(date(2026, 3, 1), -1) == date(2026, 2, 28)


def test_a_day_within_its_window():
    today = date(2026, 3, 1)
    assert inputs.day_within(today, inputs.EARLIEST_DAY, inputs.latest_day(today))
    assert not inputs.day_within(date(1, 1, 1), inputs.EARLIEST_DAY, inputs.latest_day(today))
    assert not inputs.day_within(date(2026, 3, 2), inputs.EARLIEST_DAY, inputs.latest_day(today))
