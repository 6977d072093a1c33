"""The worker's quiz: starting today's attempt, recording answers, closing it, the result.

Used by the quiz blueprint (workers) and the benchmark. Owns the record's guarantees: one official
attempt per worker per local day (the database's unique constraint settles races), one answer per
slot (a conditional UPDATE settles double taps), the server-side deadline, and the rollup update in
the same transaction as the answer that finishes an attempt.

A quiz whose time ran out before any answer was given (the worker opened it and walked away) is
not done (metrics.quiz_done): the same day, the worker gets that same attempt back with a fresh
time limit (`reopen`: on "start", on resuming it, on opening or answering one of its questions),
and only once its day is over is it closed, as not done (`close_expired`).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import bindparam, func, insert, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.util import identity_key

from quizapp.alerts import service as alerts
from quizapp.bank.items import is_first_try
from quizapp.extensions import db
from quizapp.models import Alert, Answer, Attempt, Employee, Question, QuestionVersion, Topic, TownSetting
from quizapp.quiz.rules import grading, selection, timing
from quizapp.rollups import service as rollups
from quizapp.rules import metrics
from quizapp.rules.errors import Conflict, Forbidden, Invalid, NotFound
from quizapp.rules.vocab import AttemptKind, QuestionKind, QuestionType, parse
from quizapp.town import settings as town_settings

QUIZ_SECONDS = 300
PRACTICE_SECONDS = 1800
# Answers sent just before the deadline may arrive a little after it on a weak signal.
GRACE_SECONDS = 15


# Every start reads the whole bank. The kind is compared in SQL, so a plain boolean comes back:
# converting ~500 enum values per start was a measurable share of its CPU (bench/quiz_cpu.py).
_POOL = (select(Question.id, Topic.slug, Question.family, Question.common,
                Question.kind == QuestionKind.BEHAVIOUR, Question.probe)
         .join(Topic, Topic.id == Question.topic_id)
         .where(Question.active.is_(True), Question.current_version_id.is_not(None)))


def load_pool() -> list[selection.Item]:
    """Every question in rotation, as selection sees it."""
    rows = db.session.execute(_POOL).all()
    return [selection.Item(qid, topic, family, bool(common), bool(behaviour), bool(probe))
            for qid, topic, family, common, behaviour, probe in rows]


def load_learner(employee_id: int, pool: list[selection.Item]) -> selection.Learner:
    """The worker's memory state, replayed from every answer they gave (official and practice)."""
    history = db.session.execute(
        select(Answer.question_id, Answer.correct, Attempt.local_date, Answer.common)
        .join(Attempt, Attempt.id == Answer.attempt_id)
        .where(Attempt.employee_id == employee_id, Answer.chosen.is_not(None))
        .order_by(Answer.answered_at, Answer.id)).all()
    return selection.replay(pool, (selection.Answer(q, bool(c), d, bool(common)) for q, c, d, common in history))


TOWN_SEED_KEY = "town_seed"


def town_seed(configured: str | None, company_id: int) -> str:
    """The secret that orders the common daily set of the company's town: QUIZAPP_TOWN_SEED when
    the installation sets one (then every town of the city has the same set each day: docs/
    deploy.md), else the town's own random value, generated on its first use and kept in the
    town's settings, so the coming days' common sets cannot be computed from the source code nor
    from another town's set."""
    if configured:
        return configured
    found = town_settings.read_for_company(company_id, TOWN_SEED_KEY)
    if found is not None:
        return str(found["seed"])
    return town_secret(town_settings.town_of_company(company_id))


def town_secret(town_id: int) -> str:
    """The town's own common-set secret, made on first use (see town_seed)."""
    if (found := town_settings.read(town_id, TOWN_SEED_KEY)) is not None:
        return str(found["seed"])
    try:
        with db.session.begin_nested():
            db.session.add(TownSetting(town_id=town_id, key=TOWN_SEED_KEY, value={"seed": secrets.token_hex(16)}))
            db.session.flush()
    except IntegrityError:  # another request stored one first: use that
        pass
    return str(db.session.get_one(TownSetting, (town_id, TOWN_SEED_KEY)).value["seed"])


