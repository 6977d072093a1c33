"""Trends and topics as use cases (trends.service): the company's days from the rollup, team and
shift breakdowns, the weakest topics, one worker's history, and nothing of another company."""

from datetime import date, datetime, time, timedelta

import pytest
from sqlalchemy import select, update

from quizapp.extensions import db
from quizapp.models import Answer, Attempt, CompanyDay, CompanyTopicDay, Question, StaffUser, Topic
from quizapp.quiz import service as quiz
from quizapp.rollups.service import rebuild_company_day
from quizapp.trends import service as trends
from tests.factories import make_employee, right_choice, take_quiz

pytestmark = pytest.mark.usefixtures("ctx")

TODAY = date(2026, 11, 28)  # a Saturday (a workday); Sunday 11-22 is the only day off of the week
DAY_OFF = date(2026, 11, 22)
NOW = datetime.combine(TODAY, time(12, 0))  # the moment read: 20:00 in the town, after every quiz of a test


def staff(username: str = "staff-a") -> StaffUser:
    return db.session.scalar(select(StaffUser).where(StaffUser.username == username))


def test_the_company_series_reads_the_rollup_and_counts_non_starters(floor):
    take_quiz(floor["a"], TODAY - timedelta(days=1), wrong=1)
    take_quiz(floor["a2"], TODAY - timedelta(days=1))
    take_quiz(floor["a"], TODAY)
    result = trends.company_trends(staff(), TODAY, 7, NOW)
    days = {d.day: d for d in result.company.days}
    friday = days[TODAY - timedelta(days=1)]
    assert (friday.headcount, friday.done, friday.has_data) == (4, 2, True)
    assert friday.participation == 2 / 4 and friday.average_score == 9 / 10
    # Today is read live: the roster's 4 active workers expected, 1 done.
    assert (days[TODAY].headcount, days[TODAY].done) == (4, 1)
    # Earlier days have no rollup row (the nightly job never ran in this test): no data, left out
    # of the figures. (Before issue 10 they counted today's 4 workers as expected and none as done,
    # which made this company 3 / 24 here while the officers' pages said 3 / 8.)
    monday = days[date(2026, 11, 23)]
    assert not monday.has_data and monday.participation is None
    assert days[DAY_OFF].participation is None
    assert result.company.participation == 3 / 8
    assert (result.company.done, result.company.expected) == (3, 8)
    assert result.company.days_without_data == 5
    assert (result.first, result.last) == (DAY_OFF, TODAY)


def test_a_worker_whose_time_ran_out_counts_as_done_today_as_on_the_board(floor):
    slow = take_quiz(floor["a2"], TODAY, finish=False)  # started at 00:30 (UTC), five minutes, never came back
    first = slow.answers[0]
    quiz.record_answer(floor["a2"], slow.id, first.position, right_choice(first), datetime.combine(TODAY, time(0, 31)),
                       TODAY)  # after one answer
    take_quiz(floor["a3"], TODAY, finish=False)  # opened at 00:30 and left with no answer: not done
    live = trends.company_trends(staff(), TODAY, 7, now=datetime.combine(TODAY, time(0, 32)))
    assert live.company.days[-1].done == 0  # still within its time
    later = trends.company_trends(staff(), TODAY, 7, now=datetime.combine(TODAY, time(12, 0)))
    assert later.company.days[-1].done == 1
    assert next(s for s in later.teams if s.name == "一车间").days[-1].done == 1
    assert next(s for s in later.teams if s.name == "二车间").days[-1].done == 0


def test_teams_and_shifts_come_from_the_roster_with_the_weakest_first(floor):
    take_quiz(floor["a"], TODAY)
    take_quiz(floor["a2"], TODAY, wrong=2)
    take_quiz(floor["a3"], TODAY, wrong=5)
    result = trends.company_trends(staff(), TODAY, 7, NOW)
    teams = {s.name: s for s in result.teams}
    assert set(teams) == {"一车间", "二车间"}  # never company B's 乙车间
    first = teams["一车间"]
    assert (first.headcount, first.days[-1].done, first.days[-1].participation) == (3, 2, 2 / 3)
    assert first.days[-1].average_score == 8 / 10
    assert teams["二车间"].days[-1].participation == 1.0 and teams["二车间"].average_score == 0.0
    assert [s.name for s in result.teams] == ["一车间", "二车间"]  # 2/18 before 1/6
    shifts = {s.name: s for s in result.shifts}
    assert set(shifts) == {"早班", "中班"}
    assert shifts["中班"].days[-1].done == 2 and shifts["中班"].headcount == 2
    assert shifts["早班"].days[-1].done == 1 and shifts["早班"].headcount == 2


