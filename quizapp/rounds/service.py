"""The live pre-shift round: a staff member runs the day's common questions on the company's
pre-shift screen for a shift or a team, and the screen shows how that team answered in their
normal quiz, question by question.

Used by the console's round pages (rounds.views). Owns which answers a round reads (today's
official quizzes of the shift's or team's active workers, on the day's common questions: the
normal record, never a second one), one open round per company, day, shift and team, and that a
step is taken once (two taps, or two screens, move it once). The company is always the staff
member's own (scope.own_company): another company's round is NotFound. No worker is ever named:
the screen gets counts per option, and shares only from rules.MIN_ANSWERS answers.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from quizapp import scope
from quizapp.board import service as board
from quizapp.extensions import db
from quizapp.models import Answer, Attempt, Employee, PreshiftRound, Question, QuestionVersion, StaffUser
from quizapp.quiz import service as quiz
from quizapp.quiz.rules import selection
from quizapp.rounds import rules
from quizapp.rules.errors import Conflict, Invalid, NotFound
from quizapp.rules.metrics import percent_number
from quizapp.rules.vocab import QuestionType, parse


def _open_round(company_id: int, today: date, shift: str, team: str) -> PreshiftRound | None:
    return db.session.scalar(select(PreshiftRound).where(
        PreshiftRound.company_id == company_id, PreshiftRound.local_date == today, PreshiftRound.shift == shift,
        PreshiftRound.team == team, PreshiftRound.ended_at.is_(None)))


def start_round(actor: StaffUser, today: date, now: datetime, shift: str | None, team: str | None,
                town_seed: str) -> PreshiftRound:
    """Start a round of today's common questions (the town's common set, quiz.rules.selection) for
    one shift and/or one team of the staff member's company (None: all), or return the round
    already open for them (a second tap, or a second screen, joins it). A shift or team the company
    does not have is Invalid ("rounds.unknown_shift", "rounds.unknown_team"); no common question
    (the bank is not loaded) is a Conflict ("rounds.no_questions")."""
    company = scope.own_company(actor)
    if shift and shift not in board.shifts(actor, today):
        raise Invalid("rounds.unknown_shift", field="shift")
    if team and team not in board.teams(actor, today):
        raise Invalid("rounds.unknown_team", field="team")
    shift, team = shift or "", team or ""
    existing = _open_round(company.id, today, shift, team)
    if existing is not None:
        return existing
    ids = selection.common_set(quiz.load_pool(), today, town_seed)
    if not ids:
        raise Conflict("rounds.no_questions")
    started = PreshiftRound(company_id=company.id, local_date=today, shift=shift, team=team, question_ids=ids,
                            position=1, revealed=False, started_by=actor.id, started_at=now)
    try:
        with db.session.begin_nested():  # a lost race must not spoil the session
            db.session.add(started)
            db.session.flush()
    except IntegrityError:
        existing = _open_round(company.id, today, shift, team)
        if existing is None:
            raise
        return existing
    return started


def round_of(actor: StaffUser, round_id: int) -> PreshiftRound:
    """One of the staff member's company's rounds; another company's is NotFound."""
    found = db.session.get(PreshiftRound, round_id)
    if found is None or found.company_id != scope.own_company_id(actor):
        raise NotFound("rounds.no_round", round_id=round_id)
    return found


def is_over(found: PreshiftRound, today: date) -> bool:
    """Ended by a staff member, or left open on an earlier day (a round is one meeting)."""
    return found.ended_at is not None or found.local_date != today


def take_step(actor: StaffUser, round_id: int, asked: str | None, at: int | None, today: date,
              now: datetime) -> PreshiftRound:
    """Move the screen (rules.move) or end the round, once: the step applies only while the round
    is still at `at`, the question the staff member saw (a double tap, or a second screen that had
    not refreshed yet, changes nothing). An unknown step is Invalid ("rounds.unknown_step"); a
    round that is over is a Conflict ("rounds.over")."""
    found = round_of(actor, round_id)
    step = parse(rules.Step, asked)
    if step is None:
        raise Invalid("rounds.unknown_step")
    if is_over(found, today):
        raise Conflict("rounds.over")
    if at != found.position:
        return found
    guard = (PreshiftRound.id == found.id, PreshiftRound.position == found.position,
             PreshiftRound.ended_at.is_(None))
    if step == rules.Step.END:
        values: dict[str, object] = {"ended_at": now}
    else:
        place = rules.move(rules.Place(found.position, found.revealed), step, len(found.question_ids))
        values = {"position": place.position, "revealed": place.revealed}
    db.session.execute(update(PreshiftRound).where(*guard).values(**values).execution_options(
        synchronize_session=False))
    db.session.flush()
    db.session.refresh(found)
    return found