def waiting_alert(employee: Employee, today: date, official: Attempt | None) -> Alert | None:
    """The 本周警情 alert today's quiz will carry, while it has not started (alerts.service.alert_slot)."""
    if official is not None:
        return None
    slot = alerts.alert_slot(employee, today)
    return db.session.get(Alert, slot[0]) if slot else None


def official_attempt(employee: Employee, today: date) -> Attempt | None:
    return db.session.scalar(select(Attempt).where(
        Attempt.employee_id == employee.id, Attempt.official_date == today))


def open_practice(employee: Employee, today: date) -> Attempt | None:
    return db.session.scalar(select(Attempt).where(
        Attempt.employee_id == employee.id, Attempt.local_date == today, Attempt.kind == AttemptKind.PRACTICE,
        Attempt.finished_at.is_(None)).order_by(Attempt.id.desc()).limit(1))


def _close_open_practice(employee: Employee, now: datetime, today: date) -> None:
    """At most one open practice attempt per worker (a partial unique index holds it): one whose
    time ran out, or left open on another day, is closed before a new one starts."""
    for attempt in db.session.scalars(select(Attempt).where(
            Attempt.employee_id == employee.id, Attempt.kind == AttemptKind.PRACTICE, Attempt.finished_at.is_(None))):
        _finish(attempt.id, min(attempt.deadline_at, now), expired=True, today=today)


def start_attempt(employee: Employee, asked: AttemptKind | str | None, today: date, now: datetime,
                  town_seed: str) -> Attempt:
    """Today's official quiz (or the one already started), or a new practice round.

    Today's official attempt, started before and left with no answer when its time ran out, is
    given back with a fresh time limit (`reopen`). Practice opens only after today's official
    attempt is finished (Forbidden "quiz.practice_locked" before), and never counts in company
    figures. An empty question bank
    is a Conflict ("quiz.bank_empty"): the town has not loaded it yet.
    """
    kind = parse(AttemptKind, asked)
    if kind == AttemptKind.OFFICIAL:
        existing = official_attempt(employee, today)
        if existing is not None:
            reopen(existing, now, today)  # left with no answer: the same quiz again, with a fresh clock
            return existing
    elif kind == AttemptKind.PRACTICE:
        official = official_attempt(employee, today)
        # Not done (closed with no answer given, or still open): practice waits for it.
        if official is None or official.finished_at is None or official.answered == 0:
            raise Forbidden("quiz.practice_locked")
        existing = open_practice(employee, today)
        if existing is not None and not is_past_deadline(existing, now):
            return existing
        _close_open_practice(employee, now, today)
    else:
        raise Invalid("quiz.unknown_kind", kind=asked)

    pool = load_pool()
    learner = load_learner(employee.id, pool)
    n = employee.company.questions_per_quiz
    behaviour = None
    if kind == AttemptKind.OFFICIAL:
        probe = selection.probe_item(pool, learner, today, selection.probe_plan(f"e{employee.id}", town_seed))
        picks = selection.choose_quiz(pool, learner, today, n, town_seed, f"e{employee.id}", probe)
        behaviour = selection.behaviour_check(pool, learner, today)
    else:
        seed = f"e{employee.id}:{today}:practice:{now.isoformat()}"
        picks = [(qid, False) for qid in selection.practice_quiz(pool, learner, today, n, seed)]
    if not picks:
        raise Conflict("quiz.bank_empty")

    slots = [(qid, common, False) for qid, common in picks]
    # A live 本周警情 alert of the worker's grid takes the first personal slot, unscored (alerts.service).
    alert = alerts.alert_slot(employee, today) if kind == AttemptKind.OFFICIAL else None
    if alert is not None:
        first_personal = sum(1 for _, common in picks if common)
        slots.insert(first_personal, (alert[1], False, False))
    if behaviour is not None:
        slots.append((behaviour, False, True))  # last, after the scored questions
    versions = {v.question_id: v for v in db.session.scalars(
        select(QuestionVersion).join(Question, Question.current_version_id == QuestionVersion.id)
        .where(Question.id.in_([qid for qid, _, _ in slots])))}
    seconds = QUIZ_SECONDS if kind == AttemptKind.OFFICIAL else PRACTICE_SECONDS
    attempt = Attempt(
        employee_id=employee.id, company_id=employee.company_id, local_date=today, kind=kind,
        official_date=today if kind == AttemptKind.OFFICIAL else None, started_at=now,
        deadline_at=now + timedelta(seconds=seconds), total=len(picks), slots=len(slots),
        common_total=sum(1 for _, common in picks if common),
    )
    try:
        # Added inside the savepoint: flushed before it, a lost race would spoil the whole session.
        with db.session.begin_nested():
            db.session.add(attempt)
            db.session.flush()
    except IntegrityError:
        # Another request (a double tap on "start") created today's official attempt, or the
        # worker's one open practice round, first: that one is the worker's.
        existing = official_attempt(employee, today) if kind == AttemptKind.OFFICIAL else open_practice(employee, today)
        if existing is None:
            raise
        return existing
    # The slots in one statement (the ORM inserted them one by one, to read back ids nobody uses);
    # `attempt.answers` loads them when read.
    db.session.execute(insert(Answer), [dict(
        attempt_id=attempt.id, local_date=today, position=position, question_id=qid,
        question_version_id=versions[qid].id,
        common=common, behaviour=is_behaviour, alert_id=alert[0] if alert is not None and qid == alert[1] else None,
        choice_order=selection.choice_order(len(versions[qid].content["options"]), versions[qid].content["type"],
                                            f"e{employee.id}:{today}:{qid}:{kind}"),
    ) for position, (qid, common, is_behaviour) in enumerate(slots, start=1)])
    return attempt


