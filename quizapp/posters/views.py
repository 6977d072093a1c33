"""Console: printable A4 QR posters (the company's, and one per team) and the QR code as PNG or
SVG files to download. The code holds the company's worker sign-in link (posters.qr).
"""

from flask import abort, render_template, request
from flask_login import current_user

from quizapp import downloads, scope
from quizapp.board import service as board
from quizapp.clock import local_today
from quizapp.links import worker_url
from quizapp.posters import qr
from quizapp.routing import Routes
from quizapp.validators import query_text


def _team_or_404() -> str | None:
    """?team=<name>: one of the company's teams, or 404; absent or empty: the company."""
    team = query_text("team") or None
    if team is not None and team not in board.teams(current_user, local_today()):
        abort(404)
    return team

routes = Routes()


@routes.get("/posters")
def posters():
    company = scope.own_company(current_user)
    team = _team_or_404()
    teams = board.teams(current_user, local_today())
    sheets = [None, *teams] if team is None else [team]
    urls = {name: worker_url(company, name) for name in sheets}
    codes = {name: qr.inline_svg(url, company.name) for name, url in urls.items()}
    return render_template("posters/index.html", sheets=sheets, codes=codes, urls=urls, teams=teams, team=team,
                           readable=qr.readable)


@routes.get("/posters/qr.<image_fmt>")
def poster_qr(image_fmt: str):
    if image_fmt not in qr.FORMATS:
        abort(404)
    company = scope.own_company(current_user)
    team = _team_or_404()
    data = qr.render(worker_url(company, team), image_fmt)
    name, fallback = qr.file_names(company.code, team, image_fmt)
    # ?show=1: a picture on the page to long-press and save (WeChat's browser saves no downloads).
    return downloads.send(data, qr.FORMATS[image_fmt], name, fallback, private=False,
                          inline=request.args.get("show") == "1")
