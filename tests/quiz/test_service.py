"""The worker's quiz as use cases: start, answer once, the deadline, practice, the rollup."""

from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from quizapp.extensions import db
from quizapp.models import Answer, Attempt, CompanyDay, Employee, Question
from quizapp.quiz import service as quiz
from quizapp.rollups.service import rebuild_company_day
from quizapp.rules.errors import Conflict, Forbidden, Invalid, NotFound
from tests.factories import make_company, make_grid, make_town_row

pytestmark = pytest.mark.usefixtures("ctx")

TODAY = date(2026, 11, 24)  # a Tuesday
NOW = datetime(2026, 11, 24, 0, 30)  # 08:30 in Dongguan


def worker(town) -> Employee:
    return db.session.get(Employee, town.worker_a)


def start(town, kind="official", now=NOW, today=TODAY):
    return quiz.start_attempt(worker(town), kind, today, now, "test-town")


def answer(town, attempt, position, choice, now):
    return quiz.record_answer(worker(town), attempt.id, position, choice, now, TODAY)


def right_choice(slot) -> list[int]:
    """The display positions of the correct options (the worker sees a shuffled order)."""
    return [pos for pos, idx in enumerate(slot.choice_order) if idx in slot.version.content["answer"]]


def wrong_choice(slot) -> list[int]:
    return [next(pos for pos, idx in enumerate(slot.choice_order) if idx not in slot.version.content["answer"])]


def test_start_builds_todays_quiz_with_the_common_set_first(town):
    attempt = start(town)
    db.session.commit()
    assert attempt.total == 5 and len(attempt.answers) == 5
    assert [a.common for a in attempt.answers] == [True, True, False, False, False]
    assert attempt.deadline_at - attempt.started_at == timedelta(seconds=quiz.QUIZ_SECONDS)
    # Another worker in another company gets the same common questions today.
    other = quiz.start_attempt(db.session.get(Employee, town.worker_b), "official", TODAY, NOW, "test-town")
    assert [a.question_id for a in other.answers if a.common] == [a.question_id for a in attempt.answers if a.common]


def test_starting_twice_returns_the_same_official_attempt(town):
    first = start(town)
    db.session.commit()
    again = start(town, now=NOW + timedelta(minutes=1))
    assert again.id == first.id
    assert db.session.scalar(select(func.count(Attempt.id))) == 1


def test_the_database_refuses_a_second_official_attempt_on_one_day(town):
    start(town)
    db.session.commit()
    db.session.add(Attempt(employee_id=town.worker_a, company_id=town.company_a, local_date=TODAY, kind="official",
                           official_date=TODAY, started_at=NOW, deadline_at=NOW, total=5, slots=5))
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_an_answer_is_recorded_once_even_when_sent_twice(town):
    attempt = start(town)
    slot = attempt.answers[0]
    first = answer(town, attempt, 1, right_choice(slot), NOW + timedelta(seconds=20))
    second = answer(town, attempt, 1, wrong_choice(slot), NOW + timedelta(seconds=21))
    db.session.commit()
    assert (first.status, first.correct) == ("recorded", True)
    assert (second.status, second.correct) == ("already", True)
    assert attempt.score == 1
    assert db.session.scalar(select(func.count(Answer.id)).where(Answer.answered_at.is_not(None))) == 1


def test_the_last_answer_sent_again_after_the_quiz_ended_is_the_same_answer(town):
    """A reload of the last answer's page resends it: the quiz is over, but the slot was answered, so
    the worker sees that answer's feedback again ("already"), and nothing is counted twice."""
    attempt = start(town)
    for slot in attempt.answers:
        answer(town, attempt, slot.position, right_choice(slot), NOW + timedelta(seconds=10 * slot.position))
    last = attempt.answers[-1]
    again = answer(town, attempt, last.position, right_choice(last), NOW + timedelta(minutes=1))
    other = answer(town, attempt, last.position, wrong_choice(last), NOW + timedelta(hours=2))  # and after the deadline
    db.session.commit()
    assert (again.status, again.correct, again.differs) == ("already", True, False)
    assert (other.status, other.correct, other.differs) == ("already", True, True)
    assert attempt.score == 5 and db.session.get(CompanyDay, (town.company_a, TODAY)).completed == 1


