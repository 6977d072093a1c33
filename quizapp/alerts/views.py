"""Reports: 本周警情. The alerts list (in the quiz, drafts, history), drafting and editing a draft
(officers for their grids, the town admin), an alert's page with its reach (aggregates only), and
the town admin's publish button and withdrawing (after a confirmation, quizapp/deleting.py).

Its routes are attached to the reports blueprint in quizapp/audiences.py; the rules live in
alerts.rules, the use cases in alerts.service. The drafting form opens prefilled from its query
(title, topic, scene, scene_zh, grid, lead): the seam workers' reports (quizapp/leads) use.
"""

from babel.lists import format_list
from flask import flash, redirect, render_template, request, url_for
from flask_babel import get_locale, ngettext
from flask_babel import gettext as _
from flask_login import current_user

from quizapp.alerts import rules, service
from quizapp.alerts.forms import SCENE_LABELS, TYPE_LABELS, ActionForm, AlertForm
from quizapp.alerts.wording import MESSAGES, STATE_LABELS
from quizapp.clock import local_today, utcnow
from quizapp.deleting import Confirmation, confirm_then
from quizapp.extensions import db
from quizapp.routing import Routes
from quizapp.rules.errors import ServiceError
from quizapp.rules.vocab import AlertStatus
from quizapp.validators import query_ids, query_int, query_text
from quizapp.web import content_lang
from quizapp.wording import attach_to_form, say

routes = Routes()


def _choices(form: AlertForm) -> AlertForm:
    form.topic.choices = [(t.id, t.name(content_lang())) for t in service.topics()]
    form.grids.choices = [(g.id, g.name) for g in service.grids_for(current_user)]
    return form


def _target(form: AlertForm) -> service.Target:
    return service.Target(topic_id=form.topic.data or None, grid_ids=list(form.grids.data or []),
                          expires_on=form.expires_on.data)


def _form_page(form: AlertForm, alert=None):
    return render_template("alerts/draft.html", form=form, alert=alert, scene_labels=SCENE_LABELS,
                           type_labels=TYPE_LABELS, questions=range(1, rules.MAX_QUESTIONS + 1),
                           letters=rules.OPTION_LETTERS.lower())


@routes.get("/alerts")
def alerts():
    today = local_today()
    lists = service.list_alerts(current_user, today)
    states = {a.id: service.state(a, today) for a in (*lists.live, *lists.drafts, *lists.history)}
    return render_template("alerts/index.html", lists=lists, states=states, state_labels=STATE_LABELS,
                           reach=service.reach_totals(current_user, [*lists.live, *lists.history], today))


def _prefilled() -> AlertForm:
    """A new draft's form: two weeks, the query's prefilled fields (a worker's report, quizapp/leads)."""
    form = _choices(AlertForm(formdata=None, expires_on=rules.default_expiry(local_today())))
    form.title.data = query_text("title", rules.TITLE_MAX)
    slug = query_text("topic", 40)
    form.topic.data = next((t.id for t in service.topics() if t.slug == slug), None)
    if query_text("scene", 10) in SCENE_LABELS:
        form.scene_kind.data = query_text("scene", 10)
    form.scene_zh.data = query_text("scene_zh", 2000)
    own = {g.id for g in service.grids_for(current_user)}
    form.grids.data = [gid for gid in query_ids("grid") if gid in own]
    return form


@routes.route("/alerts/new", methods=["GET", "POST"])
def alert_new():
    if request.method == "GET":
        return _form_page(_prefilled())
    form = _choices(AlertForm())
    if not form.validate_on_submit():
        return _form_page(form)
    try:
        alert = service.save_draft(current_user, form.draft(), _target(form), local_today(), utcnow(),
                                   lead=query_int("lead"))
    except ServiceError as error:
        db.session.rollback()
        attach_to_form(form, error, MESSAGES)
        return _form_page(form)
    db.session.commit()
    flash(_("The draft is saved. The town admin reviews and publishes it."), "info")
    return redirect(url_for("reports.alert", alert_id=alert.id))


