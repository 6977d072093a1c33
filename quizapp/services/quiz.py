"""The worker's quiz: starting today's attempt, recording answers, closing it, the result.

Used by the quiz blueprint (workers) and the benchmark. Owns the record's guarantees: one official
attempt per worker per local day (the database's unique constraint settles races), one answer per
slot (a conditional UPDATE settles double taps), the server-side deadline, and the rollup update in
the same transaction as the answer that finishes an attempt.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from quizapp.domain import grading, selection
from quizapp.extensions import db
from quizapp.models import Answer, Attempt, Employee, Question, QuestionVersion, ReviewState, Topic
from quizapp.services import rollups

QUIZ_SECONDS = 300
PRACTICE_SECONDS = 1800
# Answers sent just before the deadline may arrive a little after it on a weak signal.
GRACE_SECONDS = 15


def load_pool() -> list[selection.Item]:
    """Every question in rotation, as selection sees it."""
    rows = db.session.execute(
        select(Question.id, Topic.slug, Question.family, Question.common)
        .join(Topic, Topic.id == Question.topic_id)
        .where(Question.active.is_(True), Question.current_version_id.is_not(None))
    ).all()
    return [selection.Item(id=r[0], topic=r[1], family=r[2], common=r[3]) for r in rows]


def load_reviews(employee_id: int) -> list[selection.Review]:
    rows = db.session.scalars(select(ReviewState).where(ReviewState.employee_id == employee_id))
    return [selection.Review(r.question_id, r.box, r.due, r.seen, r.wrong, r.last_seen) for r in rows]


def official_attempt(employee: Employee, today: date) -> Attempt | None:
    return db.session.scalar(select(Attempt).where(
        Attempt.employee_id == employee.id, Attempt.official_date == today))


def open_practice(employee: Employee, today: date) -> Attempt | None:
    return db.session.scalar(select(Attempt).where(
        Attempt.employee_id == employee.id, Attempt.local_date == today, Attempt.kind == "practice",
        Attempt.finished_at.is_(None)).order_by(Attempt.id.desc()).limit(1))


def start_attempt(employee: Employee, kind: str, today: date, now: datetime, town_seed: str) -> Attempt:
    """Today's official quiz (or the one already started), or a new practice round.

    Practice opens only after today's official attempt is finished, and never counts in company
    figures.
    """
    if kind == "official":
        existing = official_attempt(employee, today)
        if existing is not None:
            return existing
    elif kind == "practice":
        official = official_attempt(employee, today)
        if official is None or official.finished_at is None:
            raise PermissionError("practice opens after today's quiz")
        existing = open_practice(employee, today)
        if existing is not None and not is_past_deadline(existing, now):
            return existing
    else:
        raise ValueError(f"unknown attempt kind {kind!r}")

    pool = load_pool()
    reviews = load_reviews(employee.id)
    n = employee.company.questions_per_quiz
    if kind == "official":
        picks = selection.choose_quiz(pool, reviews, today, n, town_seed, f"e{employee.id}")
    else:
        seed = f"e{employee.id}:{today}:practice:{now.isoformat()}"
        picks = [(qid, False) for qid in selection.practice_quiz(pool, reviews, today, n, seed)]
    if not picks:
        raise LookupError("the question bank is empty; load it with `quizapp bank load`")

    versions = {v.question_id: v for v in db.session.scalars(
        select(QuestionVersion).join(Question, Question.current_version_id == QuestionVersion.id)
        .where(Question.id.in_([qid for qid, _ in picks])))}
    seconds = QUIZ_SECONDS if kind == "official" else PRACTICE_SECONDS
    attempt = Attempt(
        employee_id=employee.id, company_id=employee.company_id, local_date=today, kind=kind,
        official_date=today if kind == "official" else None, started_at=now,
        deadline_at=now + timedelta(seconds=seconds), total=len(picks),
        common_total=sum(1 for _, common in picks if common),
    )
    for position, (qid, common) in enumerate(picks, start=1):
        content = versions[qid].content
        attempt.answers.append(Answer(
            position=position, question_id=qid, question_version_id=versions[qid].id, common=common,
            choice_order=selection.choice_order(len(content["options"]), content["type"],
                                                f"e{employee.id}:{today}:{qid}:{kind}"),
        ))
    db.session.add(attempt)
    try:
        with db.session.begin_nested():
            db.session.flush()
    except IntegrityError:
        # Another request (a double tap on "start") created today's official attempt first.
        existing = official_attempt(employee, today)
        if existing is None:
            raise
        return existing
    return attempt


def attempt_for(employee: Employee, attempt_id: int) -> Attempt | None:
    """An attempt of this worker's, with its answers, or None (never another worker's)."""
    return db.session.scalar(
        select(Attempt).where(Attempt.id == attempt_id, Attempt.employee_id == employee.id)
        .options(selectinload(Attempt.answers).selectinload(Answer.version)))


def is_past_deadline(attempt: Attempt, now: datetime) -> bool:
    return now > attempt.deadline_at + timedelta(seconds=GRACE_SECONDS)


def next_position(attempt: Attempt) -> int | None:
    for answer in attempt.answers:
        if answer.chosen is None:
            return answer.position
    return None


def close_if_expired(attempt: Attempt, now: datetime) -> bool:
    """Close an attempt whose time ran out: unanswered questions count as not right."""
    if attempt.finished_at is None and is_past_deadline(attempt, now):
        _finish(attempt, attempt.deadline_at, expired=True)
        return True
    return False


@dataclass(frozen=True)
class Outcome:
    """What happened to an answer: "recorded", "already" (a resent form), "late" or "finished"."""

    status: str
    correct: bool | None = None


def record_answer(attempt: Attempt, position: int, chosen_display: list[int], now: datetime) -> Outcome:
    """Record the worker's choice for one slot, once; the last answer finishes the attempt."""
    if attempt.finished_at is not None:
        return Outcome("finished")
    if close_if_expired(attempt, now):
        return Outcome("late")
    slot = next((a for a in attempt.answers if a.position == position), None)
    if slot is None:
        raise LookupError(f"attempt {attempt.id} has no question {position}")
    if slot.chosen is not None:
        return Outcome("already", slot.correct)
    order = slot.choice_order
    chosen = sorted({order[i] for i in chosen_display if 0 <= i < len(order)})
    if not chosen:
        raise ValueError("no option chosen")
    content = slot.version.content
    correct = grading.is_correct(content["answer"], chosen)
    claimed = db.session.execute(
        update(Answer).where(Answer.id == slot.id, Answer.chosen.is_(None))
        .values(chosen=chosen, correct=correct, answered_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount
    if not claimed:
        db.session.refresh(slot)
        return Outcome("already", slot.correct)
    slot.chosen, slot.correct, slot.answered_at = chosen, correct, now
    _update_review(attempt.employee_id, slot.question_id, correct, attempt.local_date)
    attempt.score += int(correct)
    if slot.common:
        attempt.common_correct += int(correct)
    if all(a.chosen is not None for a in attempt.answers):
        _finish(attempt, now, expired=False)
    db.session.flush()
    return Outcome("recorded", correct)


def _update_review(employee_id: int, question_id: int, correct: bool, today: date) -> None:
    state = db.session.get(ReviewState, (employee_id, question_id))
    previous = None if state is None else selection.Review(
        question_id, state.box, state.due, state.seen, state.wrong, state.last_seen)
    box, due = selection.next_review(previous, correct, today)
    if state is None:
        db.session.add(ReviewState(employee_id=employee_id, question_id=question_id, box=box, due=due,
                                   seen=1, wrong=int(not correct), last_seen=today))
    else:
        state.box, state.due, state.last_seen = box, due, today
        state.seen += 1
        state.wrong += int(not correct)


def _finish(attempt: Attempt, when: datetime, expired: bool) -> None:
    claimed = db.session.execute(
        update(Attempt).where(Attempt.id == attempt.id, Attempt.finished_at.is_(None))
        .values(finished_at=when, expired=expired).execution_options(synchronize_session=False)
    ).rowcount
    attempt.finished_at, attempt.expired = when, expired
    if claimed and attempt.official:
        common_answered = sum(1 for a in attempt.answers if a.common and a.chosen is not None)
        rollups.add_finished(attempt, common_answered)


@dataclass(frozen=True)
class Result:
    attempt: Attempt
    streak: int
    lesson_topic: Topic | None


def result(attempt: Attempt, employee: Employee, today: date) -> Result:
    """The result screen: score, streak of workdays, and the lesson card for the weakest topic."""
    done = db.session.scalars(select(Attempt.official_date).where(
        Attempt.employee_id == employee.id, Attempt.official_date.is_not(None),
        Attempt.finished_at.is_not(None), Attempt.official_date > today - timedelta(days=400)))
    streak = grading.streak(done, today, employee.company.workdays)
    topics = {q.id: q.topic for q in db.session.scalars(
        select(Question).where(Question.id.in_([a.question_id for a in attempt.answers]))
        .options(selectinload(Question.topic)))}
    missed = [(topics[a.question_id].slug, bool(a.correct)) for a in attempt.answers]
    weakest = grading.weakest_topic(missed) if any(not ok for _, ok in missed) else None
    by_slug = {t.slug: t for t in topics.values()}
    lesson = by_slug.get(weakest) if weakest else topics.get(attempt.answers[0].question_id)
    return Result(attempt=attempt, streak=streak, lesson_topic=lesson)


def history(employee: Employee, limit: int = 60) -> list[Attempt]:
    """The worker's own past attempts, newest first."""
    return list(db.session.scalars(
        select(Attempt).where(Attempt.employee_id == employee.id)
        .order_by(Attempt.local_date.desc(), Attempt.id.desc()).limit(limit)))
