"""Today's board as pure rules: states, tallies by shift and team, the pre-shift screen's default
shift, and the chase text."""

from datetime import datetime, time

from hypothesis import given
from hypothesis import strategies as st

from quizapp.board import rules
from quizapp.board.rules import DONE, IN_PROGRESS, NOT_STARTED, Cell, Person, Tally


def test_states_of_todays_official_quiz():
    assert rules.status(started=False, finished=False, past_deadline=False, answered=0) == NOT_STARTED
    assert rules.status(started=True, finished=False, past_deadline=False, answered=0) == IN_PROGRESS
    assert rules.status(started=True, finished=False, past_deadline=False, answered=2) == IN_PROGRESS
    assert rules.status(started=True, finished=True, past_deadline=False, answered=5) == DONE
    # Time ran out before the worker came back: it counts as done with the answers given in time
    # (docs/metrics.md), closed or not ...
    assert rules.status(started=True, finished=False, past_deadline=True, answered=1) == DONE
    assert rules.status(started=True, finished=True, past_deadline=True, answered=1) == DONE
    # ... but not with none: the worker opened it and walked away, and may still take it today.
    assert rules.status(started=True, finished=False, past_deadline=True, answered=0) == IN_PROGRESS
    assert rules.status(started=True, finished=True, past_deadline=True, answered=0) == IN_PROGRESS


def test_a_tally_counts_non_starters_and_shares_of_active_workers():
    t = Tally(expected=10, done=6, in_progress=1)
    assert (t.not_started, t.not_done, t.share) == (3, 4, 0.6)
    assert Tally().share is None  # nobody expected: "–", never 0%
    assert t + Tally(5, 5, 0) == Tally(15, 11, 1)


@given(st.lists(st.tuples(st.sampled_from(["早班", "晚班", ""]), st.sampled_from(["一车间", "二车间", ""]),
                          st.integers(0, 50), st.integers(0, 50), st.integers(0, 50)), max_size=20))
def test_every_view_of_the_board_adds_up_to_the_total(rows):
    cells = {}
    for shift, team, done, started, idle in rows:
        cells[shift, team] = Cell(shift, team, Tally(done + started + idle, done, started))
    board = rules.tally(cells.values(), ["早班"])
    for view in (board.by_shift, board.by_team):
        assert sum((t for _, t in view), Tally()) == board.total
    assert 0 <= board.total.done <= board.total.expected
    assert board.total.share is None or 0 <= board.total.share <= 1


def test_configured_shifts_come_first_in_start_order_and_the_unnamed_last():
    cells = [Cell("夜班", "二车间", Tally(3, 1, 0)), Cell("", "", Tally(2, 0, 0)),
             Cell("临时班", "一车间", Tally(1, 1, 0))]
    board = rules.tally(cells, ["早班", "夜班"])
    assert [name for name, _ in board.by_shift] == ["早班", "夜班", "临时班", ""]
    assert board.by_shift[0][1] == Tally()  # a configured shift with nobody on it still shows
    assert [name for name, _ in board.by_team] == ["一车间", "二车间", ""]
    assert rules.focus(board, "夜班", None) == Tally(3, 1, 0)
    assert rules.focus(board, None, "一车间") == Tally(1, 1, 0)
    assert rules.focus(board, None, None) == board.total


def test_the_preshift_screen_shows_the_next_shift_or_the_one_just_started():
    shifts = [("夜班", time(19, 30)), ("早班", time(7, 30))]
    assert rules.next_shift(shifts, datetime(2026, 3, 2, 6, 0)) == "早班"
    assert rules.next_shift(shifts, datetime(2026, 3, 2, 7, 35)) == "早班"  # meeting running late
    assert rules.next_shift(shifts, datetime(2026, 3, 2, 7, 45)) == "夜班"
    assert rules.next_shift(shifts, datetime(2026, 3, 2, 22, 0)) == "早班"  # after the last: tomorrow's first
    assert rules.next_shift([], datetime(2026, 3, 2, 7, 0)) is None


def test_people_are_grouped_by_team_and_ordered_by_shift_start_and_number():
    people = [Person("乙", "A2", "一车间", "早班", NOT_STARTED), Person("甲", "A1", "一车间", "早班", IN_PROGRESS),
              Person("戊", "A0", "一车间", "夜班", NOT_STARTED),
              Person("丙", "B1", "", "夜班", NOT_STARTED), Person("丁", "C1", "二车间", "夜班", NOT_STARTED)]
    groups = rules.by_team(people, ["早班", "夜班"])
    assert [team for team, _ in groups] == ["一车间", "二车间", ""]
    assert [p.employee_no for p in groups[0][1]] == ["A1", "A2", "A0"]


def test_the_chase_text_has_heading_names_and_the_call_on_separate_lines():
    text = rules.chase_text("一车间 · 2026-03-02: 2 not done yet", ["王小明", "张新来"], "Do it: https://x/c/acme")
    assert text.splitlines() == ["一车间 · 2026-03-02: 2 not done yet", "王小明、张新来", "Do it: https://x/c/acme"]
    assert rules.chase_text("all done", [], "Do it") == "all done"
    assert rules.chase_text("h", ["A", "B"], "c", separator=", ").splitlines()[1] == "A, B"
