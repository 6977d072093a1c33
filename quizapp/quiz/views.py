"""The worker's pages: today's quiz, one question per screen with feedback, the result, history.

Workers only (guard below). Every attempt is looked up through the signed-in worker, so another
worker's attempt id is a 404. Pages are plain HTML forms: they work with JavaScript off.

Round trips cost seconds on a weak signal, so a quiz takes as few as it can: the answer's POST
answers with its feedback (no redirect to a GET); sent by quiz.js (Accept: application/json), it
answers with the feedback and the next question as HTML fragments, so each question is one request.
"""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.exc import IntegrityError

from quizapp.access import guard_worker
from quizapp.clock import local_today, utcnow
from quizapp.database import commit_keeping_loaded
from quizapp.extensions import db, limiter
from quizapp.quiz import service as quiz
from quizapp.quiz.forms import StartForm
from quizapp.quiz.wording import MESSAGES
from quizapp.rules import inputs
from quizapp.rules.errors import Conflict, Forbidden, Invalid
from quizapp.signin.forms import LogoutForm
from quizapp.validators import filled
from quizapp.web import same_site_form
from quizapp.wording import say

# More choices than any question has options is a forged form: the rest are not read.
MAX_CHOICES = 10

_workers_only = guard_worker()


def _from_script() -> bool:
    """The request comes from quiz.js, which wants JSON (as the error pages read it too)."""
    return request.accept_mimetypes.best == "application/json"


def _signed_in_worker():
    """guard_worker(), saying what happened to a worker whose sign-in ended mid-quiz (signed out
    on another phone, or the phone lost its cookies): the answer was not saved, the quiz is kept."""
    refused = _workers_only()
    if refused is None or current_user.is_authenticated:
        return refused
    message = _("You were signed out, so your last answer was not saved. Sign in again: your quiz is kept, "
                "and you carry on where you left off.")
    if _from_script():
        return jsonify(error="signed_out", message=message, sign_in=url_for("auth.worker_start")), 401
    if request.method == "POST":
        flash(message, "warning")
    return refused


bp = Blueprint("quiz", __name__)
bp.before_request(_signed_in_worker)
# Signed-in workers only, one record per slot: nothing here to rate-limit, and the answer request is
# the shift-start hot path.
limiter.exempt(bp)


def _attempt_or_404(attempt_id: int, all_versions: bool = False):
    attempt = quiz.attempt_for(current_user, attempt_id, all_versions)
    if attempt is None:
        abort(404)
    return attempt