def test_an_unanswered_slot_of_a_finished_quiz_is_not_recorded(town):
    attempt = start(town)
    answer(town, attempt, 1, right_choice(attempt.answers[0]), NOW + timedelta(seconds=10))
    late = attempt.deadline_at + timedelta(hours=1)
    assert quiz.close_if_expired(attempt, late, TODAY)
    assert answer(town, attempt, 2, right_choice(attempt.answers[1]), late).status == "finished"
    assert answer(town, attempt, 1, [9], late).status == "already"  # a forged choice on an answered slot
    db.session.commit()
    assert attempt.answers[1].chosen is None and attempt.score == 1


def test_finishing_updates_the_score_the_rollup_and_the_review_state(town):
    attempt = start(town)
    for slot in attempt.answers:
        choice = right_choice(slot) if slot.position % 2 else wrong_choice(slot)
        answer(town, attempt, slot.position, choice, NOW + timedelta(seconds=10 * slot.position))
    db.session.commit()
    assert attempt.finished_at is not None and not attempt.expired
    assert attempt.score == 3 and attempt.common_correct == 1
    day = db.session.get(CompanyDay, (town.company_a, TODAY))
    assert (day.completed, day.score_sum, day.question_sum, day.common_correct, day.common_answered) == (1, 3, 5, 1, 2)
    assert day.headcount == 2 and day.workday
    pool = quiz.load_pool()
    point = {i.id: i.point for i in pool}
    state = quiz.load_learner(town.worker_a, pool)
    missed = [state.memories[point[a.question_id]] for a in attempt.answers if a.position % 2 == 0]
    assert len(missed) == 2 and all(m.due == TODAY + timedelta(days=1) and m.wrong == 1 for m in missed)
    # The incremental rollup equals one rebuilt from the raw record.
    rebuilt = rebuild_company_day(worker(town).company, TODAY, TODAY)
    assert (rebuilt.completed, rebuilt.score_sum, rebuilt.common_correct, rebuilt.common_answered) == (1, 3, 1, 2)


def test_deactivating_changes_no_past_day_when_it_is_rebuilt(town):
    """A worker deactivated after the day of their quiz still counts on that day, read or rebuilt
    later (scope.active_on); one deactivated later that same day counts in neither its headcount
    nor its done (as the board showed that day and the team figures say)."""
    from quizapp.roster import service as roster

    attempt = start(town)
    for slot in attempt.answers:
        answer(town, attempt, slot.position, right_choice(slot), NOW + timedelta(seconds=10 * slot.position))
    db.session.commit()
    company, admin = worker(town).company, None
    roster.set_active(admin, worker(town), False, TODAY + timedelta(days=1))
    db.session.commit()
    day = rebuild_company_day(company, TODAY, TODAY + timedelta(days=1))
    assert (day.headcount, day.completed) == (2, 1)
    roster.set_active(admin, worker(town), True, TODAY + timedelta(days=1))
    roster.set_active(admin, worker(town), False, TODAY)
    db.session.commit()
    day = rebuild_company_day(company, TODAY, TODAY + timedelta(days=1))
    assert (day.headcount, day.completed) == (1, 0)


def test_an_answer_after_the_deadline_is_not_counted(town):
    attempt = start(town)
    answer(town, attempt, 1, right_choice(attempt.answers[0]), NOW + timedelta(minutes=2))
    db.session.refresh(attempt)
    late = attempt.deadline_at + timedelta(seconds=quiz.GRACE_SECONDS + 1)
    outcome = answer(town, attempt, 2, right_choice(attempt.answers[1]), late)
    db.session.commit()
    assert outcome.status == "late"
    assert attempt.expired and attempt.finished_at == attempt.deadline_at
    assert attempt.score == 1 and attempt.answers[1].chosen is None
    assert db.session.get(CompanyDay, (town.company_a, TODAY)).completed == 1


def test_an_answer_within_the_grace_period_counts(town):
    attempt = start(town)
    just_late = NOW + timedelta(seconds=quiz.QUIZ_SECONDS + quiz.GRACE_SECONDS - 1)
    assert answer(town, attempt, 1, right_choice(attempt.answers[0]), just_late).status == "recorded"


def test_practice_opens_after_the_official_quiz_and_never_counts(town):
    with pytest.raises(Forbidden) as refused:
        start(town, kind="practice")
    assert refused.value.code == "quiz.practice_locked"
    attempt = start(town)
    for slot in attempt.answers:
        answer(town, attempt, slot.position, right_choice(slot), NOW + timedelta(seconds=slot.position))
    practice = start(town, kind="practice", now=NOW + timedelta(minutes=3))
    for slot in practice.answers:
        answer(town, practice, slot.position, right_choice(slot), NOW + timedelta(minutes=4))
    db.session.commit()
    assert practice.kind == "practice" and practice.official_date is None and practice.finished_at
    assert db.session.get(CompanyDay, (town.company_a, TODAY)).completed == 1


