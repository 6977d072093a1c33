"""本周警情 use cases: drafting and editing an alert (an officer for their grids, or the town admin),
publishing it (the town admin only, never the drafter alone), withdrawing it, the alert a worker's
next quiz carries and the lesson on their result page, the live alerts on a company's pre-shift
screen, and the alert's reach (aggregates only, small companies folded into their grid).

Used by alerts.views, quiz.service (the alert slot), board.views (the pre-shift screen) and the
API. Takes the actor and the town's date as arguments, flushes, never commits; refuses with
ServiceErrors whose codes alerts.wording puts into words. Every change is in the audit log
(alert.draft, alert.edit, alert.publish, alert.withdraw).

The seam for workers' reports (quizapp/leads): a lead becomes a draft alert through the drafting
form, opened prefilled: `url_for("reports.alert_new", title=…, topic=<topic slug>, scene=<sms|wechat|
call|payment>, scene_zh=<the lines, "them: …" one per line>, grid=<grid id, repeatable>, lead=<id>)`.
Every parameter is optional; the draft is saved only once it passes the checks (alerts.rules.check),
and `lead` is written to the audit row of the draft saved from it.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import Integer, func, select
from sqlalchemy.orm import selectinload

from quizapp import scope
from quizapp.alerts import rules
from quizapp.audit import service as audit
from quizapp.extensions import db
from quizapp.leads import service as leads
from quizapp.models import (
    Alert,
    Answer,
    Attempt,
    Company,
    Employee,
    Grid,
    Question,
    QuestionVersion,
    StaffUser,
    Topic,
    alert_grids,
)
from quizapp.rules.errors import Conflict, Forbidden, Invalid, NotFound, ServiceError, refuse
from quizapp.rules.vocab import AlertStatus, AttemptKind, QuestionKind


@dataclass(frozen=True)
class Target:
    """What a draft is about and for: its fraud type, grids and last day in the quiz."""

    topic_id: int | None
    grid_ids: Sequence[int]
    expires_on: date | None


def topics() -> list[Topic]:
    """The bank's topics an alert can be filed under (its fraud type)."""
    return list(db.session.scalars(select(Topic).order_by(Topic.slug)))


def grids_for(actor: StaffUser) -> list[Grid]:
    """The grids the actor may target: an officer's own, every grid for the town admin."""
    return list(db.session.scalars(scope.visible_grids(actor)))


def _grid_ids(actor: StaffUser):
    return scope.visible_grids(actor, include_inactive=True).with_only_columns(Grid.id).order_by(None)


def _is_admin(actor: StaffUser) -> bool:
    """The town admin: the one who publishes, and who sees and may change every alert."""
    return scope.sees_whole_town(actor)


def _may_change(actor: StaffUser, alert: Alert) -> bool:
    """The town admin, or an officer when every grid the alert targets is theirs."""
    if _is_admin(actor):
        return True
    own = set(db.session.scalars(_grid_ids(actor)))
    return bool(alert.grids) and {g.id for g in alert.grids} <= own


def visible_alerts(actor: StaffUser):
    """A select() of the alerts the actor may read: all of their town's for the town admin (another
    town's do not exist for them); for an officer, those targeting one of their grids and the
    drafts they wrote."""
    query = select(Alert).options(selectinload(Alert.grids), selectinload(Alert.topic))
    if _is_admin(actor):
        return query.where(Alert.town_id == scope.own_town_id(actor))
    own = select(alert_grids.c.alert_id).where(alert_grids.c.grid_id.in_(_grid_ids(actor)))
    return query.where((Alert.id.in_(own)) | (Alert.created_by == actor.id))


def alert_for(actor: StaffUser, alert_id: int) -> Alert:
    alert = db.session.scalar(visible_alerts(actor).where(Alert.id == alert_id))
    if alert is None:
        raise NotFound("alerts.not_found", alert_id=alert_id)
    return alert


@dataclass(frozen=True)
class AlertLists:
    live: list[Alert]
    drafts: list[Alert]
    history: list[Alert]  # expired and withdrawn, newest first


def list_alerts(actor: StaffUser, today: date) -> AlertLists:
    alerts = list(db.session.scalars(visible_alerts(actor).order_by(Alert.id.desc())))
    live: list[Alert] = []
    drafts: list[Alert] = []
    history: list[Alert] = []
    for alert in alerts:
        now = state(alert, today)
        (live if now == rules.LIVE else drafts if now == rules.DRAFTED else history).append(alert)
    return AlertLists(live, drafts, history)


