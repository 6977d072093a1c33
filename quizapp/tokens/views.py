"""API tokens for an analysis system: the town admin's for their town (/admin/tokens) and the city
admin's for the city (/city/tokens: a city token reads every town's aggregates): the list (name,
hint, issued, last used, revoked), issuing a token (shown once, with how to use it) and revoking one
after a confirmation. Each account sees and revokes its own town's tokens or the city's, never the
other's (tokens.service).

Its routes are attached to the admin and the city blueprints in quizapp/audiences.py (each guards
its own); the rules (hashing, the audit trail) live in tokens.service. The API itself is
quizapp/api; its guide is docs/api.md.
"""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from quizapp.clock import utcnow
from quizapp.extensions import db
from quizapp.routing import Routes
from quizapp.tokens import service
from quizapp.tokens.forms import IssueTokenForm, RevokeTokenForm
from quizapp.validators import filled

routes = Routes()


def _page(template: str, **context):
    """A tokens page in the layout of the audience it was asked on (the admin's or the city's)."""
    return render_template(template, frame=f"{request.blueprint}/_layout.html", here=request.blueprint, **context)


@routes.route("/tokens", methods=["GET", "POST"])
def tokens():
    form = IssueTokenForm()
    if form.validate_on_submit():
        token, secret = service.issue_token(current_user, filled(form.name.data), utcnow())
        db.session.commit()
        # Shown on this answer only: nothing we keep can show it again, and no cache may keep it.
        # A city token reads the towns; a town's, its grids: the example asks for what it can read.
        example = "api.towns" if token.town_id is None else "api.grids"
        page = _page("tokens/issued.html", token=token, secret=secret, api_url=url_for(example, _external=True),
                     openapi_url=url_for("api.openapi", _external=True))
        return page, 200, {"Cache-Control": "no-store"}
    return _page("tokens/index.html", rows=service.list_tokens(current_user), form=form,
                 openapi_url=url_for("api.openapi"))


def _token_or_404(token_id: int):
    token = service.get_token(current_user, token_id)
    if token is None:
        abort(404)
    return token


@routes.route("/tokens/<id:token_id>/revoke", methods=["GET", "POST"])
def token_revoke(token_id: int):
    token = _token_or_404(token_id)
    form = RevokeTokenForm()
    if form.validate_on_submit():
        if service.revoke_token(current_user, token, utcnow()):
            db.session.commit()
            flash(_("The token “%(name)s” is revoked: requests with it are refused from now on.", name=token.name),
                  "info")
        else:
            flash(_("The token “%(name)s” was revoked already.", name=token.name), "info")
        return redirect(url_for(f"{request.blueprint}.tokens"))
    return _page("tokens/revoke.html", token=token, form=form)