def test_missed_questions_come_back_the_next_day(town):
    attempt = start(town)
    for slot in attempt.answers:
        answer(town, attempt, slot.position, wrong_choice(slot) if slot.position == 4 else right_choice(slot),
               NOW + timedelta(seconds=5))
    db.session.commit()
    missed = attempt.answers[3].question_id
    # Out of its family and the common pool, so only the review rule can bring it back tomorrow.
    question = db.session.get(Question, missed)
    question.family, question.common = None, False
    tomorrow = quiz.start_attempt(worker(town), "official", TODAY + timedelta(days=1), NOW + timedelta(days=1),
                                  "test-town")
    personal = [a.question_id for a in tomorrow.answers if not a.common]
    assert personal[0] == missed


def test_a_review_shows_another_variant_of_the_missed_family(town):
    attempt = start(town)
    pool = {i.id: i for i in quiz.load_pool()}
    missed = next((a for a in attempt.answers if not a.common and pool[a.question_id].family), None)
    assert missed is not None, "the test bank gives a personal question with a family"
    for slot in attempt.answers:
        answer(town, attempt, slot.position, wrong_choice(slot) if slot is missed else right_choice(slot),
               NOW + timedelta(seconds=5))
    db.session.commit()
    family = pool[missed.question_id].family
    tomorrow = quiz.start_attempt(worker(town), "official", TODAY + timedelta(days=1), NOW + timedelta(days=1),
                                  "test-town")
    again = [a.question_id for a in tomorrow.answers if pool[a.question_id].family == family]
    assert again and missed.question_id not in again


def test_the_town_seed_is_generated_once_and_kept_unless_configured(town):
    first = quiz.town_seed(None, town.company_a)
    db.session.commit()
    assert len(first) == 32 and first != "town"
    assert quiz.town_seed(None, town.company_a) == first == quiz.town_seed("", town.company_b)  # one town
    assert quiz.town_seed("from-config", town.company_a) == "from-config"


def test_each_town_has_its_own_secret_and_a_configured_one_is_the_whole_city_s(town):
    other = make_town_row("other", "另一镇")
    elsewhere = make_company(make_grid("o1", "另一网格", town=other), "other-co", "丙厂")
    here, there = quiz.town_seed(None, town.company_a), quiz.town_seed(None, elsewhere.id)
    db.session.commit()
    assert len(there) == 32 and there != here
    assert quiz.town_seed(None, elsewhere.id) == there  # kept in the other town's settings
    assert quiz.town_seed("from-config", elsewhere.id) == quiz.town_seed("from-config", town.company_a)


def test_questions_per_quiz_is_the_company_setting(town):
    worker(town).company.questions_per_quiz = 3
    attempt = start(town)
    assert attempt.total == 3 and sum(a.common for a in attempt.answers) == 2
    # Every quiz length gets the same whole common set.
    worker_b = db.session.get(Employee, town.worker_b)
    worker_b.company.questions_per_quiz = 8
    other = quiz.start_attempt(worker_b, "official", TODAY, NOW, "test-town")
    assert other.total == 8
    assert [a.question_id for a in other.answers if a.common] == [a.question_id for a in attempt.answers if a.common]


def test_result_gives_streak_and_the_weakest_topics_lesson(town):
    yesterday = start(town, now=NOW - timedelta(days=1), today=TODAY - timedelta(days=1))
    for slot in yesterday.answers:
        answer(town, yesterday, slot.position, right_choice(slot), NOW - timedelta(days=1))
    attempt = start(town)
    for slot in attempt.answers:
        choice = wrong_choice(slot) if slot.position == 4 else right_choice(slot)
        answer(town, attempt, slot.position, choice, NOW + timedelta(seconds=5))
    db.session.commit()
    result = quiz.result(attempt, worker(town), TODAY, NOW + timedelta(seconds=5))  # just finished
    assert result.streak == 2
    missed_topic = attempt.answers[3].question.topic.slug
    assert result.lesson_topic.slug == missed_topic


def test_a_worker_cannot_open_another_workers_attempt(town):
    attempt = start(town)
    db.session.commit()
    other = db.session.get(Employee, town.worker_b)
    assert quiz.attempt_for(other, attempt.id) is None
    assert quiz.attempt_for(worker(town), attempt.id).id == attempt.id


