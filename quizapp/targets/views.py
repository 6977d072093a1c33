"""Admin: the town's participation target (town admin only, the admin blueprint's guard). The page
shows the target and where it is used; saving it is audited by targets.service."""

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from quizapp.extensions import db
from quizapp.routing import Routes
from quizapp.rules.errors import ServiceError
from quizapp.scope import own_town_id
from quizapp.supervision import service as supervision
from quizapp.targets import service as targets
from quizapp.targets.forms import TargetForm
from quizapp.targets.wording import MESSAGES
from quizapp.validators import filled
from quizapp.wording import attach_to_form

routes = Routes()


@routes.route("/targets", methods=["GET", "POST"])
def targets_page():
    form = TargetForm() if request.method == "POST" else TargetForm(data={
        "participation": targets.target_percent(current_user)})
    if form.validate_on_submit():
        try:
            changed = targets.set_participation_target(current_user, filled(form.participation.data))
        except ServiceError as refused:
            db.session.rollback()
            attach_to_form(form, refused, MESSAGES)
        else:
            db.session.commit()
            flash(_("The participation target is now %(n)s%%.", n=form.participation.data) if changed
                  else _("Nothing was changed."))
            return redirect(url_for("admin.targets_page"))
    return render_template("targets/index.html", form=form, rules=supervision.load_rules(own_town_id(current_user))), (
        400 if request.method == "POST" else 200)
