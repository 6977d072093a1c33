"""Workers' reports (我遇到过类似的骗局): the worker's report form and what to do next (attached to
the worker's quiz blueprint), and the officers' inbox of leads (attached to the reports
blueprint), both in quizapp/audiences.py. The rules are in leads.service and leads.rules.
"""

from __future__ import annotations

from typing import Any

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.exc import IntegrityError

from quizapp.clock import local_today
from quizapp.extensions import db
from quizapp.leads import rules, service
from quizapp.leads.forms import ActionForm, DismissForm, LeadForm
from quizapp.leads.wording import ASK_LABELS, CHANNEL_LABELS, MESSAGES, STATUS_LABELS
from quizapp.routing import Routes
from quizapp.rules import inputs
from quizapp.rules.errors import ServiceError
from quizapp.rules.vocab import LeadAsk, LeadChannel, LeadStatus, parse
from quizapp.validators import filled, query_int
from quizapp.web import same_site_form
from quizapp.wording import attach_to_form, say

# --- the worker ---------------------------------------------------------------------------------

worker_routes = Routes()


def _back(attempt: object, position: object) -> dict[str, int]:
    """Where the worker came from (a question's feedback, a result), as well-formed ids only."""
    found = {"attempt": inputs.row_id(attempt), "q": inputs.row_id(position)}
    return {k: v for k, v in found.items() if v is not None and (k == "attempt" or found["attempt"])}


def _back_url(back: dict[str, int]) -> str:
    if "q" in back:
        return url_for("quiz.question", attempt_id=back["attempt"], position=back["q"]) + "#feedback"
    if "attempt" in back:
        return url_for("quiz.result", attempt_id=back["attempt"])
    return url_for("quiz.today")


def _send(form: LeadForm):
    sent = service.Sent(LeadChannel(filled(form.channel.data)), LeadAsk(filled(form.asked_for.data)),
                        filled(form.text.data), form.contact.data or "", form.money_lost.data == "yes")
    secret = str(current_app.config["SECRET_KEY"]).encode()
    try:
        return service.report(current_user, sent, local_today(), secret)
    except IntegrityError:  # the same new text from two phones at once: the other made the lead
        db.session.rollback()
        return service.report(current_user, sent, local_today(), secret)


@worker_routes.route("/scam-report", methods=["GET", "POST"])
@same_site_form  # a report typed as the phone lost its session cookie is not lost
def report_scam():
    """我遇到过类似的骗局: the worker reports a call, SMS, chat or app they met."""
    form = LeadForm(attempt=request.args.get("attempt"), position=request.args.get("q"))
    back = _back(form.attempt.data, form.position.data)
    if form.validate_on_submit():
        try:
            _send(form)
        except ServiceError as error:
            db.session.rollback()
            attach_to_form(form, error, MESSAGES)
        else:
            db.session.commit()
            args: dict[str, Any] = {**({"lost": 1} if form.money_lost.data == "yes" else {}), **back}
            return redirect(url_for("quiz.report_sent", **args))
    return render_template("leads/report.html", form=form, back_url=_back_url(back))


@worker_routes.get("/scam-report/sent")
def report_sent():
    """What to do now: 110 at once when money was lost, 96110 when unsure, the anti-fraud app."""
    back = _back(request.args.get("attempt"), request.args.get("q"))
    return render_template("leads/sent.html", lost=request.args.get("lost") == "1", back_url=_back_url(back))


# --- the officers' inbox --------------------------------------------------------------------------

routes = Routes()


@routes.get("/leads")
def leads():
    status = parse(LeadStatus, request.args.get("status")) or LeadStatus.NEW
    return render_template("leads/inbox.html", inbox=service.inbox(current_user, status, query_int("grid")),
                           action_form=ActionForm(), channels=CHANNEL_LABELS, asks=ASK_LABELS,
                           statuses=STATUS_LABELS)


def _lead_page(lead, dismiss_form: DismissForm | None = None):
    # "Turn into a draft alert" opens the alerts' drafting form prefilled (the seam quizapp/alerts
    # offers); saving that draft marks the lead (leads.service.draft_saved).
    draft_url = url_for("reports.alert_new", **rules.alert_prefill(lead.id, lead.grid_id, lead.channel, lead.text,
                                                                    _("Workers report: ")))
    alert_url = url_for("reports.alert", alert_id=lead.alert_id) if lead.alert_id else None
    return render_template("leads/lead.html", item=service.view(lead), action_form=ActionForm(),
                           dismiss_form=dismiss_form or DismissForm(formdata=None), channels=CHANNEL_LABELS,
                           asks=ASK_LABELS, statuses=STATUS_LABELS, draft_url=draft_url, alert_url=alert_url)


@routes.get("/leads/<id:lead_id>")
def lead(lead_id: int):
    return _lead_page(service.find_lead(current_user, lead_id) or abort(404))


def _done(lead, message: str):
    db.session.commit()
    flash(message, "info")
    return redirect(url_for("reports.leads", status=LeadStatus.NEW))


@routes.post("/leads/<id:lead_id>/review")
def lead_review(lead_id: int):
    """Mark a lead reviewed (or bring back a dismissed one): audit-logged."""
    lead = service.find_lead(current_user, lead_id) or abort(404)
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        service.mark_reviewed(current_user, lead, local_today())
    except ServiceError as error:
        flash(say(error, MESSAGES), "error")
        return redirect(url_for("reports.lead", lead_id=lead.id))
    return _done(lead, _("Lead %(n)s is marked reviewed.", n=lead.id))


@routes.post("/leads/<id:lead_id>/dismiss")
def lead_dismiss(lead_id: int):
    lead = service.find_lead(current_user, lead_id) or abort(404)
    form = DismissForm()
    if not form.validate_on_submit():
        return _lead_page(lead, form)
    try:
        service.dismiss(current_user, lead, filled(form.reason.data), local_today())
    except ServiceError as error:
        db.session.rollback()
        attach_to_form(form, error, MESSAGES)
        return _lead_page(lead, form)
    return _done(lead, _("Lead %(n)s is dismissed.", n=lead.id))
