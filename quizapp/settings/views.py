"""Console: the company's settings (questions per quiz, workdays, shifts, display name, WeChat
Work reminder webhook and timing). Always the staff member's own company."""

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from quizapp.clock import local_today
from quizapp.extensions import db
from quizapp.routing import Routes
from quizapp.rules.errors import ServiceError
from quizapp.settings import service as company_settings
from quizapp.settings.forms import SettingsForm
from quizapp.settings.wording import MESSAGES

routes = Routes()


@routes.route("/settings", methods=["GET", "POST"])
def settings():
    if request.method == "POST":
        form = SettingsForm()
    else:
        form = SettingsForm.for_company(*company_settings.settings_of(current_user))
    problems = []
    if form.validate_on_submit():
        try:
            company_settings.update_settings(current_user, form.change(), local_today())
        except ServiceError as error:
            db.session.rollback()
            problems = [MESSAGES[p.code](**p.data) for p in error.problems]
        else:
            db.session.commit()
            flash(_("Settings saved."))
            return redirect(url_for("console.settings"))
    elif request.method == "POST":
        problems = list(form.shift_problems)
    status = 400 if request.method == "POST" else 200
    return render_template("settings/index.html", form=form, problems=problems), status
