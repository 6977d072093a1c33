"""Pure sign-in rules: reading typed PINs and codes, weak PINs, how long other phones wait."""

from datetime import datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from quizapp.roster.rules import employee_number, number_key
from quizapp.signin import rules


def test_full_width_digits_and_spaces_read_as_the_digits_meant():
    assert rules.typed_digits("１２３４") == "1234"
    assert rules.typed_digits(" 2468 ") == "2468"
    assert rules.typed_digits(None) == ""
    assert rules.is_pin(rules.typed_digits("１２３４５６"))
    assert not rules.is_pin("١٢٣٤")  # other scripts' digits are not a PIN a number pad types
    assert not rules.is_pin("123") and not rules.is_pin("1234567") and not rules.is_pin("12a4")


def test_employee_numbers_are_one_worker_whatever_their_case_or_width():
    assert employee_number(" Ａ００１ ") == "A001"
    assert number_key("dpt00009") == number_key("DPT00009") == number_key("ｄｐｔ００００９") == "DPT00009"
    assert number_key("A001") != number_key("A0001")


@pytest.mark.parametrize(("pin", "reason"), [
    ("0000", "same"), ("777777", "same"), ("1234", "run"), ("4321", "run"), ("123456", "run"), ("654321", "run"),
    ("3456", "run"), ("1212", "common"), ("6969", "common"), ("112233", "common"), ("2580", None), ("2468", None),
    ("1357", None), ("8642", None), ("1243", None)])
def test_weak_pins_have_a_reason(pin, reason):
    assert rules.weak_pin(pin) == reason


@given(st.integers(0, 9), st.integers(4, 6))
def test_every_repeated_digit_pin_is_weak(digit, length):
    assert rules.weak_pin(str(digit) * length) == "same"


def test_other_phones_wait_longer_after_each_wrong_try_up_to_an_hour():
    waits = [rules.stranger_wait(n) for n in range(1, 13)]
    assert waits[:2] == [None, None]
    assert waits[2:] == [timedelta(minutes=m) for m in (1, 2, 4, 8, 16, 32, 60, 60, 60, 60)]


def test_codes_are_eight_digits_and_work_fourteen_days():
    codes = {rules.new_code() for _ in range(50)}
    assert all(rules.CODE_PATTERN.match(c) for c in codes) and len(codes) > 45
    now = datetime(2026, 12, 5, 18, 37, 12)
    assert rules.code_expires(now) == now + timedelta(days=14)
