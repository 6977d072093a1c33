"""Weekly and monthly reports as pure rules (periodic.rules): which period a URL names, the
previous one, lines against the previous period, incidents by the month(s) counted, supervision
activity, and the download's file name."""

from datetime import date, timedelta
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from quizapp.periodic.rules import (
    Activity,
    Behaviour,
    CaseDates,
    IncidentRecord,
    Line,
    Period,
    ascii_filename,
    chosen,
    combine,
    companies_below,
    containing,
    filename,
    last_complete,
    lowest_first,
    summarise_incidents,
    supervision_activity,
    top_and_bottom,
)
from quizapp.rules.metrics import Tally

TODAY = date(2026, 11, 25)  # a Wednesday


def test_a_week_is_monday_to_sunday_and_a_month_a_calendar_month():
    assert containing("week", date(2026, 11, 25)) == Period("week", date(2026, 11, 23), date(2026, 11, 29))
    assert containing("week", date(2026, 11, 23)).first == date(2026, 11, 23)
    assert containing("week", date(2026, 11, 29)).first == date(2026, 11, 23)
    assert containing("month", date(2026, 2, 14)) == Period("month", date(2026, 2, 1), date(2026, 2, 28))
    assert containing("month", date(2028, 2, 14)).last == date(2028, 2, 29)
    assert containing("month", date(2026, 12, 31)).next() == Period("month", date(2027, 1, 1), date(2027, 1, 31))


def test_the_default_is_the_last_complete_period():
    assert last_complete("week", TODAY).first == date(2026, 11, 16)
    # On a Monday the week that ended yesterday is complete; on a Sunday it is still counting.
    assert last_complete("week", date(2026, 11, 23)).first == date(2026, 11, 16)
    assert last_complete("week", date(2026, 11, 29)).first == date(2026, 11, 16)
    assert last_complete("month", TODAY) == Period("month", date(2026, 10, 1), date(2026, 10, 31))
    assert last_complete("month", date(2026, 1, 1)).first == date(2025, 12, 1)


def test_a_url_names_a_period_by_any_day_in_it_and_cannot_ask_for_an_unfinished_one():
    assert chosen("week", "2026-11-11", TODAY).first == date(2026, 11, 9)
    assert chosen("month", "2026-03", TODAY).first == date(2026, 3, 1)
    assert chosen("month", "2026-03-17", TODAY).first == date(2026, 3, 1)
    default = last_complete("week", TODAY)
    for text in (None, "", "yesterday", "2026-13-01", "2026-02-30", "1999-12-31", "2026-11-23", "2027-01-01"):
        assert chosen("week", text, TODAY) == default, text
    assert chosen("month", "2026-11", TODAY) == last_complete("month", TODAY)


def test_a_week_counts_the_months_its_days_fall_in():
    assert containing("week", date(2026, 11, 18)).months() == [date(2026, 11, 1)]
    straddling = containing("week", date(2026, 12, 1))  # Monday 30 November to Sunday 6 December
    assert straddling.months() == [date(2026, 11, 1), date(2026, 12, 1)]
    assert containing("month", date(2026, 12, 1)).months() == [date(2026, 12, 1)]
    assert straddling.key == "2026-11-30" and containing("month", date(2026, 12, 5)).key == "2026-12"


@given(st.dates(min_value=date(2001, 1, 1), max_value=date(2098, 12, 31)), st.sampled_from(["week", "month"]))
def test_periods_tile_the_calendar(day, kind):
    period = containing(kind, day)
    assert period.first <= day <= period.last
    assert period.previous().last == period.first - timedelta(days=1)
    assert period.next().first == period.last + timedelta(days=1)
    assert period.next().previous() == period
    assert chosen(kind, period.key, period.last + timedelta(days=1)) == period


def line(name, expected, done, before=(0, 0), cc=0, ca=0, heads=0):
    return Line(name=name, now=Tally(expected, done, cc, ca), before=Tally(*before), headcount=heads)


def test_a_grid_is_summed_first_and_divided_once_and_changes_are_points():
    big = line("大厂", 1000, 900, before=(1000, 800), cc=30, ca=40, heads=200)
    small = line("小厂", 10, 1, before=(10, 5), cc=1, ca=4, heads=2)
    grid = combine("网格一", [big, small], 0.8)
    assert grid.participation == 901 / 1010 and grid.participation_before == 805 / 1010
    assert abs(grid.participation_change - 96 / 1010) < 1e-12
    assert grid.knowledge == 31 / 44 and grid.knowledge_before is None and grid.knowledge_change is None
    assert grid.headcount == 202 and grid.companies == 2 and grid.below_count == 1
    assert small.below(0.8) and not big.below(0.8) and not line("空", 0, 0).below(0.8)


def test_companies_below_target_without_data_is_none_never_zero():
    assert companies_below([None, None], 0.8) is None and companies_below([], 0.8) is None
    assert companies_below([None, 0.9], 0.8) == 0 and companies_below([0.5, None, 0.79, 0.8], 0.8) == 2
    assert combine("网格二", [line("新厂", 0, 0), line("空厂", 0, 0)], 0.8).below_count is None
    assert combine("网格二", [line("新厂", 0, 0), line("大厂", 10, 9)], 0.8).below_count == 0


