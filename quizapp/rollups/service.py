"""The CompanyDay rollup: kept up to date incrementally, and rebuildable from the raw record.

Used by quiz.service (a done official attempt adds itself when it is closed, in the same
transaction; one closed with no answer given is not done and adds nothing) and by
`quizapp rollup` and the demo seeder (rebuild a day: after a late answer or a roster change).
Both keep the town's TownDay row of a past day in step (rollups.towns).
"""

from __future__ import annotations

from datetime import date
from functools import cache

from sqlalchemy import ColumnElement, Select, bindparam, delete, func, select, update

from quizapp import scope
from quizapp.bank.items import is_first_try
from quizapp.database import upsert
from quizapp.extensions import db
from quizapp.models import Answer, Attempt, Company, CompanyDay, CompanyTopicDay, Employee, Question
from quizapp.rollups import towns
from quizapp.rules.errors import Conflict
from quizapp.rules.metrics import is_workday
from quizapp.rules.vocab import AttemptKind
from quizapp.town import settings as town_settings

# Written by retention.service: the first local date whose raw record is still complete.
KEPT_FROM_KEY = "retention_cutoff"


def active_headcount_query(company_id, day):
    """How many of a company's workers are active on `day` (values or bind parameters)."""
    return select(func.count(Employee.id)).where(
        Employee.company_id == company_id, *scope.active_on(day)).scalar_subquery()


_COUNTS = ("completed", "score_sum", "question_sum", "common_correct", "common_answered", "behaviour_answered",
           "behaviour_yes")


@cache
def _add_statement(dialect: str):
    """The upsert that adds one finished attempt to its day, built once per database dialect.

    The first finisher of a day inserts the row and fixes the day's headcount; later ones add.
    Every finisher marks the day's per-topic rows as not built: the next rebuild writes them.
    """
    stmt = upsert(CompanyDay, dialect).values(
        company_id=bindparam("company_id"), day=bindparam("day"), workday=bindparam("workday"),
        headcount=active_headcount_query(bindparam("company_id"), bindparam("day")),
        topics_built=False, **{name: bindparam(name) for name in _COUNTS})
    return stmt.on_conflict_do_update(
        index_elements=["company_id", "day"],
        set_={"topics_built": False,
              **{name: getattr(CompanyDay, name) + getattr(stmt.excluded, name) for name in _COUNTS}})


# What every finisher after the day's first does: add to the row. The upsert above would count the
# company's roster for the headcount on every call (its VALUES are computed before the conflict is
# found): a millisecond or more per finished quiz in a company of thousands.
# (An UPDATE's bind parameters may not be named after its columns: "row_" and "add_" here.)
_ADD = (update(CompanyDay)
        .where(CompanyDay.company_id == bindparam("row_company_id"), CompanyDay.day == bindparam("row_day"))
        .values(topics_built=False, **{name: getattr(CompanyDay, name) + bindparam(f"add_{name}") for name in _COUNTS}))
_WORKDAYS = select(Company.workdays).where(Company.id == bindparam("company_id"))


def add_finished(conn, attempt, common_answered: int, common_correct: int, behaviour_answered: int,
                 behaviour_yes: int, past: bool = False) -> None:
    """Add one finished official attempt (a row with company_id, local_date, score, total) to its
    company's day, safely under concurrency; `common_*` count its first tries at the common set.
    `past`: the attempt's day is over (a late finisher): its town's TownDay row is summed anew.

    One UPDATE when the day's row exists; the day's first finisher (or two at once) inserts it with
    the upsert, which adds instead when another finisher inserted it meanwhile."""
    counts = dict(company_id=attempt.company_id, day=attempt.local_date, completed=1, score_sum=attempt.score,
                  question_sum=attempt.total, common_correct=common_correct, common_answered=common_answered,
                  behaviour_answered=behaviour_answered, behaviour_yes=behaviour_yes)
    added = {"row_company_id": attempt.company_id, "row_day": attempt.local_date,
             **{f"add_{name}": counts[name] for name in _COUNTS}}
    if not conn.execute(_ADD, added).rowcount:
        workdays = conn.execute(_WORKDAYS, {"company_id": attempt.company_id}).scalar_one()
        conn.execute(_add_statement(conn.dialect.name),
                     dict(counts, workday=is_workday(attempt.local_date, workdays)))
    if past:
        towns.recount(conn, attempt.company_id, attempt.local_date)


def _official_finished(company_id: int, day: date) -> tuple:
    """A company's done official attempts of one day, closed (metrics.quiz_done: finished, or
    closed when its time ran out, with at least one answer given; one closed with none is not
    done), found through the (company, local date) index: filtering on official_date alone leaves
    PostgreSQL scanning every answer."""
    return (Attempt.company_id == company_id, Attempt.local_date == day, Attempt.kind == AttemptKind.OFFICIAL,
            Attempt.finished_at.is_not(None), Attempt.answered > 0)


def kept_from(town_id: int) -> date | None:
    """The first local date whose raw record is still complete in the town (None: nothing was ever
    deleted there; retention runs per town)."""
    value = town_settings.read(town_id, KEPT_FROM_KEY)
    return date.fromisoformat(value["from"]) if value else None


class RecordGone(Conflict):
    """The day's raw record was deleted by `quizapp retention`: its rollup is final (the code
    "rollups.record_gone"; `day` and `kept_from` are in the data, and attributes)."""

    def __init__(self, day: date, kept_from: date):
        super().__init__("rollups.record_gone", day=day, kept_from=kept_from)
        self.day, self.kept_from = day, kept_from