@dataclass(frozen=True)
class Item:
    """One question of the round as the screen shows it: the current version's content (stem,
    scene, options in their own order, answer, explanation, rule) and how the team answered."""

    position: int
    question_id: int
    content: dict
    shares: rules.Shares

    @property
    def multiple(self) -> bool:
        return self.content.get("type") == QuestionType.MULTIPLE

    @property
    def percents(self) -> list[str]:
        return self.shares.percents()

    @property
    def widths(self) -> list[int]:
        """Each option's share in whole percent for its bar (0 while the shares are hidden)."""
        return [0 if s is None else int(percent_number(s, 0)) for s in self.shares.shares()]


@dataclass(frozen=True)
class Screen:
    round: PreshiftRound
    items: list[Item]
    over: bool

    @property
    def current(self) -> Item:
        return self.items[self.round.position - 1]


def _team(found: PreshiftRound) -> tuple:
    """The workers the round is for: the company's active workers of its shift and team that day."""
    return (Employee.company_id == found.company_id, *scope.active_on(found.local_date),
            *([Employee.shift == found.shift] if found.shift else []),
            *([Employee.team == found.team] if found.team else []))


def screen(actor: StaffUser, round_id: int, today: date) -> Screen:
    """The round's questions with the team's answers so far: from the normal quiz, the official
    attempts of the round's day, the answers in time to each common question in the version now
    current (the one the screen shows; an answer to an older version, from before a bank reload
    that day, is left out, since its options may differ). Two queries and one count."""
    found = round_of(actor, round_id)
    ids = [int(i) for i in found.question_ids]
    versions = {question_id: content for question_id, content in db.session.execute(
        select(Question.id, QuestionVersion.content)
        .join(QuestionVersion, QuestionVersion.id == Question.current_version_id)
        .where(Question.id.in_(ids)))}
    chosen: dict[int, list[list[int]]] = {i: [] for i in ids}
    for question_id, picked in db.session.execute(
            select(Answer.question_id, Answer.chosen)
            .join(Attempt, Attempt.id == Answer.attempt_id)
            .join(Employee, Employee.id == Attempt.employee_id)
            .join(Question, Question.id == Answer.question_id)
            # local_date too: the company-and-day index (ix_attempt_company_day) finds the attempts.
            .where(Attempt.company_id == found.company_id, Attempt.local_date == found.local_date,
                   Attempt.official_date == found.local_date,
                   Answer.question_id.in_(ids), Answer.common.is_(True), Answer.chosen.is_not(None),
                   Answer.question_version_id == Question.current_version_id, *_team(found))):
        chosen[question_id].append(picked or [])
    expected = db.session.scalar(select(func.count(Employee.id)).where(*_team(found))) or 0
    items = [Item(position, qid, versions[qid], rules.tally(len(versions[qid]["options"]), chosen[qid], expected))
             for position, qid in enumerate(ids, start=1) if qid in versions]
    if len(items) != len(ids):  # a question deleted from the bank since: nothing to show for it
        raise NotFound("rounds.no_round", round_id=round_id)
    return Screen(found, items, is_over(found, today))


def poll(actor: StaffUser, round_id: int, today: date) -> dict:
    """What the round's screen polls: where the round is and the current question's figures, so
    the page redraws the bars, and reloads when another screen moved or ended the round."""
    shown = screen(actor, round_id, today)
    item = shown.current
    return {"position": shown.round.position, "revealed": shown.round.revealed, "over": shown.over,
            "answered": item.shares.answered, "expected": item.shares.expected, "shown": item.shares.shown,
            "shares": item.percents, "widths": item.widths}