def reach_totals(actor, alerts: Sequence[Alert], today: date) -> dict[int, rules.ReachRow]:
    """Each published alert's reach in all, as the reader may see it (the list's columns)."""
    return {alert.id: reach(actor, alert, today)[2] for alert in alerts if alert.published_on is not None}


def state(alert: Alert, today: date) -> str:
    return rules.state(alert.status, alert.published_on, alert.expires_on, today)


def draft_of(alert: Alert) -> rules.Draft:
    scene = alert.scene
    return rules.Draft(title=alert.title, chinese_only=alert.chinese_only, scene_kind=scene["kind"],
                       scene_title=scene["title"], scene_lines=scene["lines"],
                       lesson={"zh": alert.lesson_zh, "en": alert.lesson_en},
                       questions=[rules.DraftQuestion.from_dict(q) for q in alert.questions])


def _problems(draft: rules.Draft) -> list[ServiceError]:
    return [Invalid(p.code, field=p.field, **p.data) for p in rules.check(draft)]


def _check(actor: StaffUser, draft: rules.Draft, target: Target, today: date) -> list[Grid]:
    """Every problem with the draft and its target at once (Invalid at each field)."""
    problems = _problems(draft)
    if target.topic_id not in {t.id for t in topics()}:
        problems.append(Invalid("alerts.missing", field="topic"))
    allowed = {g.id: g for g in grids_for(actor)}
    if not target.grid_ids:
        problems.append(Invalid("alerts.grid_needed", field="grids"))
    elif any(gid not in allowed for gid in target.grid_ids):
        problems.append(Invalid("alerts.not_your_grid", field="grids"))
    expiry = rules.expiry_problem(target.expires_on, today)
    if expiry:
        problems.append(Invalid(expiry, field="expires_on", days=rules.MAX_DAYS))
    refuse(problems)
    return [allowed[gid] for gid in target.grid_ids]


def _fill(alert: Alert, draft: rules.Draft, target: Target, grids: list[Grid]) -> None:
    alert.title = draft.title.strip()
    alert.chinese_only = draft.chinese_only
    alert.lesson_zh = rules.one_line(draft.lesson["zh"], "zh")
    alert.lesson_en = "" if draft.chinese_only else rules.one_line(draft.lesson.get("en", ""), "en")
    alert.scene = draft.scene()
    alert.questions = [q.as_dict() for q in draft.questions]
    alert.topic_id = target.topic_id or 0
    alert.expires_on = target.expires_on or date.min
    alert.grids = grids


def _detail(alert: Alert, **more: object) -> dict:
    return {"alert": alert.id, "title": alert.title, "grids": [g.code for g in alert.grids], **more}


def save_draft(actor: StaffUser, draft: rules.Draft, target: Target, today: date, now: datetime,
               lead: int | None = None) -> Alert:
    """A new draft alert, once it passes the bank's rules and targets grids of the actor's."""
    grids = _check(actor, draft, target, today)
    alert = Alert(status=AlertStatus.DRAFT, created_by=actor.id, created_at=now, town_id=scope.own_town_id(actor))
    _fill(alert, draft, target, grids)
    db.session.add(alert)
    db.session.flush()
    audit.record(actor, "alert.draft", _detail(alert, **({"lead": lead} if lead else {})))
    leads.draft_saved(actor, lead, alert.id, today)  # the worker's report it was made from, if any
    return alert


def edit_draft(actor: StaffUser, alert: Alert, draft: rules.Draft, target: Target, today: date,
               now: datetime) -> Alert:
    """A draft changed by the town admin or an officer whose grids it targets; a published or
    withdrawn alert is never edited (withdraw it and draft a new one)."""
    if alert.status != AlertStatus.DRAFT:
        raise Conflict("alerts.not_a_draft")
    if not _may_change(actor, alert):
        raise Forbidden("alerts.not_your_alert")
    grids = _check(actor, draft, target, today)
    _fill(alert, draft, target, grids)
    alert.updated_by, alert.updated_at = actor.id, now
    db.session.flush()
    audit.record(actor, "alert.edit", _detail(alert))
    return alert