def attempt_for(employee: Employee, attempt_id: int, all_versions: bool = False) -> Attempt | None:
    """An attempt of this worker's, with its answers, or None (never another worker's).

    One statement: the attempt joined with its answers (a handful of rows). A question page needs
    one question's text, which loads on use; the result page needs them all (`all_versions`),
    joined in the same statement.
    """
    answers = joinedload(Attempt.answers)
    return db.session.execute(
        select(Attempt).where(Attempt.id == attempt_id, Attempt.employee_id == employee.id)
        .options(answers.joinedload(Answer.version) if all_versions else answers)).unique().scalar_one_or_none()


@dataclass(frozen=True, slots=True)
class SheetSlot:
    """One slot as the question screens show it: the version's content the worker saw, the
    shuffled order, and the answer once given."""

    position: int
    content: dict
    choice_order: list[int]
    chosen: list[int] | None
    correct: bool | None
    behaviour: bool
    alert_id: int | None

    @property
    def scored(self) -> bool:
        """Counts in the score: not the "about you" question, not a 本周警情 alert's question."""
        return not self.behaviour and self.alert_id is None

    @property
    def reading_seconds(self) -> int:
        """What answering this slot added to the deadline, for reading its feedback (rules/timing.py)."""
        return timing.reading_seconds(self.content)


@dataclass(frozen=True, slots=True)
class Sheet:
    """An attempt as its question screens show it (quiz/_slot.html): its slots with their content,
    its clock, and whether it is over. Read only, in one Core statement (`sheet`)."""

    id: int
    official: bool
    local_date: date
    total: int
    finished_at: datetime | None
    deadline_at: datetime
    answers: tuple[SheetSlot, ...]

    @property
    def answered(self) -> int:
        """Answers given (in time: no other is recorded), as Attempt.answered counts them."""
        return sum(1 for a in self.answers if a.chosen is not None)

    def slot(self, position: int) -> SheetSlot | None:
        return next((a for a in self.answers if a.position == position), None)

    def number(self, slot: SheetSlot) -> int:
        """A scored slot's "question n" of `total`: the quiz bar counts the scored questions, as the
        result, the history and the today page do; the unscored slots (a 本周警情 alert's question,
        the "about you" question) are named instead of numbered."""
        return sum(1 for a in self.answers if a.scored and a.position <= slot.position)

    @property
    def has_behaviour(self) -> bool:
        return any(a.behaviour for a in self.answers)