def rebuild_company_day(company: Company, day: date, today: date) -> CompanyDay | None:
    """Recompute one company's day from the roster and the done official attempts. The town's
    TownDay row of that day, if it exists, moves by the difference (never today's: `today` given
    and the day not before it). A day the company is known not to count (deactivated on or before
    it, or away) gets no row, and loses one it had: None. A company deactivated before migration
    0036 (inactive, `active_until` NULL: the day it left unknown) counts on no day, but is known not
    to count on none either: its row of the day is left as it is, neither written nor deleted
    (None), as docs/deploy.md promises (the only record of its quizzes once retention purged the
    answers; `quizapp rollup --date D` rebuilds every company's D)."""
    if (first_kept := kept_from(company.grid.town_id)) is not None and day < first_kept:
        raise RecordGone(day, first_kept)
    if not counts_on(company.id, day):
        if not company.active and company.active_until is None:
            # Deactivated before 0036: which days it counted is unknown, so none is dropped. (Every
            # deactivation since records its day, and reactivating such a company records no days
            # away, so no absence of its can cover the day.)
            return None
        # A day the company does not count (deactivated, or away: scope.company_counted_on) has no
        # row, so no period's figure reads it, whoever reads the company's rows.
        drop_days(company.id, day, day, today)
        return None
    # Done counts the workers the headcount counts (scope.active_on): a worker deactivated later on
    # the day of their quiz is in neither, as on the board that day and in the team figures.
    totals = db.session.execute(
        select(func.count(Attempt.id), func.coalesce(func.sum(Attempt.score), 0),
               func.coalesce(func.sum(Attempt.total), 0))
        .join(Employee, Employee.id == Attempt.employee_id)
        .where(*_official_finished(company.id, day), *scope.active_on(day))
    ).one()
    first_common = (Answer.common.is_(True), is_first_try())  # the knowledge index's answers
    answered = db.session.execute(
        select(func.count(Answer.id).filter(*first_common),
               func.count(Answer.id).filter(*first_common, Answer.correct.is_(True)),
               func.count(Answer.id).filter(Answer.behaviour.is_(True)),
               func.count(Answer.id).filter(Answer.behaviour.is_(True), Answer.correct.is_(True)))
        .join(Attempt, Attempt.id == Answer.attempt_id).where(
            *_official_finished(company.id, day),
            Answer.chosen.is_not(None))).one()
    found = db.session.get(CompanyDay, (company.id, day))
    before = towns.contribution(found)
    row = found or CompanyDay(company_id=company.id, day=day)
    row.workday = is_workday(day, company.workdays)
    row.headcount = db.session.scalar(select(active_headcount_query(company.id, day))) or 0
    row.completed, row.score_sum, row.question_sum = (int(v) for v in totals)
    row.common_answered, row.common_correct, row.behaviour_answered, row.behaviour_yes = (
        int(v or 0) for v in answered)
    _rebuild_topics(company.id, day)
    row.topics_built = True
    db.session.add(row)
    db.session.flush()
    if day < today:
        towns.move(company.id, day, before, towns.contribution(row))
    return row


def counts_on(company_id: int, day: date) -> bool:
    """Whether the company counts on `day` (scope.company_counted_on)."""
    return db.session.scalar(select(Company.id).where(Company.id == company_id,
                                                      *scope.company_counted_on(day))) is not None


def drop_days(company_id: int, first: date, last: date, today: date) -> int:
    """Delete the company's rollup rows (and per-topic rows) from `first` through `last`, days it does not count:
    deactivated today (today's row, which the night's rebuild would leave out anyway), or away
    (a row a quiz finished after the deactivation wrote). The town's TownDay
    rows of past days move by what they held. Returns how many rows went."""
    rows = list(db.session.scalars(select(CompanyDay).where(CompanyDay.company_id == company_id,
                                                            CompanyDay.day >= first, CompanyDay.day <= last)))
    for row in rows:
        if row.day < today:
            towns.move(company_id, row.day, towns.contribution(row), towns.contribution(None))
        db.session.delete(row)
    db.session.execute(delete(CompanyTopicDay).where(CompanyTopicDay.company_id == company_id,
                                                     CompanyTopicDay.day >= first, CompanyTopicDay.day <= last))
    db.session.flush()
    return len(rows)


def topic_answers(*where: ColumnElement[bool]) -> Select[int, int, int]:
    """Knowledge answers to the bank's questions given (not "did you do it", not a 本周警情 alert's,
    not left blank) per topic: topic id, answers, right answers. Both the rebuild and the live query
    of undone days count this way."""
    return (select(Question.topic_id, func.count(Answer.id), func.count(Answer.id).filter(Answer.correct.is_(True)))
            .join(Attempt, Attempt.id == Answer.attempt_id).join(Question, Question.id == Answer.question_id)
            .where(*where, Answer.behaviour.is_(False), Answer.alert_id.is_(None), Answer.chosen.is_not(None))
            .group_by(Question.topic_id))


def _rebuild_topics(company_id: int, day: date) -> None:
    db.session.execute(delete(CompanyTopicDay).where(CompanyTopicDay.company_id == company_id,
                                                     CompanyTopicDay.day == day))
    rows = db.session.execute(topic_answers(*_official_finished(company_id, day))).all()
    db.session.add_all(CompanyTopicDay(company_id=company_id, day=day, topic_id=topic_id, answered=answered,
                                       correct=correct) for topic_id, answered, correct in rows)


def day_figures(company_id: int, days: list[date]) -> list[CompanyDay]:
    return list(db.session.scalars(select(CompanyDay).where(
        CompanyDay.company_id == company_id, CompanyDay.day.in_(days))))

