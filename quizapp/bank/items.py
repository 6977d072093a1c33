"""Item analysis over the record: how each question in rotation performs (town admin, `bank stats`).

Reads each worker's first official, scored try at each question: practice rounds never count, and
a later try (a review after the feedback, a repeat in a common set) never does either. The try is
kept when it was to the version now in use and fell in the window; a worker whose first try was
at an older version, or before the window, is left out of that question. Aggregates only (no
worker is named in the result).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import exists, func, literal_column, select
from sqlalchemy.orm import aliased

from quizapp.bank.rules.item_analysis import AnswerRecord, ItemStats, analyse
from quizapp.extensions import db
from quizapp.models import Answer, Attempt, Question, QuestionVersion, Topic
from quizapp.rules.vocab import AttemptKind, QuestionKind


def counted_try(answer=Answer, attempt=Attempt, alert_index: bool = True) -> tuple:
    """An answer that is a try in the record's sense: in an official quiz, a knowledge question of
    the bank (not "did you do it", not a 本周警情 alert's), answered and scored. Practice rounds never
    count. `alert_index=False` keeps the planner off the alert_id index (see is_first_try)."""
    alert = answer.alert_id if alert_index else _unindexed(answer.alert_id)
    return (attempt.kind == AttemptKind.OFFICIAL, answer.behaviour.is_(False), alert.is_(None),
            answer.chosen.is_not(None), answer.correct.is_not(None))


def _unindexed(column):
    """The column's value in a form no index can serve (`column + 0`: the same value, NULL stays NULL)."""
    return column + literal_column("0")


def is_first_try(answer=Answer, attempt=Attempt):
    """The answer is the worker's first counted try at its question: no counted try on an earlier
    local date (one official quiz a day, and a question once per quiz, so that is the first).
    The same rule as `analyse_items`' first tries, for the knowledge index and the learning page;
    a try whose earlier ones were deleted by `quizapp retention` reads as first."""
    before, before_quiz = aliased(Answer), aliased(Attempt)
    # Found through the worker's own attempts (the employee_id index, then each attempt's answers),
    # never through the question or the alert: a common question has an answer from every worker of
    # the town each day, and nearly every answer has no alert, so either index reads them all. Without
    # the planner's statistics (a new SQLite database has none until the nightly ANALYZE) SQLite chose
    # them, and each finishing answer took about a millisecond per thousand workers; the unindexed
    # forms leave the planners only the worker's own attempts, on SQLite and PostgreSQL alike.
    return ~exists().where(before_quiz.employee_id == attempt.employee_id, before_quiz.local_date < attempt.local_date,
                           before.attempt_id == before_quiz.id, _unindexed(before.question_id) == answer.question_id,
                           *counted_try(before, before_quiz, alert_index=False))


@dataclass(frozen=True)
class ItemRow:
    slug: str
    topic: Topic
    content: dict
    stats: ItemStats | None  # None: not answered in the window


def analyse_items(today: date, days: int = 90, companies=None) -> list[ItemRow]:
    """Every knowledge question in rotation with its statistics; flagged ones first. The bank is
    the city's, the answers counted those of `companies` (a select() of ids: a town admin's town)
    or, without it, of the whole city (`quizapp bank stats`)."""
    within = (Attempt.company_id.in_(companies),) if companies is not None else ()
    questions = db.session.execute(
        select(Question, QuestionVersion.content)
        .join(QuestionVersion, QuestionVersion.id == Question.current_version_id)
        .where(Question.active.is_(True), Question.kind == QuestionKind.KNOWLEDGE)
    ).all()
    topics = {t.id: t for t in db.session.scalars(select(Topic))}
    # Number each worker's official, scored tries at each question in time order (ids only: light to sort).
    tries = (
        select(Answer.id.label("answer_id"),
               func.row_number().over(partition_by=(Attempt.employee_id, Answer.question_id),
                                      order_by=(Attempt.local_date, Answer.answered_at, Answer.id)).label("try_number"))
        .join(Attempt, Attempt.id == Answer.attempt_id)
        .where(*counted_try(), Attempt.local_date <= today, *within)
        .subquery()
    )
    rows = db.session.execute(
        select(Answer.question_id, Attempt.employee_id, Answer.correct, Answer.chosen)
        .join(tries, tries.c.answer_id == Answer.id)
        .join(Attempt, Attempt.id == Answer.attempt_id)
        .join(Question, Question.id == Answer.question_id)
        .where(tries.c.try_number == 1, Answer.question_version_id == Question.current_version_id,
               Attempt.local_date > today - timedelta(days=days)))
    records = [AnswerRecord(q, w, bool(c), tuple(chosen)) for q, w, c, chosen in rows]
    options = {q.id: (len(content["options"]), content["answer"]) for q, content in questions}
    stats = {s.question_id: s for s in analyse(records, options)}
    result = [ItemRow(slug=q.slug, topic=topics[q.topic_id], content=content, stats=stats.get(q.id))
              for q, content in questions]
    return sorted(result, key=lambda row: (not (row.stats and row.stats.flags), row.topic.slug, row.slug))