# The question screens' one read. Core rows, not ORM objects: the answer request reads this after
# every answer at shift start, and loading an attempt with its answers and their versions as
# objects cost three times as much CPU (375 against 118 µs for the same rows; bench/README.md).
# The kind is compared in SQL.
_SHEET = (
    select(Attempt.id, Attempt.kind == AttemptKind.OFFICIAL, Attempt.local_date, Attempt.total, Attempt.finished_at,
           Attempt.deadline_at, Answer.position, QuestionVersion.content, Answer.choice_order, Answer.chosen,
           Answer.correct, Answer.behaviour, Answer.alert_id)
    # The date lets PostgreSQL look in one month's partition only (partitions.service).
    .join(Answer, (Answer.attempt_id == Attempt.id) & (Answer.local_date == Attempt.local_date))
    .join(QuestionVersion, QuestionVersion.id == Answer.question_version_id)
    .where(Attempt.id == bindparam("attempt_id"), Attempt.employee_id == bindparam("employee_id"))
    .order_by(Answer.position)
)


def sheet(employee_id: int, attempt_id: int) -> Sheet | None:
    """An attempt of this worker's as its question screens show it, or None (never another
    worker's). Takes the worker's id: read after the answer's commit, the worker's own row would
    be read again just for it."""
    rows = db.session.connection().execute(_SHEET, {"attempt_id": attempt_id, "employee_id": employee_id}).all()
    if not rows:
        return None
    first = rows[0]
    return Sheet(id=first[0], official=bool(first[1]), local_date=first[2], total=first[3], finished_at=first[4],
                 deadline_at=first[5],
                 answers=tuple(SheetSlot(row[6], row[7], row[8], row[9], row[10], bool(row[11]), row[12])
                               for row in rows))


def is_past_deadline(attempt: Attempt | Sheet, now: datetime) -> bool:
    return now > attempt.deadline_at + timedelta(seconds=GRACE_SECONDS)


def next_position(attempt: Attempt | Sheet) -> int | None:
    for answer in attempt.answers:
        if answer.chosen is None:
            return answer.position
    return None


def is_done(attempt: Attempt | Sheet, now: datetime) -> bool:
    """The official quiz counts as done (metrics.quiz_done, rollups.figures.done in SQL)."""
    return attempt.official and metrics.quiz_done(attempt.finished_at is not None, is_past_deadline(attempt, now),
                                                  attempt.answered)


def lapsed(attempt: Attempt | Sheet, now: datetime) -> bool:
    """An official quiz whose time ran out (closed or not) before any answer was given: not done.
    On its own day the worker gets it back (`reopen`); after that day it stays not done."""
    return attempt.official and attempt.answered == 0 and (
        attempt.finished_at is not None or is_past_deadline(attempt, now))


def can_reopen(attempt: Attempt | Sheet, now: datetime, today: date) -> bool:
    """A lapsed quiz of today: the worker may take it again."""
    return attempt.local_date == today and lapsed(attempt, now)


def reopen(attempt: Attempt | Sheet, now: datetime, today: date) -> bool:
    """Give today's lapsed official quiz back to its worker: the same attempt and questions (still
    one official attempt a day), open again with a fresh time limit from `now`. It was never in
    its company's figures (not done), so nothing there changes. False when there is nothing to
    reopen. One conditional UPDATE: of two requests at once, the second finds it open already."""
    return can_reopen(attempt, now, today) and _reopen(attempt.id, now, today) is not None


def _reopen(attempt_id: int, now: datetime, today: date) -> datetime | None:
    """reopen's UPDATE, on the conditions of can_reopen as they stand in the database: the new
    deadline, or None when the attempt is not (or no longer) a lapsed quiz of today."""
    deadline = db.session.connection().execute(
        update(Attempt).where(Attempt.id == attempt_id, Attempt.answered == 0, Attempt.official_date == today,
                              or_(Attempt.finished_at.is_not(None),
                                  Attempt.deadline_at < now - timedelta(seconds=GRACE_SECONDS)))
        .values(deadline_at=now + timedelta(seconds=QUIZ_SECONDS), finished_at=None, expired=False)
        .returning(Attempt.deadline_at)).scalar_one_or_none()
    loaded = db.session.identity_map.get(identity_key(Attempt, attempt_id))
    if deadline is not None and loaded is not None:  # keep an object the caller holds in step, as _finish does
        set_committed_value(loaded, "deadline_at", deadline)
        set_committed_value(loaded, "finished_at", None)
        set_committed_value(loaded, "expired", False)
    return deadline


