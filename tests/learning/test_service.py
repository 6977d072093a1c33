"""The learning figures read from the record (learning.service): the forgetting curve, the check
for answer sharing and the probe's pairs, over the companies an account may see."""

from datetime import date, datetime, time, timedelta

import pytest
from sqlalchemy import select

from quizapp.extensions import db
from quizapp.learning import service
from quizapp.learning.rules import Share
from quizapp.models import Answer, Attempt, Company, Employee, Question, StaffUser
from quizapp.quiz.rules import selection
from quizapp.quiz.service import load_pool
from quizapp.rules.vocab import AttemptKind
from tests.factories import make_employee

pytestmark = pytest.mark.usefixtures("ctx")

TODAY = date(2026, 11, 24)
NOW = datetime.combine(TODAY, time(12))  # the moment read: 20:00 in the town


def questions() -> list[Question]:
    return list(db.session.scalars(select(Question).where(Question.kind == "knowledge").order_by(Question.id)))


def quiz(employee: Employee, day: date, answers: list[tuple[Question, bool, bool]], finished: int = 0,
         kind: AttemptKind = AttemptKind.OFFICIAL) -> Attempt:
    """An attempt as the record holds it: (question, right?, common?) answers, finished `finished`
    minutes after 08:00 that day."""
    start = datetime.combine(day, time(8, 0)) + timedelta(minutes=finished)
    attempt = Attempt(employee_id=employee.id, company_id=employee.company_id, local_date=day, kind=kind,
                      official_date=day if kind == AttemptKind.OFFICIAL else None, started_at=start,
                      deadline_at=start + timedelta(minutes=5), finished_at=start + timedelta(minutes=1),
                      total=len(answers), slots=len(answers), answered=len(answers))
    db.session.add(attempt)
    db.session.flush()
    for position, (question, right, common) in enumerate(answers, start=1):
        db.session.add(Answer(attempt_id=attempt.id, local_date=day, position=position, question_id=question.id,
                              question_version_id=question.current_version_id, common=common,
                              choice_order=[0, 1, 2], chosen=[1] if right else [0], correct=right,
                              answered_at=start + timedelta(seconds=10 * position)))
    db.session.flush()
    return attempt


def test_the_forgetting_curve_counts_repeats_by_days_since_the_last_try(town):
    worker, other = db.session.get_one(Employee, town.worker_a), db.session.get_one(Employee, town.worker_b)
    q1, q2 = questions()[:2]
    quiz(worker, TODAY - timedelta(days=20), [(q1, False, False)])
    quiz(worker, TODAY - timedelta(days=18), [(q1, True, False), (q2, True, False)])  # 2 days on
    quiz(worker, TODAY - timedelta(days=17), [(q1, True, False)], kind=AttemptKind.PRACTICE)  # never counts
    quiz(worker, TODAY - timedelta(days=8), [(q1, False, False), (q2, True, False)])  # 10 days on
    quiz(other, TODAY - timedelta(days=8), [(q1, True, False)])  # a first try: not on the curve
    admin = db.session.scalars(select(StaffUser).where(StaffUser.username == "admin")).one()
    view = service.learning(admin, TODAY, NOW)
    shares = {(p.low, p.high): p.share for p in view.curve}
    assert shares[(2, 3)] == Share(1, 1)
    assert shares[(8, 14)] == Share(1, 2)
    assert sum(p.share.answered for p in view.curve) == 3
    # The officer of grid 1 sees company A's workers only: the same curve (B's try was a first one).
    officer = db.session.scalars(select(StaffUser).where(StaffUser.username == "officer-1")).one()
    assert service.learning(officer, TODAY, NOW).curve == view.curve


def test_answer_sharing_compares_late_and_early_finishers_on_common_and_personal_questions(town):
    company = db.session.get_one(Company, town.company_a)
    workers = [db.session.get_one(Employee, town.worker_a)] + [
        make_employee(company, f"S{i:03d}", f"工人{i}") for i in range(4)]
    common, personal = questions()[:2]
    day = TODAY - timedelta(days=1)
    for rank, worker in enumerate(workers):  # finishing 10 minutes apart: 2 early, the middle one, 2 late
        late = rank >= 3
        quiz(worker, day, [(common, late, True), (personal, rank % 2 == 0, False)], finished=10 * rank)
    quiz(workers[0], TODAY, [(common, True, True)])  # today is still counting: not in the check
    officer = db.session.scalars(select(StaffUser).where(StaffUser.username == "officer-1")).one()
    lines = service.learning(officer, TODAY, NOW).sharing
    assert [line.name for line in lines] == ["甲厂"]  # the officer's grid only
    counts = lines[0].counts
    assert (counts.early_common, counts.late_common) == (Share(0, 2), Share(2, 2))
    assert (counts.early_personal, counts.late_personal) == (Share(1, 2), Share(1, 2))
    assert lines[0].gap is not None and lines[0].gap.value > 0.4


def test_the_probe_pairs_each_workers_two_halves_and_reads_their_lag(town):
    items = questions()
    probes = [q for q in items if not q.common][:8]  # two per topic of the small bank
    for question in probes:
        question.probe = True
    db.session.flush()
    first, second = selection.probe_halves(load_pool())
    by_id = {q.id: q for q in items}
    worker = db.session.get_one(Employee, town.worker_a)
    start = TODAY - timedelta(days=100)
    for offset, qid in enumerate(first):
        quiz(worker, start + timedelta(days=offset), [(by_id[qid], offset % 2 == 0, False)])
    for offset, qid in enumerate(second):
        quiz(worker, start + timedelta(days=91 + offset), [(by_id[qid], True, False)])
    other = db.session.get_one(Employee, town.worker_b)
    quiz(other, TODAY - timedelta(days=3), [(by_id[second[0]], False, False)])  # started, not paired yet
    admin = db.session.scalars(select(StaffUser).where(StaffUser.username == "admin")).one()
    started, pairs = service.probe_pairs(service.dashboard.visible_scope(admin), TODAY)
    assert started == 2 and len(pairs) == 1
    assert pairs[0].first_half == 0 and pairs[0].lag == 90
    assert pairs[0].before == Share(2, 4) and pairs[0].after == Share(4, 4)
    figures = service.learning(admin, TODAY, NOW).probe
    assert (figures.before, figures.pairs, figures.estimate) == (2, 1, None)  # too few for an interval


def test_first_tries_by_grid_and_month_are_the_knowledge_index_of_the_rollup(town):
    from quizapp.models import CompanyDay
    db.session.add_all([
        CompanyDay(company_id=town.company_a, day=TODAY - timedelta(days=40), headcount=2, completed=2,
                   common_correct=3, common_answered=4),
        CompanyDay(company_id=town.company_a, day=TODAY.replace(day=2), headcount=2, completed=2,
                   common_correct=1, common_answered=4),
        CompanyDay(company_id=town.company_b, day=TODAY.replace(day=3), headcount=1, completed=1,
                   common_correct=2, common_answered=2)])
    db.session.flush()
    admin = db.session.scalars(select(StaffUser).where(StaffUser.username == "admin")).one()
    view = service.learning(admin, TODAY, NOW)
    assert [span.first for span in view.months][-2:] == [date(2026, 10, 1), date(2026, 11, 1)]
    by_grid = {row.name: row.months for row in view.grids}
    assert by_grid["网格一"][-1] == Share(1, 4) and by_grid["网格一"][-2] == Share(3, 4)
    assert by_grid["网格二"][-1] == Share(2, 2) and by_grid["网格二"][-2] == Share(0, 0)
    assert view.total.months[-1] == Share(3, 6)
