"""The knowledge index counts first tries at the common set only (docs/metrics.md): a common
question the worker met on an earlier day is left out, both when the finisher adds their quiz to
the day and when the nightly job rebuilds the day from the record."""

from datetime import date, datetime, time, timedelta

import pytest
from sqlalchemy import select

from quizapp.extensions import db
from quizapp.models import Answer, Company, CompanyDay, Employee, Question
from quizapp.quiz import service as quiz
from quizapp.rollups.service import rebuild_company_day
from tests.factories import right_choice, take_quiz

pytestmark = pytest.mark.usefixtures("ctx")

DAY = date(2026, 11, 24)


def quiz_now() -> datetime:
    return datetime.combine(DAY, time(0, 30))


def test_a_common_question_met_before_is_not_in_the_knowledge_index(town):
    worker = db.session.get_one(Employee, town.worker_a)
    first = take_quiz(worker, DAY - timedelta(days=1))
    seen = next(slot for slot in first.answers if not slot.behaviour)
    later = quiz.start_attempt(worker, "official", DAY, quiz_now(), "test-town")
    commons = [slot for slot in later.answers if slot.common]
    assert commons, "the small bank's common set reaches every quiz"
    repeat = commons[0]
    # The day's common question is one the worker answered yesterday (a review, or an earlier common set).
    repeat.question_id = seen.question_id
    repeat.question_version_id = db.session.get(Question, seen.question_id).current_version_id
    repeat.choice_order = seen.choice_order
    db.session.commit()
    for slot in later.answers:
        quiz.record_answer(worker, later.id, slot.position, right_choice(slot), quiz_now(), DAY)
    db.session.commit()
    company = db.session.get(Company, town.company_a)
    row = db.session.get(CompanyDay, (company.id, DAY))
    assert (row.common_answered, row.common_correct) == (len(commons) - 1, len(commons) - 1)
    assert db.session.scalar(select(Answer.correct).where(Answer.id == repeat.id)) is True  # recorded all the same
    rebuilt = rebuild_company_day(company, DAY, DAY)
    assert (rebuilt.common_answered, rebuilt.common_correct) == (len(commons) - 1, len(commons) - 1)