def close_if_expired(attempt: Attempt | Sheet, now: datetime, today: date) -> bool:
    """Close an attempt whose time ran out: unanswered questions count as not right. `today`: the
    local date now (an attempt of an earlier day then reaches its town's TownDay row too). Today's
    official quiz left with no answer stays open: its worker may take it again (`reopen`)."""
    if attempt.finished_at is None and is_past_deadline(attempt, now) and not can_reopen(attempt, now, today):
        _finish(attempt.id, attempt.deadline_at, expired=True, today=today)
        return True
    return False


def close_expired(now: datetime, today: date) -> int:
    """Close every attempt whose time ran out but whose worker never came back (cron, via
    `quizapp rollup`), so it reaches its company's day like one closed on the worker's next visit.
    An official quiz left with no answer is closed once its day is over, as not done (it adds
    nothing to its day); until then its worker may still take it (`reopen`)."""
    deadline = now - timedelta(seconds=GRACE_SECONDS)
    expired = db.session.scalars(select(Attempt).where(
        Attempt.finished_at.is_(None), Attempt.deadline_at < deadline,
        or_(Attempt.kind != AttemptKind.OFFICIAL, Attempt.answered > 0, Attempt.local_date < today))).all()
    for attempt in expired:
        _finish(attempt.id, attempt.deadline_at, expired=True, today=today)
    db.session.flush()
    return len(expired)


@dataclass(frozen=True)
class Outcome:
    """What happened to an answer: "recorded", "already" (the slot was answered before: a resent
    form, also after the quiz ended), "late" or "finished" (an unanswered slot of a closed quiz).

    `differs` is True when an "already" answer chose otherwise than the one that counts (another tab,
    or another phone, answered first): the worker is told, not silently shown the other choice."""

    status: str
    correct: bool | None = None
    differs: bool = False


# The answer request's one read: the attempt, the slot and the version the worker saw. Built once:
# statement construction is a real share of the hot path's cost.
_SLOT = (
    select(Attempt.deadline_at, Attempt.finished_at, Attempt.slots, Attempt.local_date, Attempt.answered,
           (Attempt.kind == AttemptKind.OFFICIAL).label("official"),
           Answer.id, Answer.question_id, Answer.common, Answer.behaviour, Answer.choice_order, Answer.chosen,
           Answer.correct, Answer.alert_id,
           QuestionVersion.content)
    # The date lets PostgreSQL look in one month's partition only (partitions.service).
    .join(Answer, (Answer.attempt_id == Attempt.id) & (Answer.local_date == Attempt.local_date))
    .join(QuestionVersion, QuestionVersion.id == Answer.question_version_id)
    .where(Attempt.id == bindparam("attempt_id"), Attempt.employee_id == bindparam("employee_id"),
           Answer.position == bindparam("position"))
)
_CLAIM = (update(Answer).where(Answer.id == bindparam("slot_id"), Answer.local_date == bindparam("slot_date"),
                               Answer.chosen.is_(None))
          .values(chosen=bindparam("chosen"), correct=bindparam("correct"), answered_at=bindparam("now")))
_COUNT = (update(Attempt).where(Attempt.id == bindparam("attempt_id"))
          .values(answered=Attempt.answered + 1, score=Attempt.score + bindparam("right"),
                  common_correct=Attempt.common_correct + bindparam("common_right"),
                  deadline_at=bindparam("deadline"))
          .returning(Attempt.answered))