def test_a_did_you_do_it_item_ends_the_official_quiz_and_is_counted_apart(town):
    from quizapp.bank.rules.checker import Bank, parse_file
    from quizapp.bank.service import load_bank
    from tests.factories import bank_text, behaviour_block

    bank = Bank()
    for topic in ("alpha", "beta", "gamma", "delta"):
        text = bank_text(topic, 6) + ("\n" + behaviour_block("alpha-101") if topic == "alpha" else "")
        parse_file(f"{topic}.txt", text, bank)
    assert bank.ok, bank.problems
    load_bank(bank)
    attempt = start(town)
    assert attempt.total == 5 and attempt.slots == 6 and len(attempt.answers) == 6
    last = attempt.answers[-1]
    assert last.behaviour and last.question.slug == "alpha-101"
    for slot in attempt.answers:  # every scored answer right, and "not yet" to the check
        answer(town, attempt, slot.position, wrong_choice(slot) if slot.behaviour else right_choice(slot),
               NOW + timedelta(seconds=slot.position))
    db.session.commit()
    assert attempt.finished_at is not None and attempt.score == 5
    day = db.session.get(CompanyDay, (town.company_a, TODAY))
    assert (day.score_sum, day.question_sum, day.behaviour_answered, day.behaviour_yes) == (5, 5, 1, 0)
    # Not asked again tomorrow, nor in practice.
    practice = start(town, kind="practice", now=NOW + timedelta(minutes=6))
    assert not any(a.behaviour for a in practice.answers)
    tomorrow = start(town, now=NOW + timedelta(days=1), today=TODAY + timedelta(days=1))
    assert not any(a.behaviour for a in tomorrow.answers)


def test_attempts_left_unfinished_are_closed_and_counted(town):
    attempt = start(town)
    answer(town, attempt, 1, right_choice(attempt.answers[0]), NOW + timedelta(seconds=30))
    db.session.commit()
    assert quiz.close_expired(NOW + timedelta(minutes=3), TODAY) == 0  # still within its five minutes
    assert quiz.close_expired(NOW + timedelta(hours=2), TODAY) == 1
    db.session.commit()
    closed = db.session.get(Attempt, attempt.id)
    assert closed.expired and closed.finished_at == closed.deadline_at and closed.score == 1
    assert db.session.get(CompanyDay, (town.company_a, TODAY)).completed == 1
    assert quiz.close_expired(NOW + timedelta(hours=3), TODAY) == 0


def test_another_workers_attempt_or_a_missing_question_is_not_found(town):
    attempt = start(town)
    other = db.session.get(Employee, town.worker_b)
    with pytest.raises(NotFound) as missing:
        quiz.record_answer(other, attempt.id, 1, [0], NOW, TODAY)
    assert missing.value.code == "quiz.no_question"
    with pytest.raises(NotFound):
        answer(town, attempt, 99, [0], NOW)


def test_a_choice_outside_the_options_shown_is_invalid_and_records_nothing(town):
    attempt = start(town)
    with pytest.raises(Invalid) as refused:
        answer(town, attempt, 1, [9], NOW)
    assert refused.value.code == "quiz.no_choice"
    assert attempt.answers[0].chosen is None


def test_an_empty_bank_is_a_conflict_not_a_quiz_without_questions(town):
    db.session.execute(update(Question).values(active=False))
    with pytest.raises(Conflict) as refused:
        start(town)
    assert refused.value.code == "quiz.bank_empty"
    assert db.session.scalar(select(func.count(Attempt.id))) == 0


def test_the_clock_stops_while_the_worker_reads_the_feedback(town):
    """Each answer moves the deadline on by the time a slow reader needs for its explanation, so a
    worker who reads every explanation slowly still answers all five questions in time."""
    from quizapp.quiz.rules.timing import reading_seconds

    attempt = start(town)
    deadline = attempt.deadline_at
    now = NOW
    for slot in attempt.answers:
        allowance = reading_seconds(slot.version.content)
        now += timedelta(seconds=50)  # answering takes 50 s
        assert answer(town, attempt, slot.position, right_choice(slot), now).status == "recorded"
        db.session.refresh(attempt)
        assert attempt.deadline_at == deadline + timedelta(seconds=allowance)
        deadline = attempt.deadline_at
        now += timedelta(seconds=allowance)  # and reading takes all the allowance
    assert attempt.finished_at is not None and not attempt.expired
    assert attempt.score == attempt.total
    assert now > NOW + timedelta(seconds=quiz.QUIZ_SECONDS + quiz.GRACE_SECONDS)  # the wall clock ran past 5 min