def publish(actor: StaffUser, alert: Alert, today: date) -> Alert:
    """The town admin publishes a draft: its questions become question versions (never in the
    bank's rotation) and every worker of its grids meets it from their next quiz until it expires.
    An officer never publishes, not even their own draft; an alert whose expiry date has passed is
    refused (edit the date first)."""
    if not _is_admin(actor):
        raise Forbidden("alerts.admin_only")
    if alert.status != AlertStatus.DRAFT:
        raise Conflict("alerts.not_a_draft")
    if alert.expires_on < today:
        raise Invalid("alerts.expiry_past", field="expires_on")
    draft = draft_of(alert)
    refuse(_problems(draft))
    for number, content in enumerate(rules.contents(draft), start=1):
        question = Question(slug=f"alert-{alert.id}-{number}", topic_id=alert.topic_id, difficulty=2, common=False,
                            kind=QuestionKind.KNOWLEDGE, family=f"alert-{alert.id}", active=False, alert_id=alert.id)
        db.session.add(question)
        db.session.flush()
        version = QuestionVersion(question_id=question.id, number=1, content=content,
                                  content_hash=_content_hash(content))
        db.session.add(version)
        db.session.flush()
        question.current_version_id = version.id
    alert.status, alert.published_by, alert.published_on = AlertStatus.PUBLISHED, actor.id, today
    db.session.flush()
    audit.record(actor, "alert.publish", _detail(alert, expires_on=alert.expires_on.isoformat()))
    return alert


def _content_hash(content: dict) -> str:
    return hashlib.sha256(json.dumps(content, sort_keys=True, ensure_ascii=False).encode("utf-8")).hexdigest()


def check_withdraw(actor: StaffUser, alert: Alert, today: date) -> None:
    """Refuses unless the alert is in the quiz today (Conflict) and the actor may withdraw it: the
    town admin, or an officer whose grids it targets (Forbidden). The check `withdraw` makes, asked
    first by the confirmation page and the alert page's button."""
    if alert.status != AlertStatus.PUBLISHED or state(alert, today) != rules.LIVE:
        raise Conflict("alerts.not_live")
    if not _may_change(actor, alert):
        raise Forbidden("alerts.not_your_alert")


def may_withdraw(actor: StaffUser, alert: Alert, today: date) -> bool:
    try:
        check_withdraw(actor, alert, today)
    except ServiceError:
        return False
    return True


def withdraw(actor: StaffUser, alert: Alert, today: date) -> Alert:
    """A published alert leaves the quiz at once (the answers given stay, and it stays readable in
    the history); it is never published again (a withdrawn alert is no draft). The town admin, or an
    officer whose grids it targets, may withdraw it."""
    check_withdraw(actor, alert, today)
    alert.status, alert.withdrawn_by, alert.withdrawn_on = AlertStatus.WITHDRAWN, actor.id, today
    db.session.flush()
    audit.record(actor, "alert.withdraw", _detail(alert))
    return alert


def people(alert: Alert) -> dict[str, str]:
    """Who drafted, last edited, published and withdrew the alert (display names)."""
    ids = {"created_by": alert.created_by, "updated_by": alert.updated_by, "published_by": alert.published_by,
           "withdrawn_by": alert.withdrawn_by}
    names = dict((k, v) for k, v in db.session.execute(select(StaffUser.id, StaffUser.display_name).where(
        StaffUser.id.in_([i for i in ids.values() if i is not None]))).all())
    return {key: names[value] for key, value in ids.items() if value is not None and value in names}


# --- the worker's quiz, result page and the pre-shift screen ----------------------------------------

def _live(today: date):
    return (Alert.status == AlertStatus.PUBLISHED, Alert.published_on <= today, Alert.expires_on >= today)


def live_for_grid(grid_id: int, today: date) -> list[Alert]:
    """The alerts in the quiz today for the workers of a grid, the earliest published first."""
    return list(db.session.scalars(
        select(Alert).join(alert_grids, alert_grids.c.alert_id == Alert.id)
        .where(alert_grids.c.grid_id == grid_id, *_live(today)).order_by(Alert.published_on, Alert.id)))


@dataclass(frozen=True)
class ReadOut:
    """A live alert as the staff read it out at the pre-shift meeting: its lesson and the rule of
    its first question, in the reader's language (a Chinese-only alert in Chinese)."""

    alert: Alert
    lesson: str
    rule: str


