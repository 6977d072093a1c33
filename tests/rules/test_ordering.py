"""The natural order of teams and shifts (quizapp.rules.ordering)."""

from datetime import time

from hypothesis import given
from hypothesis import strategies as st

from quizapp.rules.ordering import chinese_number, shift_key, sorted_shifts, sorted_teams, team_key


def test_chinese_numerals_read_as_numbers():
    numerals = ("一", "二", "三", "十", "十一", "十二", "二十", "二十三", "一百零五", "两")
    assert [chinese_number(t) for t in numerals] == [1, 2, 3, 10, 11, 12, 20, 23, 105, 2]
    assert chinese_number("二〇") == 20 and chinese_number("三四十") is None and chinese_number("") is None


def test_teams_sort_by_the_numbers_in_their_names_not_by_character_code():
    assert sorted_teams(["四车间", "二车间", "一车间", "三车间", "十车间", "十一车间"]) == [
        "一车间", "二车间", "三车间", "四车间", "十车间", "十一车间"]
    assert sorted_teams(["10组", "2组", "1组"]) == ["1组", "2组", "10组"]
    assert sorted_teams(["二车间B组", "一车间B组", "二车间A组", "一车间A组"]) == [
        "一车间A组", "一车间B组", "二车间A组", "二车间B组"]
    assert sorted_teams(["", "包装组", "一车间"]) == ["一车间", "包装组", ""]  # the unnamed last


def test_shifts_sort_by_start_time_where_known_else_by_time_of_day():
    assert sorted_shifts(["中班", "夜班", "早班"]) == ["早班", "中班", "夜班"]
    assert sorted_shifts(["晚班", "白班", "夜班", "早班", "中班"]) == ["早班", "白班", "中班", "晚班", "夜班"]
    starts = {"夜班": time(0, 0), "早班": time(8, 0)}  # a company whose night shift starts at midnight
    assert sorted_shifts(["早班", "中班", "夜班"], starts) == ["夜班", "早班", "中班"]
    assert sorted_shifts(["2班", "10班", "1班"]) == ["1班", "2班", "10班"]
    assert shift_key("", starts) > shift_key("夜班")


@given(st.lists(st.text(alphabet="一二三四五六七八九十百零两0123456789车间组班AB早中晚夜", max_size=6), max_size=8))
def test_the_keys_order_any_names_without_error_and_keep_them_all(names):
    assert sorted(sorted_teams(names)) == sorted(names)
    assert sorted(sorted_shifts(names)) == sorted(names)
    assert sorted_teams(sorted_teams(names)) == sorted_teams(names)
    assert [team_key(n) for n in sorted_teams(names)] == sorted(team_key(n) for n in names)