def test_an_official_quiz_asks_the_workers_next_probe_item_in_its_last_personal_slot(town):
    probes = list(db.session.scalars(select(Question).where(Question.common.is_(False)).order_by(Question.id)
                                     .limit(4)))
    for question in probes:
        question.probe = True
    db.session.commit()
    plan = quiz.selection.probe_plan(f"e{town.worker_a}", "test-town")
    first_half = quiz.selection.probe_halves(quiz.load_pool())[plan.first_half]
    attempt = start(town)
    scored = [slot for slot in attempt.answers if not slot.behaviour]
    assert len(scored) == worker(town).company.questions_per_quiz
    assert scored[-1].question_id == first_half[0] and not scored[-1].common
    assert sum(slot.question_id in {q.id for q in probes} for slot in attempt.answers) == 1
    for slot in attempt.answers:
        answer(town, attempt, slot.position, right_choice(slot), NOW + timedelta(seconds=slot.position))
    practice = start(town, kind="practice", now=NOW + timedelta(minutes=3))
    assert not {slot.question_id for slot in practice.answers} & {q.id for q in probes}  # never taught
    tomorrow = start(town, today=TODAY + timedelta(days=1), now=NOW + timedelta(days=1))
    assert [s.question_id for s in tomorrow.answers if not s.behaviour][-1] == first_half[1]


# --- a quiz opened and left with no answer (docs/metrics.md, "Done") ---------------------------------

def staff_a():
    from quizapp.models import StaffUser

    return db.session.scalar(select(StaffUser).where(StaffUser.username == "staff-a"))


def chased(now) -> list[tuple[str, str]]:
    """Today's chase list of 甲厂 at `now`: (name, state)."""
    from quizapp.board import service as board

    return [(p.name, p.state) for _, people in board.not_done(staff_a(), TODAY, now) for p in people]


def test_a_quiz_left_with_no_answer_is_not_done_and_its_worker_is_chased(town):
    """The worker opened today's quiz and walked away: when the 5 minutes run out it is still not
    done (the board, the chase list, the streak, the rollup), and it stays open for them today."""
    from zoneinfo import ZoneInfo

    from quizapp.board import service as board
    from quizapp.rollups import figures

    attempt = start(town)
    db.session.commit()
    later = attempt.deadline_at + timedelta(minutes=10)
    assert not quiz.is_done(attempt, later) and quiz.lapsed(attempt, later) and quiz.can_reopen(attempt, later, TODAY)
    total = board.today_board(staff_a(), TODAY, later, ZoneInfo("Asia/Shanghai")).board.total
    assert (total.expected, total.done, total.in_progress) == (2, 0, 1)
    assert ("王小明", "in_progress") in chased(later)
    scope = figures.Scope([figures.CompanyInfo(town.company_a, "甲厂", 0, "", "123456")], [town.company_a])
    assert figures.live_today(scope, TODAY, later)[town.company_a] == figures.Live(2, 0, 1)
    assert quiz.streak_of(worker(town), TODAY, later) == 0
    # Nothing closes it today (neither a visit nor `quizapp rollup`): its worker may still take it.
    assert not quiz.close_if_expired(attempt, later, TODAY)
    assert quiz.close_expired(later, TODAY) == 0
    db.session.commit()
    assert attempt.finished_at is None and db.session.get(CompanyDay, (town.company_a, TODAY)) is None
    with pytest.raises(Forbidden):  # practice waits for today's quiz
        start(town, kind="practice", now=later)


def test_coming_back_the_same_day_gives_the_same_quiz_with_a_fresh_clock_and_finishing_it_is_done(town):
    attempt = start(town)
    questions = [a.question_id for a in attempt.answers]
    db.session.commit()
    back = attempt.deadline_at + timedelta(hours=2)
    again = start(town, now=back)  # "start" on the today page
    db.session.commit()
    assert again.id == attempt.id and [a.question_id for a in again.answers] == questions
    assert again.deadline_at == back + timedelta(seconds=quiz.QUIZ_SECONDS)
    assert again.finished_at is None and not again.expired
    assert db.session.scalar(select(func.count(Attempt.id))) == 1  # still one official attempt today
    assert not quiz.reopen(again, back + timedelta(seconds=1), TODAY)  # open now: nothing to reopen
    for slot in again.answers:
        answer(town, again, slot.position, right_choice(slot), back + timedelta(seconds=20 * slot.position))
    db.session.commit()
    done_at = back + timedelta(minutes=3)
    assert again.finished_at is not None and not again.expired and quiz.is_done(again, done_at)
    assert db.session.get(CompanyDay, (town.company_a, TODAY)).completed == 1
    assert quiz.streak_of(worker(town), TODAY, done_at) == 1
    assert ("王小明", "in_progress") not in chased(done_at)
    assert rebuild_company_day(worker(town).company, TODAY, TODAY).completed == 1


