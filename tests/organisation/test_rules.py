"""The organisation's pure rules: grid and company codes, generated codes, names, workdays, the
old → new summary of a change and the company list's URL query."""

import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from quizapp.organisation import rules


@pytest.mark.parametrize("code, problem", [
    ("xt-2", None), ("G1", None), ("a", None), ("a" * 16, None),
    ("", rules.PROBLEM_EMPTY), ("a" * 17, rules.PROBLEM_TOO_LONG), ("xt 2", rules.PROBLEM_CHARACTERS),
    ("网格一", rules.PROBLEM_CHARACTERS), ("xt_2", rules.PROBLEM_CHARACTERS), ("-xt", rules.PROBLEM_EDGE_HYPHEN),
    ("xt-", rules.PROBLEM_EDGE_HYPHEN),
])
def test_grid_codes(code, problem):
    assert rules.grid_code_problem(code) == problem


@pytest.mark.parametrize("code, problem", [
    ("k7m2qx9p", None), ("dongguan-01", None), ("a" * 32, None),
    ("", rules.PROBLEM_EMPTY), ("acme", rules.PROBLEM_TOO_SHORT), ("a" * 33, rules.PROBLEM_TOO_LONG),
    ("acme/../x", rules.PROBLEM_CHARACTERS), ("甲厂甲厂甲厂", rules.PROBLEM_CHARACTERS),
    ("-acme-1", rules.PROBLEM_EDGE_HYPHEN),
])
def test_company_codes(code, problem):
    assert rules.company_code_problem(code) == problem


def test_company_codes_are_stored_in_lower_case():
    assert rules.normalise_company_code("  K7M2-QX9P ") == "k7m2-qx9p"
    assert rules.normalise_company_code(None) == ""


@given(st.randoms(use_true_random=False))
def test_a_generated_code_is_valid_and_unambiguous(rng):
    code = rules.generate_code(rng.choice)
    assert len(code) == rules.GENERATED_LENGTH
    assert rules.company_code_problem(code) is None
    assert rules.normalise_company_code(code) == code
    assert not set(code) & set("01oli")  # read off a poster without mistakes


def test_generated_codes_do_not_repeat_and_use_the_whole_alphabet():
    codes = {rules.generate_code() for _ in range(2000)}
    assert len(codes) == 2000
    assert set("".join(codes)) == set(rules.CODE_ALPHABET)


def test_a_generated_code_is_not_made_from_the_name():
    # The code depends on the random source only: the same name gets unrelated codes.
    first = rules.generate_code(random.Random(1).choice)
    second = rules.generate_code(random.Random(2).choice)
    assert first != second


def test_names_are_cleaned_and_compared_without_case_or_spaces():
    assert rules.clean_text("  华岭  电子\n科技 ") == "华岭 电子 科技"
    assert rules.name_key("Acme  Works") == rules.name_key("acme works") == rules.name_key("ACMEWORKS")
    assert rules.name_problem("", 10) == rules.PROBLEM_EMPTY
    assert rules.name_problem("x" * 11, 10) == rules.PROBLEM_TOO_LONG
    assert rules.name_problem("甲厂", 10) is None


@pytest.mark.parametrize("days, stored", [
    (["1", "2", "3", "4", "5", "6"], "123456"), (["7", "1", "1"], "17"), (["8", "0", "12", "x"], ""), ([], ""),
])
def test_workdays(days, stored):
    assert rules.normalise_workdays(days) == stored


def test_questions_per_quiz_range():
    assert [v for v in (None, 2, 3, 5, 8, 9) if rules.per_quiz_ok(v)] == [3, 5, 8]


def test_changes_show_old_and_new_values_of_the_changed_fields_only():
    before = {"name": "甲厂", "grid": "g1", "code": "acme"}
    assert rules.changes(before, {"name": "甲厂", "grid": "g2", "code": "acme"}) == {"grid": {"old": "g1", "new": "g2"}}
    assert rules.changes(before, dict(before)) == {}


def test_name_lists_quote_a_few_and_count_the_rest():
    assert rules.name_list(["a", "b"]) == rules.NameList(["a", "b"], 0)
    assert rules.name_list([str(n) for n in range(8)], limit=5) == rules.NameList(["0", "1", "2", "3", "4"], 3)


def test_the_company_query_falls_back_to_defaults_on_bad_values():
    assert rules.parse_company_query({}) == rules.CompanyQuery()
    query = rules.parse_company_query({"q": "  华岭 ", "grid": "3", "status": "all", "page": "2"})
    assert query == rules.CompanyQuery(q="华岭", grid=3, status="all", page=2)
    bad = rules.parse_company_query({"grid": "x", "status": "gone", "page": "-1"})
    assert bad == rules.CompanyQuery()
    assert rules.parse_company_query({"page": "9" * 20}).page == 1


def test_the_company_query_links_leave_defaults_out():
    query = rules.CompanyQuery(q="厂", grid=None, status="active", page=3)
    assert query.args() == {"q": "厂", "page": 3}
    assert query.args(page=1) == {"q": "厂"}
    assert rules.CompanyQuery(status="all").args() == {"status": "all"}
