"""Reports: the daily digest page. An officer (or the town admin) sets where their digest goes
(e-mail, WeChat Work robot), previews today's digest so far, sends themself a test, and sees their
last deliveries.

Its routes are attached to the reports blueprint in quizapp/audiences.py; everything with a rule
in it is in digest.service.
Always the signed-in account's own addresses and figures.
"""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from quizapp.clock import local_today, town_zone, utcnow
from quizapp.digest import service
from quizapp.digest.forms import DigestAddressForm, SendTestForm
from quizapp.digest.rules import key_label, masked_target
from quizapp.digest.wording import compose, town_outbox
from quizapp.extensions import db
from quizapp.routing import Routes
from quizapp.rules.vocab import Channel, DeliveryStatus

routes = Routes()


@routes.route("/digest", methods=["GET", "POST"])
def digest():
    form = DigestAddressForm(obj=current_user)
    if form.validate_on_submit():
        service.save_addresses(current_user, form.email.data, form.webhook_url.data)
        db.session.commit()
        flash(_("Your digest addresses are saved."), "info")
        return redirect(url_for("reports.digest"))
    preview = compose(service.figures(current_user, local_today(), town_zone(), utcnow()))
    return render_template("digest/index.html", form=form, test_form=SendTestForm(), preview=preview,
                           recent=service.recent_deliveries(current_user), masked=masked_target, key_label=key_label,
                           can_test=bool(service.addresses(current_user))), 400 if request.method == "POST" else 200


@routes.post("/digest/test")
def digest_test():
    if not SendTestForm().validate_on_submit():
        abort(400)
    sent = service.send_test(current_user, local_today(), utcnow(), town_outbox())
    db.session.commit()
    if not sent:
        flash(_("Save an e-mail address or a robot address first."), "error")
    for delivery in sent:
        channel = _("e-mail") if delivery.channel == Channel.EMAIL else _("WeChat Work robot")
        if delivery.status == DeliveryStatus.SENT:
            flash(_("Test sent by %(channel)s to %(target)s.", channel=channel, target=masked_target(delivery.target)),
                  "info")
        else:
            flash(_("The test by %(channel)s could not be sent: %(error)s", channel=channel,
                    error=delivery.last_error), "error")
    return redirect(url_for("reports.digest"))
