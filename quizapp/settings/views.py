"""Console: the company's settings (questions per quiz, workdays, shifts, display name, WeChat
Work reminder webhook and timing). Always the staff member's own company."""

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from quizapp import scope
from quizapp.clock import local_today, town_zone, utcnow
from quizapp.extensions import db
from quizapp.reminders import service as reminders
from quizapp.reminders.wording import town_test_message
from quizapp.routing import Routes
from quizapp.rules.errors import ServiceError
from quizapp.settings import service as company_settings
from quizapp.settings.forms import SettingsForm, WebhookTestForm
from quizapp.settings.wording import MESSAGES
from quizapp.validators import filled

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


@routes.post("/settings/webhook-test")
def settings_webhook_test():
    """Post a test message to the robot address on the page (saved or not) and show the page again,
    with what was typed kept and the robot's answer beside the address."""
    test = WebhookTestForm()
    form = SettingsForm()  # what was typed, shown again as it was: nothing is saved here
    if not test.validate_on_submit():
        form.webhook_url.errors = list(test.webhook_url.errors) or [_("The form had expired: send the test again.")]
        return render_template("settings/index.html", form=form, problems=[]), 400
    company = scope.own_company(current_user)
    delivery = reminders.send_test(company, filled(test.webhook_url.data), utcnow(), town_zone(),
                                   town_test_message(company))
    db.session.commit()  # the delivery, for the town admin's list of messages sent
    return render_template("settings/index.html", form=form, problems=[], webhook_test=delivery,
                           unsaved=test.webhook_url.data != (company.webhook_url or ""))