def record_answer(employee: Employee, attempt_id: int, position: int, chosen_display: list[int],
                  now: datetime, today: date) -> Outcome:
    """Record the worker's choice for one slot, once; the last answer finishes the attempt.

    This is the hot path at shift start, so it is three statements in one transaction: one read,
    one conditional UPDATE of the slot (a double tap loses the race and changes nothing) and one
    UPDATE of the attempt's counters (which also tells whether this answer was the last).
    Another worker's attempt, or a position it does not have, is NotFound ("quiz.no_question");
    no option among those shown, or one never shown, is Invalid ("quiz.no_choice"); several options
    for a question that takes one is Invalid ("quiz.one_choice").
    """
    # Core execution on the session's connection: same transaction, without the ORM's per-statement
    # bookkeeping (none of these statements loads an object).
    conn = db.session.connection()
    row = conn.execute(_SLOT, {"attempt_id": attempt_id, "employee_id": employee.id, "position": position}).first()
    if row is None:
        raise NotFound("quiz.no_question", attempt_id=attempt_id, position=position)
    order = row.choice_order
    if row.chosen is not None:
        # A resent form (a reload of the answer's page, a retry on a weak signal), even after the
        # quiz ended: the first answer stands, and the worker sees its feedback again.
        shown = sorted({order[i] for i in chosen_display if 0 <= i < len(order)})
        return Outcome("already", row.correct, differs=sorted(row.chosen) != shown)
    deadline = row.deadline_at
    late = now > deadline + timedelta(seconds=GRACE_SECONDS)
    # Today's official quiz, left with no answer until its time ran out (rare: not the hot path):
    # the worker is back, so it opens again with a fresh clock and this answer counts.
    back = row.official and row.answered == 0 and row.local_date == today and (row.finished_at is not None or late)
    if not back and row.finished_at is not None:
        return Outcome("finished")
    if not back and late:
        close_if_expired(db.session.get_one(Attempt, attempt_id), now, today)
        return Outcome("late")
    if any(not 0 <= i < len(order) for i in chosen_display):  # a forged form: an option never shown
        raise Invalid("quiz.no_choice")
    chosen = sorted({order[i] for i in chosen_display})
    if not chosen:
        raise Invalid("quiz.no_choice")
    if len(chosen) > 1 and row.content.get("type") != QuestionType.MULTIPLE:
        raise Invalid("quiz.one_choice")
    correct = grading.is_correct(row.content["answer"], chosen)
    if back:
        reopened = _reopen(attempt_id, now, today)
        if reopened is None:  # another request reopened it, or answered, just now: read it again
            return record_answer(employee, attempt_id, position, chosen_display, now, today)
        deadline = reopened
    claimed = conn.execute(_CLAIM, {"slot_id": row.id, "slot_date": row.local_date, "chosen": chosen,
                                    "correct": correct, "now": now}).rowcount
    if not claimed:
        again = db.session.execute(select(Answer.correct, Answer.chosen).where(Answer.id == row.id)).one()
        return Outcome("already", again.correct, differs=sorted(again.chosen or []) != chosen)
    # A "did you do it" answer is counted apart; an alert's is never scored (docs/metrics.md).
    scored = correct and not row.behaviour and row.alert_id is None
    # The clock runs on, but each answer adds the time to read its feedback (rules/timing.py):
    # the deadline moves on by it.
    # Two tabs answering at once may each move it from the same start; the later write wins, so
    # the worker gets at most one allowance too few, never extra time.
    deadline = deadline + timedelta(seconds=timing.reading_seconds(row.content))
    answered = conn.execute(_COUNT, {"attempt_id": attempt_id, "right": int(scored),
                                     "common_right": int(scored and row.common),
                                     "deadline": deadline}).scalar_one()
    loaded = db.session.identity_map.get(identity_key(Attempt, attempt_id))
    if loaded is not None:  # an object the caller holds reads the count done() and reopen() go by
        set_committed_value(loaded, "answered", answered)
    if answered >= row.slots:
        _finish(attempt_id, now, expired=False, today=today)
    return Outcome("recorded", correct)


_CLOSE = (update(Attempt).where(Attempt.id == bindparam("attempt_id"), Attempt.finished_at.is_(None))
          .values(finished_at=bindparam("when"), expired=bindparam("expired"))
          .returning(Attempt.company_id, Attempt.local_date, Attempt.kind, Attempt.score, Attempt.total,
                     Attempt.common_correct, Attempt.answered))