def test_a_worker_who_left_counts_neither_as_expected_nor_as_done_after_leaving(floor):
    take_quiz(floor["a3"], TODAY - timedelta(days=1))
    floor["a3"].active_until = TODAY - timedelta(days=2)
    db.session.commit()
    result = trends.company_trends(staff(), TODAY, 7, NOW)
    second = next(s for s in result.teams if s.name == "二车间")
    assert second.days[-1].headcount == 0 and second.days[-2].done == 0
    assert second.days[0].headcount == 1


def test_practice_never_counts_and_an_unfinished_quiz_within_its_time_is_not_done(floor):
    take_quiz(floor["a"], TODAY)
    take_quiz(floor["a"], TODAY, kind="practice", wrong_topics={"alpha", "beta", "gamma", "delta"})
    take_quiz(floor["a2"], TODAY, finish=False)  # started at 00:30 (UTC): read at 00:32, still within its time
    result = trends.company_trends(staff(), TODAY, 7, datetime.combine(TODAY, time(0, 32)))
    assert result.company.days[-1].done == 1
    assert next(s for s in result.teams if s.name == "一车间").days[-1].done == 1
    # Practice answers (all wrong) do not reach the company's topics: every official one was right.
    assert all(row.figure.share_right == 1.0 for row in result.topics)


def test_the_weakest_topic_is_suggested_with_its_lesson_card(floor):
    for offset in range(3):
        for key in ("a", "a2", "a3"):
            take_quiz(floor[key], TODAY - timedelta(days=offset), wrong_topics={"beta"})
    result = trends.company_trends(staff(), TODAY, 7, NOW)
    shares = [row.figure.share_right for row in result.topics]
    assert shares == sorted(shares)
    assert result.topics[0].topic.slug == "beta" and result.topics[0].figure.share_right == 0.0
    assert result.suggested is result.topics[0]
    assert "beta" in result.suggested.topic.lesson("en")
    assert sum(row.figure.answers for row in result.topics) == 9 * 5


def figures(topics) -> dict[str, tuple[int, int]]:
    return {row.topic.slug: (row.figure.answers, row.figure.right) for row in topics}


def test_the_weakest_topics_read_the_topic_rollup_of_rebuilt_days_and_raw_answers_of_the_rest(floor):
    company = floor["a"].company
    for offset in range(3):
        for key in ("a", "a2", "a3"):
            take_quiz(floor[key], TODAY - timedelta(days=offset), wrong_topics={"beta"} if offset else ())
    raw = figures(trends.weakest_topics(company, TODAY - timedelta(days=6), TODAY, NOW))
    for offset in (1, 2):
        rebuild_company_day(company, TODAY - timedelta(days=offset), TODAY)
    db.session.commit()
    rolled = db.session.scalars(select(CompanyTopicDay).where(CompanyTopicDay.company_id == company.id))
    assert sum(row.answered for row in rolled) == 2 * 3 * 5
    # Rebuilt days come from the rollup, today from the answers: the same figures either way.
    assert figures(trends.weakest_topics(company, TODAY - timedelta(days=6), TODAY, NOW)) == raw
    # A late finisher on a rebuilt day clears the day's flag, so it is counted at once.
    late = make_employee(company, "A020", "孙三", team="一车间", shift="中班")
    take_quiz(late, TODAY - timedelta(days=1), wrong_topics={"beta"})
    assert not db.session.get(CompanyDay, (company.id, TODAY - timedelta(days=1))).topics_built
    after = figures(trends.weakest_topics(company, TODAY - timedelta(days=6), TODAY, NOW))
    assert sum(a for a, _ in after.values()) == sum(a for a, _ in raw.values()) + 5
    rebuild_company_day(company, TODAY - timedelta(days=1), TODAY)
    db.session.commit()
    assert figures(trends.weakest_topics(company, TODAY - timedelta(days=6), TODAY, NOW)) == after


def test_did_you_do_it_answers_are_left_out_of_the_topics(floor):
    attempt = take_quiz(floor["a"], TODAY)
    first = db.session.scalar(select(Answer).where(Answer.attempt_id == attempt.id, Answer.position == 1))
    db.session.execute(update(Answer).where(Answer.id == first.id).values(behaviour=True))
    db.session.commit()
    result = trends.company_trends(staff(), TODAY, 7, NOW)
    assert sum(row.figure.answers for row in result.topics) == 4