def test_active_workers_without_data_are_none_and_never_change_against_nothing():
    # The monthly report used to say "383 / previous 0 / +383" when the previous month had no data.
    new = Line(name="新厂", now=Tally(383, 300, days=30), before=Tally(), headcount=383, headcount_before=None)
    assert new.headcount_change is None
    old = Line(name="老厂", now=Tally(10, 9, days=30), before=Tally(10, 8, days=31), headcount=12, headcount_before=10)
    assert old.headcount_change == 2
    grid = combine("网格一", [new, old], 0.8)
    # 395 workers now, 10 before: not 385 hires but a company new to quizapp, so no change is given.
    assert (grid.headcount, grid.headcount_before, grid.headcount_change) == (395, 10, None)
    assert combine("网格二", [old], 0.8).headcount_change == 2
    empty = combine("网格三", [Line(name="空", now=Tally(), before=Tally())], 0.8)
    assert (empty.headcount, empty.headcount_before, empty.headcount_change) == (None, None, None)


def test_lowest_first_and_the_top_and_bottom_leave_out_companies_with_nothing_expected():
    rows = [line("甲", 10, 9), line("乙", 10, 2), line("丙", 0, 0), line("丁", 10, 5)]
    assert [r.name for r in lowest_first(rows)] == ["乙", "丁", "甲", "丙"]
    # Three companies with figures and lists of 2: one list (丁 was both "top" and "bottom" before).
    top, bottom = top_and_bottom(rows, 2)
    assert [r.name for r in top] == ["甲", "丁", "乙"] and bottom == []
    more = rows + [line("戊", 10, 10), line("己", 10, 1)]
    top, bottom = top_and_bottom(more, 2)
    assert [r.name for r in top] == ["戊", "甲"] and [r.name for r in bottom] == ["己", "乙"]


def test_did_you_do_it_share():
    assert Behaviour(8, 6).share == 0.75 and Behaviour().share is None


def test_incidents_by_type_most_cases_first_with_grid_wide_records_counted_apart():
    months = [date(2026, 11, 1), date(2026, 12, 1)]
    summary = summarise_incidents([
        IncidentRecord(months[0], "kefu", 1, 2, Decimal("300.50")),
        IncidentRecord(months[1], "touzi", 1, 1, Decimal("9000")),
        IncidentRecord(months[0], "kefu", 2, 1, Decimal("0")),
        IncidentRecord(months[1], "other", None, 3, Decimal("100")),
        IncidentRecord(months[0], "touzi", 3, 0, Decimal("0")),
        IncidentRecord(date(2026, 10, 1), "kefu", 1, 7, Decimal("5"))], months)  # another month: not counted
    assert summary.cases == 7 and summary.loss_yuan == Decimal("9400.50")
    assert summary.companies_with_a_case == 2 and summary.grid_wide_cases == 3
    assert [(t.fraud_type, t.cases) for t in summary.by_type] == [("kefu", 3), ("other", 3), ("touzi", 1)]
    assert summarise_incidents([], months).cases == 0


def test_supervision_activity_by_the_dates_inside_the_period():
    week = containing("week", date(2026, 11, 18))  # 16th to 22nd
    cases = [CaseDates(1, "participation", date(2026, 11, 17), None),  # opened, still open
             CaseDates(1, "manual", date(2026, 11, 2), date(2026, 11, 20)),  # closed inside
             CaseDates(2, "knowledge", date(2026, 11, 2), date(2026, 11, 25)),  # closed later: open at the end
             CaseDates(3, "manual", date(2026, 11, 23), None)]  # opened after the week
    follow_ups = [(1, date(2026, 11, 18)), (1, date(2026, 11, 15)), (2, date(2026, 11, 22))]
    found = supervision_activity(cases, follow_ups, week)
    assert found == {1: Activity(opened=1, follow_ups=1, closed=1, open_at_end=1),
                     2: Activity(opened=0, follow_ups=1, closed=0, open_at_end=1)}


def test_cases_open_at_the_end_of_the_period_and_past_their_deadline_are_overdue():
    week = containing("week", date(2026, 11, 18))  # 16th to 22nd
    cases = [CaseDates(1, "manual", date(2026, 10, 1), None, date(2026, 10, 31)),  # overdue
             CaseDates(1, "manual", date(2026, 10, 1), None, date(2026, 11, 22)),  # due on the last day: in time
             CaseDates(2, "manual", date(2026, 10, 1), date(2026, 11, 20), date(2026, 11, 1)),  # closed: not
             CaseDates(3, "manual", date(2026, 10, 1), date(2026, 11, 25), date(2026, 11, 1))]  # closed later
    found = supervision_activity(cases, [], week)
    assert {cid: a.overdue_at_end for cid, a in found.items()} == {1: 1, 2: 0, 3: 1}


def test_the_file_name_names_the_report_the_scope_and_the_period():
    week = containing("week", date(2026, 11, 18))
    assert filename("周报", "网格一", week) == "周报-网格一-2026-11-16.xlsx"
    assert filename("月报", "全镇", containing("month", date(2026, 10, 3))) == "月报-全镇-2026-10.xlsx"
    assert filename("周报", 'a/b:"c"', week) == "周报-a_b_c_-2026-11-16.xlsx"


def test_the_ascii_file_name_names_the_kind_the_grid_code_and_the_period():
    assert ascii_filename("g1", containing("week", date(2026, 11, 18))) == "weekly-g1-2026-11-16.xlsx"
    assert ascii_filename(None, containing("month", date(2026, 10, 3))) == "monthly-town-2026-10.xlsx"
