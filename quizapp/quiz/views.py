"""The worker's pages: today's quiz, one question per screen with feedback, the result, history.

Workers only (guard below). Every attempt is looked up through the signed-in worker, so another
worker's attempt id is a 404. Pages are plain HTML forms: they work with JavaScript off.
"""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf.csrf import CSRFError, validate_csrf
from sqlalchemy.exc import IntegrityError
from wtforms import ValidationError

from quizapp.access import guard_worker
from quizapp.clock import local_today, utcnow
from quizapp.extensions import csrf, db, limiter
from quizapp.quiz import service as quiz
from quizapp.quiz.forms import StartForm
from quizapp.quiz.wording import MESSAGES
from quizapp.rules import inputs
from quizapp.rules.errors import Conflict, Forbidden, Invalid
from quizapp.signin.forms import LogoutForm
from quizapp.validators import filled
from quizapp.wording import say

# More choices than any question has options is a forged form: the rest are not read.
MAX_CHOICES = 10

bp = Blueprint("quiz", __name__)
bp.before_request(guard_worker())
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
    if official is not None and quiz.close_if_expired(official, now):
        db.session.commit()
    return render_template("quiz/today.html", official=official, form=StartForm(),
                           logout_form=LogoutForm(), count=current_user.company.questions_per_quiz,
                           minutes=quiz.QUIZ_SECONDS // 60, alert=quiz.waiting_alert(current_user, day, official))


@bp.post("/today/start")
def start():
    form = StartForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        attempt_id = _start(filled(form.kind.data))
    except IntegrityError:  # a double tap: the other request started it first, so open that one
        db.session.rollback()
        attempt_id = _start(filled(form.kind.data))
    except (Forbidden, Conflict) as error:
        flash(say(error, MESSAGES), "error")
        return redirect(url_for("quiz.today"))
    return redirect(url_for("quiz.resume", attempt_id=attempt_id))


def _start(kind: str) -> int:
    attempt = quiz.start_attempt(current_user, kind, local_today(), utcnow(),
                                 quiz.town_seed(current_app.config.get("QUIZAPP_TOWN_SEED")))
    attempt_id = attempt.id
    db.session.commit()
    return attempt_id


@bp.get("/attempt/<id:attempt_id>")
def resume(attempt_id: int):
    """Back where the worker left off: after a reload, a locked phone or a lost signal."""
    attempt = _attempt_or_404(attempt_id)
    if quiz.close_if_expired(attempt, utcnow()):
        db.session.commit()
    position = quiz.next_position(attempt)
    if attempt.finished_at is not None or position is None:
        return redirect(url_for("quiz.result", attempt_id=attempt.id))
    return redirect(url_for("quiz.question", attempt_id=attempt.id, position=position))


@bp.get("/attempt/<id:attempt_id>/q/<id:position>")
def question(attempt_id: int, position: int):
    attempt = _attempt_or_404(attempt_id)
    slot = next((a for a in attempt.answers if a.position == position), None)
    if slot is None:
        abort(404)
    if slot.chosen is None and (attempt.finished_at is not None or quiz.close_if_expired(attempt, utcnow())):
        db.session.commit()
        return redirect(url_for("quiz.result", attempt_id=attempt.id))
    return render_template("quiz/question.html", attempt=attempt, slot=slot,
                           next_position=quiz.next_position(attempt))


def _sent_from_here() -> bool:
    """The answer form's CSRF check, which survives a lost session cookie.

    The token lives in the session; a phone that lost its session cookie mid-quiz (WeChat clears
    them, the worker's phone was low on memory) is signed in again by its remember cookie but holds
    a token of the old session. Its answer is still taken when the browser says the form was sent
    from this site (Origin, or Referer when a browser sends no Origin): a cross-site form cannot
    forge those, and the remember cookie (SameSite=Lax) is not sent with another site's POST."""
    if not current_app.config.get("WTF_CSRF_ENABLED", True):
        return True
    try:
        validate_csrf(request.form.get("csrf_token"))
        return True
    except ValidationError:
        pass
    here = request.host_url.rstrip("/")
    origin = request.headers.get("Origin")
    if origin:
        return origin == here
    referer = request.headers.get("Referer") or ""
    return referer.startswith(here + "/")


@bp.post("/attempt/<id:attempt_id>/q/<id:position>")
@csrf.exempt  # checked by _sent_from_here(), which keeps an answer sent after a lost session
def answer(attempt_id: int, position: int):
    if not _sent_from_here():
        raise CSRFError()
    choices = [number for number in map(inputs.whole, request.form.getlist("choice")[:MAX_CHOICES])
               if number is not None]
    here = url_for("quiz.question", attempt_id=attempt_id, position=position)
    if not choices:
        _attempt_or_404(attempt_id)
        flash(_("Please choose an answer."), "error")
        return redirect(here)
    try:
        # Another worker's attempt or a missing position is NotFound: the app answers 404.
        outcome = quiz.record_answer(current_user, attempt_id, position, choices, utcnow())
    except Invalid as error:  # none of the options shown was chosen, or several for a one-answer question
        flash(say(error, MESSAGES), "error")
        return redirect(here)
    db.session.commit()
    if outcome.status == "already" and outcome.differs:
        flash(_("This question had already been answered (in another tab or on another phone). "
                "The first answer counts; this one was not recorded."), "warning")
    if outcome.status in ("late", "finished"):
        if outcome.status == "late":
            flash(_("Time was up, so that answer was not counted. No problem: here is how you did."), "info")
        return redirect(url_for("quiz.result", attempt_id=attempt_id))
    # Post/redirect/get: a reload shows the feedback instead of resending the answer; the anchor
    # brings the verdict into view.
    return redirect(here + "#feedback")


@bp.get("/attempt/<id:attempt_id>/result")
def result(attempt_id: int):
    attempt = _attempt_or_404(attempt_id, all_versions=True)
    if attempt.finished_at is None and not quiz.close_if_expired(attempt, utcnow()):
        return redirect(url_for("quiz.resume", attempt_id=attempt.id))
    db.session.commit()
    outcome = quiz.result(attempt, current_user, local_today())
    return render_template("quiz/result.html", result=outcome, form=StartForm())


@bp.get("/history")
def history():
    return render_template("quiz/history.html", attempts=quiz.history(current_user))