def test_another_companys_quizzes_never_reach_the_figures(floor):
    for offset in range(3):
        take_quiz(floor["b"], TODAY - timedelta(days=offset), wrong_topics={"alpha"})
    result = trends.company_trends(staff(), TODAY, 7, NOW)
    assert result.company.done == 0 and result.topics == [] and result.suggested is None
    assert all(s.done == 0 for s in result.teams + result.shifts)
    other = trends.company_trends(staff("staff-b"), TODAY, 7, NOW)
    assert other.company.done == 3 and [s.name for s in other.teams] == ["乙车间"]


def test_a_day_with_a_rebuilt_row_uses_the_rebuilt_headcount_and_counts_as_data(floor):
    db.session.add(CompanyDay(company_id=floor["a"].company_id, day=TODAY - timedelta(days=2), workday=True,
                              headcount=9, completed=0))
    db.session.commit()
    result = trends.company_trends(staff(), TODAY, 7, NOW)
    days = {d.day: d for d in result.company.days}
    assert days[TODAY - timedelta(days=2)].headcount == 9 and days[TODAY - timedelta(days=2)].participation == 0
    # The teams count that day too (and, as always, today): 2 days with data.
    assert all(s.days_without_data == 5 for s in result.teams)


def test_worker_history_lists_quizzes_by_day_with_streak_and_weakest_topics(floor):
    for offset in (2, 1, 0):
        take_quiz(floor["a"], TODAY - timedelta(days=offset), wrong_topics={"gamma"})
    take_quiz(floor["a"], TODAY, kind="practice")
    history = trends.worker_history(staff(), floor["a"].id, TODAY, NOW)
    assert history.employee.id == floor["a"].id
    assert [d.day for d in history.days] == [TODAY - timedelta(days=o) for o in (0, 1, 2)]
    assert history.days[0].official is not None and len(history.days[0].practice) == 1
    assert history.streak == 3 and history.done == 3
    assert history.topics[0].topic.slug == "gamma" and history.suggested.topic.slug == "gamma"
    assert len(history.labels) == trends.HISTORY_DAYS and history.score_values[-1] is not None
    assert history.score_values[-4] is None


def test_worker_history_of_another_companys_worker_does_not_exist(floor):
    assert trends.worker_history(staff(), floor["b"].id, TODAY, NOW) is None
    assert trends.worker_history(staff("staff-b"), floor["a"].id, TODAY, NOW) is None
    assert trends.worker_history(staff(), 999999, TODAY, NOW) is None


def test_topic_names_in_history_come_from_the_bank(floor):
    take_quiz(floor["a"], TODAY)
    history = trends.worker_history(staff(), floor["a"].id, TODAY, NOW)
    slugs = {row.topic.slug for row in history.topics}
    assert slugs <= {t.slug for t in db.session.scalars(select(Topic))}
    assert sum(row.figure.answers for row in history.topics) == db.session.scalar(
        select(db.func.count(Answer.id)).join(Question).where(Answer.attempt_id.in_(
            select(Attempt.id).where(Attempt.employee_id == floor["a"].id))))


def test_teams_and_shifts_add_up_to_the_company_on_every_day_with_workers_added_today(floor):
    """Workers imported today, one without a start date and one with a start date long past, are
    expected from today on by the company's rows (rebuilt from the roster, as the nightly job does)
    and by their team and shift alike: on every day the teams' and the shifts' headcounts and
    expected quizzes add up to the company's."""
    company = floor["a"].company
    imported = datetime.combine(TODAY, time(2, 0))  # 10:00 in the town, as UTC
    make_employee(company, "A020", "新人甲", team="新班组", shift="夜班", added=imported)
    newcomer = make_employee(company, "A021", "新人乙", team="新班组", shift="早班", added=imported)
    newcomer.active_from = TODAY - timedelta(days=300)
    for back in range(1, 7):
        rebuild_company_day(company, TODAY - timedelta(days=back), TODAY)
    db.session.commit()
    result = trends.company_trends(staff(), TODAY, 7, NOW)
    company_days = {d.day: d for d in result.company.days}
    assert company_days[TODAY - timedelta(days=1)].headcount == 4 and company_days[TODAY].headcount == 6
    for groups in (result.teams, result.shifts):
        for index, day in enumerate(result.company.days):
            assert sum(g.days[index].headcount for g in groups) == day.headcount, day.day
            assert sum(g.days[index].tally.expected for g in groups if g.days[index].tally) == (
                day.tally.expected if day.tally else 0), day.day
    [new_team] = [t for t in result.teams if t.name == "新班组"]
    assert [d.headcount for d in new_team.days] == [0] * 6 + [2]
