"""Console: today's board (done, in progress, not started by shift and team), the not-done lists
to chase (printable, and as text for a team's WeChat group), and the pre-shift screen for the
workshop TV. The JSON endpoint feeds static/js/board.js, which refreshes the figures every 30 s.
"""

from flask import abort, jsonify, render_template
from flask_login import current_user

from quizapp import scope
from quizapp.alerts import service as alerts
from quizapp.alerts import wording as alert_words
from quizapp.board import service as board
from quizapp.board.wording import chase_text
from quizapp.clock import local_today, town_zone, utcnow
from quizapp.links import worker_url
from quizapp.posters import qr
from quizapp.roster import service as roster
from quizapp.roster.forms import ActionForm
from quizapp.routing import Routes
from quizapp.validators import query_text
from quizapp.web import content_lang

POLL_SECONDS = 30


def _arg(name: str) -> str | None:
    """An optional query argument; empty means not given."""
    return query_text(name) or None

routes = Routes()


@routes.get("/")
def index():
    view = board.today_board(current_user, local_today(), utcnow(), town_zone())
    # Workers who cannot sign in right now (wrong PINs), each with a one-tap unlock.
    stopped = roster.stopped_workers(current_user, utcnow())
    return render_template("board/index.html", view=view, poll_seconds=POLL_SECONDS, stopped=stopped,
                           unlock_form=ActionForm())


@routes.get("/board.json")
def board_data():
    data = board.poll(current_user, local_today(), utcnow(), town_zone(), shift=_arg("shift"), team=_arg("team"))
    if data is None:
        abort(404)
    response = jsonify(data)
    response.headers["Cache-Control"] = "no-store"
    return response


def _chase(team: str | None):
    """The not-done list of every team or of one, of every shift or of one (?shift=)."""
    today, shift = local_today(), _arg("shift")
    shifts = board.shifts(current_user, today)
    unknown_team = team is not None and team not in board.teams(current_user, today)
    if unknown_team or (shift is not None and shift not in shifts):
        abort(404)
    groups = board.not_done(current_user, today, utcnow(), team=team, shift=shift)
    if team is not None and not groups:
        groups = [(team, [])]
    link = worker_url(scope.own_company(current_user))
    texts = {name: chase_text(name, today, people, link, content_lang(), shift) for name, people in groups}
    return render_template("board/preshift_chase.html", groups=groups, texts=texts, team=team, today=today,
                           shift=shift, shifts=shifts, alerts=_alerts(scope.own_company(current_user), link))


@routes.get("/chase")
def chase():
    return _chase(None)


@routes.get("/chase/<team>")
def chase_team(team: str):
    return _chase(team)


@routes.get("/preshift")
def preshift():
    screen = board.preshift(current_user, local_today(), utcnow(), town_zone(), shift=_arg("shift"),
                            team=_arg("team"))
    if screen is None:
        abort(404)
    url = worker_url(screen.company, screen.team)
    return render_template("board/preshift.html", screen=screen, readable_url=qr.readable(url),
                           qr_svg=qr.inline_svg(url, screen.company.name), poll_seconds=POLL_SECONDS,
                           teams=board.teams(current_user, local_today()), alerts=_alerts(screen.company, url))


def _alerts(company, link: str) -> list[tuple]:
    """This week's alerts for the company's grid, each with its WeChat text (quizapp/alerts)."""
    return [(item, alert_words.paste_text(item, link))
            for item in alerts.read_outs(company, local_today(), content_lang())]