@bp.get("/today")
def today():
    day, now = local_today(), utcnow()
    official = quiz.official_attempt(current_user, day)
    if official is not None and quiz.close_if_expired(official, now, day):
        db.session.commit()
    # Left with no answer until its time ran out: not done, offered again (the clock starts on "start").
    again = official is not None and quiz.can_reopen(official, now, day)
    onward = _onward(official) if official is not None and official.finished_at is None and not again else None
    return render_template("quiz/today.html", official=official, again=again, form=StartForm(), onward=onward,
                           logout_form=LogoutForm(), count=current_user.company.questions_per_quiz,
                           minutes=quiz.QUIZ_SECONDS // 60, alert=quiz.waiting_alert(current_user, day, official))


def _onward(attempt) -> str:
    """Where an attempt carries on: its first unanswered question, or its result."""
    position = quiz.next_position(attempt)
    if attempt.finished_at is not None or position is None:
        return url_for("quiz.result", attempt_id=attempt.id)
    return url_for("quiz.question", attempt_id=attempt.id, position=position)


@bp.post("/today/start")
@same_site_form  # "开始" works after the phone lost its session cookie
def start():
    form = StartForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        onward = _start(filled(form.kind.data))
    except IntegrityError:  # a double tap: the other request started it first, so open that one
        db.session.rollback()
        onward = _start(filled(form.kind.data))
    except (Forbidden, Conflict) as error:
        flash(say(error, MESSAGES), "error")
        return redirect(url_for("quiz.today"))
    return redirect(onward)  # straight to the question: no stop at quiz.resume on the way


def _start(kind: str) -> str:
    attempt = quiz.start_attempt(current_user, kind, local_today(), utcnow(),
                                 quiz.town_seed(current_app.config.get("QUIZAPP_TOWN_SEED"), current_user.company_id))
    onward = _onward(attempt)
    db.session.commit()
    return onward


@bp.get("/attempt/<id:attempt_id>")
def resume(attempt_id: int):
    """Back where the worker left off: after a reload, a locked phone or a lost signal. Today's
    quiz left with no answer until its time ran out opens again, with a fresh clock."""
    attempt = _attempt_or_404(attempt_id)
    now, day = utcnow(), local_today()
    if quiz.reopen(attempt, now, day) or quiz.close_if_expired(attempt, now, day):
        db.session.commit()
    return redirect(_onward(attempt))


@bp.get("/attempt/<id:attempt_id>/q/<id:position>")
def question(attempt_id: int, position: int):
    sheet = quiz.sheet(current_user.id, attempt_id)
    slot = sheet.slot(position) if sheet is not None else None
    if sheet is None or slot is None:
        abort(404)
    now, day = utcnow(), local_today()
    if slot.chosen is None and quiz.reopen(sheet, now, day):
        # Today's quiz, left with no answer until its time ran out: the worker is back at it.
        db.session.commit()
        return redirect(url_for("quiz.question", attempt_id=sheet.id, position=position))
    if slot.chosen is None and (sheet.finished_at is not None or quiz.close_if_expired(sheet, now, day)):
        db.session.commit()
        return redirect(url_for("quiz.result", attempt_id=sheet.id))
    return render_template("quiz/question.html", attempt=sheet, slot=slot, next_position=quiz.next_position(sheet))


@bp.post("/attempt/<id:attempt_id>/q/<id:position>")
@same_site_form  # an answer sent after the phone lost its session cookie is kept
def answer(attempt_id: int, position: int):
    """Record the answer and show its feedback in this response (with the next question's link).

    No redirect to a GET: that was one more round trip per question. A reload of this page sends
    the form again, which records nothing new (the first answer stands) and shows the same feedback;
    an answer from another tab or phone that chose otherwise is shown the first answer, and told."""
    worker = current_user.id
    choices = [number for number in map(inputs.whole, request.form.getlist("choice")[:MAX_CHOICES])
               if number is not None]
    if not choices:
        return _show(worker, attempt_id, position, error=_("Please choose an answer."))
    try:
        # Another worker's attempt or a missing position is NotFound: the app answers 404.
        outcome = quiz.record_answer(current_user, attempt_id, position, choices, utcnow(), local_today())
    except Invalid as error:  # none of the options shown was chosen, or several for a one-answer question
        return _show(worker, attempt_id, position, error=say(error, MESSAGES))
    # record_answer writes through Core: the signed-in worker and company loaded before stay valid.
    commit_keeping_loaded()
    if outcome.status in ("late", "finished"):
        if outcome.status == "late":
            flash(_("Time was up, so that answer was not counted. No problem: here is how you did."), "info")
        return _go(url_for("quiz.result", attempt_id=attempt_id))
    notice = None
    if outcome.status == "already" and outcome.differs:
        notice = _("This question had already been answered (in another tab or on another phone). "
                   "The first answer counts; this one was not recorded.")
    return _show(worker, attempt_id, position, notice=notice)


def _go(url: str):
    """Elsewhere: a redirect for the browser, or where to go for quiz.js."""
    return jsonify(go=url) if _from_script() else redirect(url)


def _show(worker: int, attempt_id: int, position: int, error: str | None = None, notice: str | None = None):
    """The slot after its answer request: its page, or for quiz.js the slot's HTML and the next
    question's, so the worker goes on without another request. An unanswered slot of a closed quiz
    goes to the result."""
    script = _from_script()
    attempt = quiz.sheet(worker, attempt_id)
    slot = attempt.slot(position) if attempt is not None else None
    if attempt is None or slot is None:
        abort(404)
    if slot.chosen is None and attempt.finished_at is not None:
        return _go(url_for("quiz.result", attempt_id=attempt.id))
    following = quiz.next_position(attempt)
    if not script:
        return render_template("quiz/question.html", attempt=attempt, slot=slot, next_position=following,
                               error=error, notice=notice)
    if error is not None and slot.chosen is None:
        return jsonify(error="invalid", message=error), 400
    here = url_for("quiz.question", attempt_id=attempt.id, position=position)
    shown = {"url": here + "#feedback", "html": render_template(
        "quiz/_slot.html", attempt=attempt, slot=slot, next_position=following, notice=notice)}
    if following is None:
        return jsonify(answer=shown, next=None)
    upcoming = attempt.slot(following)
    return jsonify(answer=shown, next={
        "url": url_for("quiz.question", attempt_id=attempt.id, position=following),
        "html": render_template("quiz/_slot.html", attempt=attempt, slot=upcoming, next_position=None)})


@bp.get("/attempt/<id:attempt_id>/result")
def result(attempt_id: int):
    attempt = _attempt_or_404(attempt_id, all_versions=True)
    now, day = utcnow(), local_today()
    if quiz.lapsed(attempt, now):
        # No answer given before the time ran out: nothing to show but that it is not done (and,
        # today, the way back to it). Not reopened here: the clock starts on "start" again.
        if quiz.close_if_expired(attempt, now, day):
            db.session.commit()  # a past day's: closed as not done
        return render_template("quiz/result.html", result=None, attempt=attempt, form=StartForm(),
                               again=quiz.can_reopen(attempt, now, day), minutes=quiz.QUIZ_SECONDS // 60)
    if attempt.finished_at is None:
        if not quiz.close_if_expired(attempt, now, day):
            return redirect(url_for("quiz.resume", attempt_id=attempt.id))
        db.session.commit()  # closed just now, its time run out: saved with its company's day
    # A finished attempt is only read: no commit (which would expire what was loaded and read it again).
    outcome = quiz.result(attempt, current_user, day, now)
    return render_template("quiz/result.html", result=outcome, attempt=attempt, form=StartForm(), again=False)


@bp.get("/history")
def history():
    now = utcnow()
    return render_template("quiz/history.html", attempts=quiz.history(current_user),
                           lapsed=lambda attempt: quiz.lapsed(attempt, now))