# The knowledge index counts first tries at the common set only (docs/metrics.md): a common
# question the worker met before (as a review, or in an earlier common set) is left out.
_FIRST_COMMON = (Answer.common.is_(True), is_first_try())
_ANSWERED = select(
    func.count(Answer.id).filter(*_FIRST_COMMON),
    func.count(Answer.id).filter(*_FIRST_COMMON, Answer.correct.is_(True)),
    func.count(Answer.id).filter(Answer.behaviour.is_(True)),
    func.count(Answer.id).filter(Answer.behaviour.is_(True), Answer.correct.is_(True)),
).select_from(Answer).join(Attempt, Attempt.id == Answer.attempt_id).where(
    Answer.attempt_id == bindparam("attempt_id"), Answer.chosen.is_not(None))


def _finish(attempt_id: int, when: datetime, expired: bool, today: date) -> None:
    """Close the attempt once (a second close changes nothing) and, when it is done (an official
    quiz with an answer given: metrics.quiz_done), add it to its company's day (and, when that day
    is before `today`, to its town's TownDay row). One closed with no answer given is not done."""
    conn = db.session.connection()
    closed = conn.execute(_CLOSE, {"attempt_id": attempt_id, "when": when, "expired": expired}).first()
    loaded = db.session.identity_map.get(identity_key(Attempt, attempt_id))
    if loaded is not None:  # keep an object the caller holds in step, without another UPDATE
        set_committed_value(loaded, "finished_at", when)
        set_committed_value(loaded, "expired", expired)
    if closed is not None and closed.kind == AttemptKind.OFFICIAL and closed.answered > 0:
        common, common_right, behaviour, behaviour_yes = conn.execute(_ANSWERED, {"attempt_id": attempt_id}).one()
        # A quiz closed after its day was over (its time ran out and the worker came back, or
        # it was finished after midnight) changes a past day: its town's TownDay row follows.
        past = closed.local_date < today
        rollups.add_finished(conn, closed, common, common_right, behaviour, behaviour_yes, past)


@dataclass(frozen=True)
class Result:
    attempt: Attempt
    streak: int
    lesson_topic: Topic | None
    alert: Alert | None = None  # the 本周警情 alert the quiz carried: its lesson is shown too


STREAK_LOOKBACK_DAYS = 400


def streak_of(employee: Employee, today: date, now: datetime) -> int:
    """The worker's streak (metrics.streak: workdays in a row with an official quiz done, one whose
    time ran out before `now` with an answer given too, closed or not: rollups.figures.done), as
    the result screen and the staff's worker history both show it."""
    # Imported here: rollups.figures reads this module's GRACE_SECONDS.
    from quizapp.rollups.figures import done as counts_as_done

    done = db.session.scalars(select(Attempt.official_date).where(
        Attempt.employee_id == employee.id, Attempt.official_date.is_not(None), counts_as_done(now),
        Attempt.official_date > today - timedelta(days=STREAK_LOOKBACK_DAYS), Attempt.official_date <= today))
    return metrics.streak((day for day in done if day is not None), today, employee.company.workdays)


def result(attempt: Attempt, employee: Employee, today: date, now: datetime) -> Result:
    """The result screen: score, streak of workdays, and the lesson card for the weakest topic."""
    streak = streak_of(employee, today, now)
    topics = {question_id: topic for question_id, topic in db.session.execute(
        select(Question.id, Topic).join(Topic, Topic.id == Question.topic_id)
        .where(Question.id.in_([a.question_id for a in attempt.answers])))}
    bank_answers = [a for a in attempt.answers if not a.behaviour and a.alert_id is None]
    missed = [(topics[a.question_id].slug, bool(a.correct)) for a in bank_answers]
    weakest = grading.weakest_topic(missed) if any(not ok for _, ok in missed) else None
    by_slug = {t.slug: t for t in topics.values()}
    lesson = by_slug.get(weakest) if weakest else topics.get((bank_answers or attempt.answers)[0].question_id)
    return Result(attempt=attempt, streak=streak, lesson_topic=lesson, alert=alerts.alert_of(attempt))


def history(employee: Employee, limit: int = 60) -> list[Attempt]:
    """The worker's own past attempts, newest first."""
    return list(db.session.scalars(
        select(Attempt).where(Attempt.employee_id == employee.id)
        .order_by(Attempt.local_date.desc(), Attempt.id.desc()).limit(limit)))
