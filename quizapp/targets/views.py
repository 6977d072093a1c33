"""Admin: the town's participation target (town admin only, the admin blueprint's guard). The page
shows the target and where it is used; a new target is saved after a confirmation page listing the
companies it would put under target (quizapp.deleting); saving it is audited by targets.service."""

from flask import flash, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from quizapp.clock import local_today, utcnow
from quizapp.deleting import Confirmation, confirm_then, first_lines
from quizapp.extensions import db
from quizapp.routing import Routes
from quizapp.rules.errors import ServiceError
from quizapp.scope import own_town_id
from quizapp.supervision import service as supervision
from quizapp.targets import service as targets
from quizapp.targets.forms import TargetForm
from quizapp.targets.wording import MESSAGES
from quizapp.validators import filled
from quizapp.web import listed
from quizapp.wording import attach_to_form

routes = Routes()


def _preview(percent: int) -> Confirmation:
    """The target now and the new one, and the companies it would put under target or take out."""
    found = targets.preview_target(current_user, percent, local_today(), utcnow())
    happens = [_("The grid dashboard, the company comparison, the weekly and monthly reports and the daily digest "
                 "count a company as under target below it (its participation over the last 30 days).")]
    if found.no_longer_below:
        happens.append(_("%(n)s companies are no longer under target: %(names)s", n=len(found.no_longer_below),
                         names=listed(first_lines(found.no_longer_below))))
    return Confirmation(
        _("Set the participation target to %(n)s%%?", n=percent),
        [(_("Target now"), f"{targets.target_percent(current_user)}%"), (_("New target"), f"{percent}%")],
        url_for("admin.targets_page"), happens=happens,
        listed_title=_("By the new target, %(n)s more companies will be under it:", n=len(found.newly_below))
        if found.newly_below else _("By the new target, no more companies will be under it."),
        listed=first_lines(found.newly_below), button=_("Save"), danger=False, carry=[("participation", percent)])


@routes.route("/targets", methods=["GET", "POST"])
def targets_page():
    """The target; a new one is saved after a page with the companies it moves under or over the
    target (quizapp.deleting); only that page's POST saves it."""
    form = TargetForm() if request.method == "POST" else TargetForm(data={
        "participation": targets.target_percent(current_user)})
    if form.validate_on_submit():
        percent = filled(form.participation.data)
        if percent == targets.target_percent(current_user):
            flash(_("Nothing was changed."))
            return redirect(url_for("admin.targets_page"))

        def save() -> str | Response:
            try:
                targets.set_participation_target(current_user, percent)
            except ServiceError as refused:
                db.session.rollback()
                attach_to_form(form, refused, MESSAGES)
                return make_response(_page(form), 400)
            flash(_("The participation target is now %(n)s%%.", n=percent))
            return url_for("admin.targets_page")

        return confirm_then(lambda: _preview(percent), save)
    return _page(form), (400 if request.method == "POST" else 200)


def _page(form: TargetForm) -> str:
    return render_template("targets/index.html", form=form, rules=supervision.load_rules(own_town_id(current_user)))