def read_outs(company: Company, today: date, lang: str) -> list[ReadOut]:
    """The alerts in the quiz today for a company's workers (its grid's), for its pre-shift screen
    and the WeChat text the staff paste into the teams' groups."""
    found = []
    for alert in live_for_grid(company.grid_id, today):
        rule = (first_question(alert) or {}).get("rule", {})
        english = lang == "en" and not alert.chinese_only
        found.append(ReadOut(alert, alert.lesson_en if english and alert.lesson_en else alert.lesson_zh,
                             rule.get("en" if english else "zh", "")))
    return found


def alert_slot(employee: Employee, today: date) -> tuple[int, int] | None:
    """(alert id, question id) for the worker's next official quiz: the earliest published live
    alert of their grid they have not answered yet (rules.next_alert), and of its questions the one
    for this worker (rules.variant_for). An alert's question left unanswered (time ran out) comes
    back in the next quiz; once answered it never does."""
    live = live_for_grid(employee.company.grid_id, today)
    if not live:
        return None
    answered: set[int] = set(db.session.scalars(
        select(Answer.alert_id.cast(Integer)).join(Attempt, Attempt.id == Answer.attempt_id)
        .where(Attempt.employee_id == employee.id, Answer.alert_id.in_([a.id for a in live]),
               Answer.chosen.is_not(None))))
    chosen = rules.next_alert(((a.id, a.published_on or today) for a in live), answered)
    if chosen is None:
        return None
    questions = list(db.session.scalars(select(Question.id).where(Question.alert_id == chosen).order_by(Question.id)))
    if not questions:
        return None
    return chosen, questions[rules.variant_for(employee.id, chosen, len(questions))]


def alert_of(attempt: Attempt) -> Alert | None:
    """The alert an attempt carried, for its lesson on the result page."""
    ids = [a.alert_id for a in attempt.answers if a.alert_id is not None]
    return db.session.get(Alert, ids[0]) if ids else None


def first_question(alert: Alert) -> dict | None:
    """The content of the alert's first question (its rule is read out with the lesson)."""
    return db.session.scalar(
        select(QuestionVersion.content).join(Question, Question.current_version_id == QuestionVersion.id)
        .where(Question.alert_id == alert.id).order_by(Question.id).limit(1))


def published(reader, grid_id: int | None = None) -> list[Alert]:
    """Every alert of the reader's town ever published (in the quiz, expired or withdrawn), newest
    first, optionally only those targeting one grid: the API's list."""
    query = visible_alerts(reader).where(Alert.published_on.is_not(None)).order_by(Alert.id.desc())
    if grid_id is not None:
        query = query.where(Alert.id.in_(select(alert_grids.c.alert_id).where(alert_grids.c.grid_id == grid_id)))
    return list(db.session.scalars(query))


# --- reach -------------------------------------------------------------------------------------

def reach(actor, alert: Alert, today: date) -> tuple[list[rules.ReachRow], list[rules.ReachRow], rules.ReachRow]:
    """Workers who answered the alert's question in an official quiz and how many got it right (an
    alert's question is asked once, so that answer is the first try), by company (small ones added
    up per grid: rules.fold_small) and by grid, within the companies the reader may see. No worker
    is ever named."""
    companies = list(db.session.scalars(
        scope.visible_companies(actor).where(Company.grid_id.in_([g.id for g in alert.grids]))
        .options(selectinload(Company.grid))))
    if not companies:
        return rules.fold_small([])
    ids = [c.id for c in companies]
    answers = dict((cid, (int(w), int(r))) for cid, w, r in db.session.execute(
        select(Attempt.company_id, func.count(func.distinct(Attempt.employee_id)),
               func.count(func.distinct(Attempt.employee_id)).filter(Answer.correct.is_(True)))
        .join(Answer, Answer.attempt_id == Attempt.id)
        .where(Answer.alert_id == alert.id, Answer.chosen.is_not(None), Attempt.kind == AttemptKind.OFFICIAL,
               Attempt.company_id.in_(ids))
        .group_by(Attempt.company_id)))
    headcount = dict((k, v) for k, v in db.session.execute(
        select(Employee.company_id, func.count(Employee.id))
        .where(Employee.company_id.in_(ids), *scope.active_on(today)).group_by(Employee.company_id)).all())
    return rules.fold_small(rules.CompanyReach(c.grid.name, c.name, int(headcount.get(c.id, 0)),
                                               *answers.get(c.id, (0, 0))) for c in companies)
