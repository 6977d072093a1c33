"""Console: the live pre-shift round. Started from the pre-shift screen for its shift and team, it
shows the day's common questions one at a time with how the team answered on their phones (shares
per option, no names), then the answer, the explanation and the rule to read out. The JSON endpoint
feeds static/js/round.js, which redraws the shares every few seconds; with JavaScript off the page
refreshes itself and has a refresh link.

Its routes are attached to the console blueprint in quizapp/audiences.py (company staff, their own
company only); the rules live in rounds.service and rounds.rules.
"""

from flask import current_app, flash, jsonify, redirect, render_template, url_for
from flask_login import current_user

from quizapp import scope
from quizapp.clock import local_today, utcnow
from quizapp.extensions import db
from quizapp.links import worker_url
from quizapp.posters import qr
from quizapp.quiz import service as quiz
from quizapp.rounds import rules, service
from quizapp.rounds.forms import StartRoundForm, StepForm
from quizapp.rounds.wording import MESSAGES
from quizapp.routing import Routes
from quizapp.rules.errors import Conflict, Invalid
from quizapp.wording import say

# How often the screen asks for the shares (JavaScript on), and refreshes itself (off).
POLL_SECONDS = 3
REFRESH_SECONDS = 10

routes = Routes()


@routes.post("/rounds")
def start_round():
    form = StartRoundForm()
    if not form.validate_on_submit():  # a forged form: the screen's default view
        return redirect(url_for("console.preshift"))
    shift, team = form.shift.data or None, form.team.data or None
    try:
        started = service.start_round(current_user, local_today(), utcnow(), shift, team,
                                      quiz.town_seed(current_app.config.get("QUIZAPP_TOWN_SEED"),
                                                     scope.own_company_id(current_user)))
    except Invalid as error:  # a shift or team the screen does not have: its default view
        flash(say(error, MESSAGES), "error")
        return redirect(url_for("console.preshift"))
    except Conflict as error:  # no questions today: back to the screen it was started from
        flash(say(error, MESSAGES), "error")
        return redirect(url_for("console.preshift", shift=shift, team=team))
    round_id = started.id
    db.session.commit()
    return redirect(url_for("console.round_screen", round_id=round_id))


@routes.get("/rounds/<id:round_id>")
def round_screen(round_id: int):
    shown = service.screen(current_user, round_id, local_today())
    # The code to scan stays in a corner: a worker who has not signed in yet joins from the screen.
    url = worker_url(scope.own_company(current_user), shown.round.team or None)
    return render_template("rounds/screen.html", screen=shown, min_answers=rules.MIN_ANSWERS, Step=rules.Step,
                           qr_svg=qr.inline_svg(url, qr.readable(url)), poll_seconds=POLL_SECONDS,
                           refresh_seconds=REFRESH_SECONDS)


@routes.get("/rounds/<id:round_id>.json")
def round_data(round_id: int):
    response = jsonify(service.poll(current_user, round_id, local_today()))
    response.headers["Cache-Control"] = "no-store"
    return response


@routes.post("/rounds/<id:round_id>")
def round_step(round_id: int):
    form = StepForm()
    here = url_for("console.round_screen", round_id=round_id)
    service.round_of(current_user, round_id)  # another company's round: 404 whatever the form says
    if not form.validate_on_submit():
        flash(MESSAGES["rounds.unknown_step"](), "error")
        return redirect(here)
    try:
        service.take_step(current_user, round_id, form.step.data, form.at.data, local_today(), utcnow())
    except (Invalid, Conflict) as error:
        flash(say(error, MESSAGES), "error")
        return redirect(here)
    db.session.commit()
    return redirect(here)