def test_an_answer_to_a_quiz_left_with_no_answer_reopens_it_and_counts(town):
    """The phone lay on question 1 past the time: the answer the worker taps on their return counts,
    and the quiz runs on with a fresh clock."""
    attempt = start(town)
    db.session.commit()
    back = attempt.deadline_at + timedelta(minutes=30)
    outcome = answer(town, attempt, 1, right_choice(attempt.answers[0]), back)
    db.session.commit()
    db.session.refresh(attempt)
    assert outcome.status == "recorded" and attempt.answered == 1 and attempt.finished_at is None
    assert attempt.deadline_at > back + timedelta(seconds=quiz.QUIZ_SECONDS)  # fresh, plus its reading time
    # A forged choice reopens nothing.
    other = quiz.start_attempt(db.session.get(Employee, town.worker_b), "official", TODAY, NOW, "test-town")
    db.session.commit()
    with pytest.raises(Invalid):
        quiz.record_answer(db.session.get(Employee, town.worker_b), other.id, 1, [9], back, TODAY)
    assert db.session.scalar(select(Attempt.deadline_at).where(Attempt.id == other.id)) == other.deadline_at


def test_one_answer_then_the_time_running_out_is_done_as_before(town):
    attempt = start(town)
    answer(town, attempt, 1, wrong_choice(attempt.answers[0]), NOW + timedelta(seconds=30))
    db.session.commit()
    later = attempt.deadline_at + timedelta(minutes=30)
    assert quiz.is_done(attempt, later) and not quiz.lapsed(attempt, later)
    assert ("王小明", "in_progress") not in chased(later)  # done before it is closed
    assert quiz.streak_of(worker(town), TODAY, later) == 1
    assert not quiz.reopen(attempt, later, TODAY)
    assert quiz.close_if_expired(attempt, later, TODAY)
    db.session.commit()
    assert attempt.expired and attempt.score == 0 and attempt.finished_at == attempt.deadline_at
    assert db.session.get(CompanyDay, (town.company_a, TODAY)).completed == 1


def test_a_quiz_still_unanswered_when_its_day_is_over_is_closed_as_not_done(town):
    attempt = start(town)
    db.session.commit()
    tomorrow = TODAY + timedelta(days=1)
    after_midnight = NOW + timedelta(days=1)
    assert not quiz.can_reopen(attempt, after_midnight, tomorrow)  # its day is over
    assert quiz.close_expired(after_midnight, tomorrow) == 1  # `quizapp rollup` after midnight
    db.session.commit()
    assert attempt.expired and attempt.finished_at is not None and quiz.lapsed(attempt, after_midnight)
    assert not quiz.is_done(attempt, after_midnight) and not quiz.reopen(attempt, after_midnight, tomorrow)
    assert db.session.get(CompanyDay, (town.company_a, TODAY)) is None  # added nothing to its day
    day = rebuild_company_day(worker(town).company, TODAY, tomorrow)
    assert (day.headcount, day.completed, day.question_sum) == (2, 0, 0)
    assert quiz.streak_of(worker(town), tomorrow, after_midnight) == 0
    # Tomorrow's quiz is a new one.
    assert quiz.start_attempt(worker(town), "official", tomorrow, after_midnight, "test-town").id != attempt.id


def test_a_quiz_closed_with_no_answer_before_today_ended_is_given_back_too(town):
    """One closed while its day ran (by a `quizapp rollup --date` run of the afternoon before this
    rule, say): not done, and its worker gets it back the same day."""
    attempt = start(town)
    db.session.execute(update(Attempt).where(Attempt.id == attempt.id).values(
        finished_at=attempt.deadline_at, expired=True))
    db.session.commit()
    db.session.refresh(attempt)
    back = NOW + timedelta(hours=3)
    assert quiz.lapsed(attempt, back) and not quiz.is_done(attempt, back)
    again = start(town, now=back)
    assert again.id == attempt.id and again.finished_at is None and not again.expired
    assert again.deadline_at == back + timedelta(seconds=quiz.QUIZ_SECONDS)
