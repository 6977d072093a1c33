"""The round's use cases: it runs the day's common questions, reads the team's answers from the
normal quiz (no second record), steps once per tap, and stays within the staff member's company."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from quizapp.clock import local_today, utcnow
from quizapp.extensions import db
from quizapp.models import Answer, Company, Employee, PreshiftRound, Question, StaffUser
from quizapp.rounds import service
from quizapp.rounds.rules import MIN_ANSWERS
from quizapp.rules.errors import Conflict, Invalid, NotFound
from tests.factories import make_employee, take_quiz

pytestmark = pytest.mark.usefixtures("ctx")

SEED = "test-town"  # the town seed the test app and take_quiz use


def staff(username: str = "staff-a") -> StaffUser:
    return db.session.scalar(select(StaffUser).where(StaffUser.username == username))


def start(shift=None, team=None, username="staff-a", today=None):
    return service.start_round(staff(username), today or local_today(), utcnow(), shift, team, SEED)


def workers(company_id: int, count: int, team: str = "一车间", shift: str = "早班", start_no: int = 100):
    company = db.session.get(Company, company_id)
    return [make_employee(company, f"T{start_no + i}", f"工人{start_no + i}", team=team, shift=shift)
            for i in range(count)]


def test_a_round_runs_the_common_questions_every_worker_gets_first(town):
    worker = db.session.get(Employee, town.worker_a)
    attempt = take_quiz(worker, local_today(), finish=False)
    started = start()
    common = [a.question_id for a in attempt.answers if a.common]
    assert started.question_ids == common and len(common) == 2
    assert [a.position for a in attempt.answers if a.common] == [1, 2]  # the first two on the phone
    assert (started.position, started.revealed, started.ended_at) == (1, False, None)


def test_a_second_start_joins_the_open_round_and_another_team_gets_its_own(town):
    first = start(shift="早班", team="一车间")
    db.session.commit()
    assert start(shift="早班", team="一车间").id == first.id
    assert start(shift="早班").id != first.id
    assert db.session.scalar(select(func.count(PreshiftRound.id))) == 2


def test_a_shift_or_team_the_company_does_not_have_is_refused(town):
    with pytest.raises(Invalid) as refused:
        start(team="乙车间")  # company B's team
    assert refused.value.code == "rounds.unknown_team"
    with pytest.raises(Invalid) as refused:
        start(shift="夜班")
    assert refused.value.code == "rounds.unknown_shift"


def test_the_screen_counts_the_team_s_official_answers_only(town):
    today = local_today()
    team = workers(town.company_a, MIN_ANSWERS)
    others = workers(town.company_a, 2, team="二车间", start_no=200)
    for i, person in enumerate(team):
        take_quiz(person, today, wrong=1 if i < 2 else 0)  # two miss the first question
    for person in others:
        take_quiz(person, today)
    take_quiz(team[0], today, kind="practice")  # practice never counts
    take_quiz(db.session.get(Employee, town.worker_b), today)  # company B
    take_quiz(team[1], today - timedelta(days=1))  # yesterday's quiz
    answers = select(func.count(Answer.id)).where(Answer.chosen.is_not(None))
    recorded = db.session.scalar(answers)
    round_id = start(team="一车间").id
    shown = service.screen(staff(), round_id, today)
    first = shown.current
    # 一车间 in company A: the town's A001 and A002 and the five new workers.
    assert (first.shares.answered, first.shares.expected) == (MIN_ANSWERS, MIN_ANSWERS + 2)
    right = first.content["answer"][0]
    assert first.shares.counts[right] == MIN_ANSWERS - 2 and sum(first.shares.counts) == MIN_ANSWERS
    assert first.percents[right] == "60%"
    whole = service.screen(staff(), start().id, today)  # the whole company: 二车间 too
    assert whole.current.shares.answered == MIN_ANSWERS + 2
    # Read from the normal record: the round wrote no answer of its own.
    assert db.session.scalar(answers) == recorded


def test_shares_stay_hidden_below_the_minimum(town):
    today = local_today()
    for person in workers(town.company_a, MIN_ANSWERS - 1):
        take_quiz(person, today)
    polled = service.poll(staff(), start().id, today)
    assert polled["answered"] == MIN_ANSWERS - 1 and not polled["shown"]
    assert set(polled["shares"]) == {"–"} and set(polled["widths"]) == {0}


def test_steps_move_the_screen_once_and_end_the_round(town):
    today, now = local_today(), utcnow()
    round_id = start().id
    moved = service.take_step(staff(), round_id, "reveal", 1, today, now)
    assert (moved.position, moved.revealed) == (1, True)
    moved = service.take_step(staff(), round_id, "next", 1, today, now)
    assert (moved.position, moved.revealed) == (2, False)
    # A double tap (or a second screen that had not refreshed) sends the old position: nothing moves.
    moved = service.take_step(staff(), round_id, "next", 1, today, now)
    assert (moved.position, moved.revealed) == (2, False)
    moved = service.take_step(staff(), round_id, "previous", 2, today, now)
    assert (moved.position, moved.revealed) == (1, True)
    ended = service.take_step(staff(), round_id, "end", 1, today, now)
    assert ended.ended_at == now and service.screen(staff(), round_id, today).over
    with pytest.raises(Conflict):
        service.take_step(staff(), round_id, "next", 1, today, now)
    with pytest.raises(Invalid):
        service.take_step(staff(), start().id, "jump", 1, today, now)
    assert start().id != round_id  # ended: the next start opens a new round


def test_a_round_left_open_is_over_the_next_day(town):
    today = local_today()
    round_id = start(today=today - timedelta(days=1)).id
    assert service.screen(staff(), round_id, today).over
    with pytest.raises(Conflict):
        service.take_step(staff(), round_id, "next", 1, today, utcnow())
    assert start(today=today).id != round_id


def test_another_company_s_round_does_not_exist_for_its_staff(town):
    round_id = start().id
    for read in (lambda: service.screen(staff("staff-b"), round_id, local_today()),
                 lambda: service.poll(staff("staff-b"), round_id, local_today()),
                 lambda: service.take_step(staff("staff-b"), round_id, "next", 1, local_today(), utcnow())):
        with pytest.raises(NotFound):
            read()


def test_without_common_questions_there_is_no_round(town):
    db.session.execute(Question.__table__.update().values(active=False))  # the bank taken out of rotation
    with pytest.raises(Conflict) as refused:
        start()
    assert refused.value.code == "rounds.no_questions"
    assert db.session.scalar(select(func.count(PreshiftRound.id))) == 0