@routes.route("/alerts/<id:alert_id>/edit", methods=["GET", "POST"])
def alert_edit(alert_id: int):
    alert = service.alert_for(current_user, alert_id)
    if alert.status != AlertStatus.DRAFT:  # published or withdrawn: read it, never edit it
        return redirect(url_for("reports.alert", alert_id=alert.id))
    if request.method == "GET":
        form = _choices(AlertForm(formdata=None, topic=alert.topic_id, expires_on=alert.expires_on,
                                  grids=[g.id for g in alert.grids]))
        form.fill(service.draft_of(alert))
        return _form_page(form, alert)
    form = _choices(AlertForm())
    if not form.validate_on_submit():
        return _form_page(form, alert)
    try:
        service.edit_draft(current_user, alert, form.draft(), _target(form), local_today(), utcnow())
    except ServiceError as error:
        db.session.rollback()
        attach_to_form(form, error, MESSAGES)
        return _form_page(form, alert)
    db.session.commit()
    flash(_("The draft is saved."), "info")
    return redirect(url_for("reports.alert", alert_id=alert.id))


@routes.get("/alerts/<id:alert_id>")
def alert(alert_id: int):
    today = local_today()
    item = service.alert_for(current_user, alert_id)
    companies, grids, whole = service.reach(current_user, item, today)
    return render_template("alerts/alert.html", alert=item, state=service.state(item, today),
                           state_labels=STATE_LABELS, people=service.people(item), draft=service.draft_of(item),
                           companies=companies, grids=grids, whole=whole, action_form=ActionForm(),
                           scene_labels=SCENE_LABELS, small_company=rules.SMALL_COMPANY,
                           may_withdraw=service.may_withdraw(current_user, item, today))


def _act(alert_id: int, action, done: str):
    item = service.alert_for(current_user, alert_id)
    if ActionForm().validate_on_submit():
        try:
            action(current_user, item, local_today())
        except ServiceError as error:
            db.session.rollback()
            flash(say(error, MESSAGES), "error")
        else:
            db.session.commit()
            flash(done, "info")
    return redirect(url_for("reports.alert", alert_id=alert_id))


@routes.post("/alerts/<id:alert_id>/publish")
def alert_publish(alert_id: int):
    return _act(alert_id, service.publish, _("Published: workers of its grids meet it from their next quiz."))


@routes.route("/alerts/<id:alert_id>/withdraw", methods=["GET", "POST"])
def alert_withdraw(alert_id: int):
    """The alert, how many workers it reached and what withdrawing does (it cannot be published
    again), then 撤回 / 取消 (quizapp.deleting); only that page's POST withdraws. An alert not in the
    quiz, or one the reader may not withdraw: its page, saying why."""
    today = local_today()
    item = service.alert_for(current_user, alert_id)
    back = url_for("reports.alert", alert_id=alert_id)
    try:
        service.check_withdraw(current_user, item, today)
    except ServiceError as error:
        flash(say(error, MESSAGES), "error")
        return redirect(back)

    def withdraw() -> str:
        service.withdraw(current_user, item, today)
        flash(_("Withdrawn: it has left the quiz."), "info")
        return back

    def preview() -> Confirmation:
        reached = service.reach(current_user, item, today)[2].workers
        return Confirmation(
            _("Withdraw this alert?"),
            [(_("Title"), item.title), (_("Grids"), format_list([g.name for g in item.grids], locale=get_locale())),
             (_("Last day in the quiz"), item.expires_on.isoformat()),
             (_("Workers who answered it so far"), reached)],
            back,
            happens=(_("From now on the workers of its grids no longer meet it: it leaves their next quiz and "
                       "their company's pre-shift screen."),
                     ngettext("%(num)d worker has answered its question so far. Their answer and its reach "
                              "are kept, and the alert stays readable in the history.",
                              "%(num)d workers have answered its question so far. Their answers and its reach "
                              "are kept, and the alert stays readable in the history.", reached),
                     _("A withdrawn alert cannot be published again or edited. To put it back in the quiz, "
                       "draft a new alert for the town admin to publish.")),
            button=_("Withdraw"))

    return confirm_then(preview, withdraw)
