"""Reports: the supervision list (督办清单): flagged companies and their cases, follow-ups and the
participation around them, closing a case, the rules' thresholds, and the ledger (台账) export.

Its routes are attached to the reports blueprint in quizapp/audiences.py; the rules and scoping
live in supervision.service and supervision.rules (docs/supervision.md).
"""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from quizapp import downloads, scope
from quizapp.clock import local_today, utcnow
from quizapp.deleting import Confirmation, confirm_then, deletion, first_lines
from quizapp.exports import service as exports
from quizapp.extensions import db
from quizapp.routing import Routes
from quizapp.rules.errors import ServiceError
from quizapp.rules.vocab import CaseStatus, FollowUpKind, Role, parse
from quizapp.supervision import service, sheets
from quizapp.supervision.forms import (
    AssignForm,
    CloseCaseForm,
    FollowUpForm,
    ManualCaseForm,
    ReopenForm,
    RulesForm,
)
from quizapp.supervision.rules import Rules
from quizapp.supervision.wording import (
    EVENT_LABELS,
    KIND_LABELS,
    MESSAGES,
    RULE_LABELS,
    describe,
    reason_words,
    step_detail,
    town_reasons,
)
from quizapp.validators import filled
from quizapp.wording import attach_to_form, say

FORMAT = "<any(csv, xlsx):fmt>"


def _is_admin() -> bool:
    return current_user.role == Role.TOWN_ADMIN


def _list_page(status: CaseStatus = CaseStatus.OPEN, add_form: ManualCaseForm | None = None,
               rules_form: RulesForm | None = None):
    rules = service.load_rules(scope.town_of(current_user))
    if rules_form is None:
        rules_form = RulesForm(formdata=None)
        rules_form.fill(rules)
    add_form = add_form or ManualCaseForm(formdata=None)
    add_form.company.choices = [(c.id, c.name) for c in service.visible_companies(current_user)]
    today = local_today()
    return render_template("supervision/index.html", status=status, rules=rules, rules_form=rules_form,
                           add_form=add_form, is_admin=_is_admin(), today=today,
                           cases=service.list_cases(current_user, status, today),
                           counts=service.year_counts(current_user, today.year, today),
                           rule_labels=RULE_LABELS, kind_labels=KIND_LABELS, reason_words=reason_words)

routes = Routes()


@routes.get("/supervision")
def supervision():
    return _list_page(parse(CaseStatus, request.args.get("status")) or CaseStatus.OPEN)


def _flag_lines(preview: service.FlagPreview) -> list[str]:
    """The companies a check would flag, with the rule and its figures (the case's reason), the
    ones flagged only because of new thresholds said so."""
    lines = []
    for company, flag in preview.flagged:
        line = _("%(company)s — %(rule)s: %(reason)s", company=company.name, rule=RULE_LABELS[flag.rule],
                 reason=describe(flag))
        lines.append(_("%(line)s (only with the new values)", line=line) if (company.id, flag.rule)
                     in preview.by_change else line)
    return first_lines(lines)


def _flagged_companies(preview: service.FlagPreview) -> int:
    return len({company.id for company, _flag in preview.flagged})


@routes.route("/supervision/check", methods=["GET", "POST"])
def supervision_check():
    """Which companies the check would newly flag, then 立即检查 / 取消 (quizapp.deleting); only that
    page's POST runs it."""
    if not _is_admin():
        flash(_("Only the town admin can run the check."), "error")
        return redirect(url_for("reports.supervision"))
    today, now = local_today(), utcnow()

    def preview() -> Confirmation:
        found = service.preview_flags(current_user, today, now)
        return Confirmation(
            _("Run the check now?"), [], url_for("reports.supervision"),
            happens=(_("The rules run over every company now, as cron does every night: each company listed "
                       "goes on the supervision list with a new case."),),
            listed_title=_("By the current supervision line, %(n)s companies will be newly flagged:",
                           n=_flagged_companies(found)) if found.flagged else
            _("By the current supervision line, no company will be newly flagged."),
            listed=_flag_lines(found), button=_("Check now"), danger=False)

    def run() -> str:
        opened = service.flag_companies(today, now, town_reasons(), town_id=scope.own_town_id(current_user))
        # Companies, as the preview counts them (a company two rules flag has two cases).
        flash(_("Check done: %(n)s companies newly flagged.", n=len({case.company_id for case in opened})), "info")
        return url_for("reports.supervision")

    return confirm_then(preview, run)


def _rule_changes(form: RulesForm, current: Rules) -> list[tuple[str, object]]:
    """Each threshold the form changes: its label, then the value now and the new one."""
    now = RulesForm(formdata=None)
    now.fill(current)
    return [(field.label.text, _("%(now)s → %(new)s", now=now[field.name].data or 0, new=field.data or 0))
            for field in form if field.name != "csrf_token" and (field.data or 0) != (now[field.name].data or 0)]


@routes.post("/supervision/rules")
def supervision_rules():
    """New thresholds, then a page with what they change and which companies the next check would
    newly flag with them (quizapp.deleting); only that page's POST saves them."""
    if not _is_admin():
        flash(_("Only the town admin can change the rules."), "error")
        return redirect(url_for("reports.supervision"))
    form = RulesForm()
    if not form.validate_on_submit():
        return _list_page(rules_form=form)
    chosen, current = form.rules(), service.load_rules(scope.own_town_id(current_user))
    if chosen == current:
        flash(_("Nothing was changed."), "info")
        return redirect(url_for("reports.supervision"))

    def preview() -> Confirmation:
        found = service.preview_flags(current_user, local_today(), utcnow(), chosen)
        return Confirmation(
            _("Save the new rules?"), _rule_changes(form, current), url_for("reports.supervision"),
            happens=(_("They apply from the next check (cron runs it every night). Open cases stay as they are."),),
            listed_title=_("By the new supervision line, %(n)s companies will be newly flagged (%(changed)s of "
                           "them only because of this change):", n=_flagged_companies(found),
                           changed=len({company for company, _rule in found.by_change})) if found.flagged else
            _("By the new supervision line, no company will be newly flagged."),
            listed=_flag_lines(found), button=_("Save the rules"), danger=False,
            carry=[(field.name, field.data) for field in form if field.name != "csrf_token"])

    def save() -> str:
        service.save_rules(current_user, chosen)
        flash(_("The rules are saved; they apply from the next check."), "info")
        return url_for("reports.supervision")

    return confirm_then(preview, save)


@routes.post("/supervision/cases")
def supervision_add():
    form = ManualCaseForm()
    form.company.choices = [(c.id, c.name) for c in service.visible_companies(current_user)]
    if not form.validate_on_submit():
        return _list_page(add_form=form)
    try:
        case = service.open_case(current_user, form.company.data, filled(form.reason.data), local_today())
    except ServiceError as error:
        form.reason.errors = [say(error, MESSAGES)]
        return _list_page(add_form=form)
    db.session.commit()
    return redirect(url_for("reports.supervision_case", case_id=case.id))


def _owners(case, form: AssignForm) -> AssignForm:
    form.owner.choices = [(u.id, u.display_name) for u in service.owner_choices(case)]
    return form


def _case_page(case, follow_up_form: FollowUpForm | None = None, close_form: CloseCaseForm | None = None,
               assign_form: AssignForm | None = None, reopen_form: ReopenForm | None = None):
    today = local_today()
    follow_up_form = follow_up_form or FollowUpForm(formdata=None, happened_on=today)
    follow_up_form.kind.choices = [(k.value, KIND_LABELS[k]) for k in FollowUpKind]
    assign_form = _owners(case, assign_form or AssignForm(formdata=None, owner=case.owner_id,
                                                          deadline=case.deadline))
    return render_template("supervision/case.html", view=service.case_view(case, today), today=today,
                           history=service.history(case), follow_up_form=follow_up_form,
                           close_form=close_form or CloseCaseForm(formdata=None), assign_form=assign_form,
                           reopen_form=reopen_form or ReopenForm(formdata=None), rule_labels=RULE_LABELS,
                           kind_labels=KIND_LABELS, event_labels=EVENT_LABELS, step_detail=step_detail,
                           reason_words=reason_words, inactive_note=MESSAGES["supervision.company_inactive"]())


@routes.get("/supervision/cases/<id:case_id>")
def supervision_case(case_id: int):
    return _case_page(service.find_case(current_user, case_id) or abort(404))


@routes.post("/supervision/cases/<id:case_id>/follow-ups")
def supervision_follow_up(case_id: int):
    case = service.find_case(current_user, case_id) or abort(404)
    form = FollowUpForm()
    form.kind.choices = [(k.value, KIND_LABELS[k]) for k in FollowUpKind]
    if not form.validate_on_submit():
        return _case_page(case, follow_up_form=form)
    try:
        service.add_follow_up(current_user, case, form.kind.data, filled(form.happened_on.data), filled(form.who.data),
                              form.notes.data or "", form.outcome.data or "", local_today(),
                              (form.summoned_name.data or "", form.summoned_role.data or "", form.place.data or ""))
    except ServiceError as error:
        attach_to_form(form, error, MESSAGES)
        return _case_page(case, follow_up_form=form)
    db.session.commit()
    flash(_("The follow-up is logged."), "info")
    return redirect(url_for("reports.supervision_case", case_id=case.id))


def _follow_up_form(follow_up=None) -> FollowUpForm:
    form = FollowUpForm(obj=follow_up) if follow_up is not None else FollowUpForm()
    form.kind.choices = [(k.value, KIND_LABELS[k]) for k in FollowUpKind]
    return form


@routes.route("/supervision/follow-ups/<id:follow_up_id>", methods=["GET", "POST"])
def supervision_follow_up_edit(follow_up_id: int):
    """Correct a follow-up logged wrong (a date mistyped, the wrong kind): audit-logged."""
    follow_up = service.find_follow_up(current_user, follow_up_id) or abort(404)
    form = _follow_up_form(follow_up)
    if form.validate_on_submit():
        try:
            service.correct_follow_up(current_user, follow_up, filled(form.kind.data), filled(form.happened_on.data),
                                      filled(form.who.data), form.notes.data or "", form.outcome.data or "",
                                      local_today())
        except ServiceError as error:
            db.session.rollback()
            form.happened_on.errors = [say(error, MESSAGES)]
        else:
            db.session.commit()
            flash(_("The follow-up is corrected."), "info")
            return redirect(url_for("reports.supervision_case", case_id=follow_up.case_id))
    return render_template("supervision/follow_up.html", follow_up=follow_up, form=form)


@routes.route("/supervision/follow-ups/<id:follow_up_id>/delete", methods=["GET", "POST"])
def supervision_follow_up_delete(follow_up_id: int):
    """What will be deleted, then 删除 / 取消 (quizapp.deleting); only that page's POST deletes."""
    follow_up = service.find_follow_up(current_user, follow_up_id) or abort(404)
    case_id = follow_up.case_id
    facts = [(_("Kind"), KIND_LABELS.get(FollowUpKind(follow_up.kind), follow_up.kind)),
             (_("Date"), follow_up.happened_on.isoformat()), (_("Who took part"), follow_up.who),
             (_("Notes"), follow_up.notes), (_("Outcome"), follow_up.outcome)]

    def delete() -> str:
        service.delete_follow_up(current_user, follow_up)
        flash(_("The follow-up is deleted."), "info")
        return url_for("reports.supervision_case", case_id=case_id)

    return confirm_then(deletion(_("Delete this follow-up?"), facts, url_for(
        "reports.supervision_follow_up_edit", follow_up_id=follow_up_id)), delete)


@routes.post("/supervision/cases/<id:case_id>/close")
def supervision_close(case_id: int):
    case = service.find_case(current_user, case_id) or abort(404)
    form = CloseCaseForm()
    if not form.validate_on_submit():
        return _case_page(case, close_form=form)
    try:
        service.close_case(current_user, case, filled(form.reason.data), local_today())
    except ServiceError as error:
        attach_to_form(form, error, MESSAGES)
        return _case_page(case, close_form=form)
    db.session.commit()
    flash(_("The case is closed."), "info")
    return redirect(url_for("reports.supervision", status=CaseStatus.CLOSED))


@routes.post("/supervision/cases/<id:case_id>/assign")
def supervision_assign(case_id: int):
    case = service.find_case(current_user, case_id) or abort(404)
    form = _owners(case, AssignForm())
    if not form.validate_on_submit():
        return _case_page(case, assign_form=form)
    try:
        service.assign_case(current_user, case, form.owner.data, filled(form.deadline.data), local_today())
    except ServiceError as error:
        attach_to_form(form, error, MESSAGES)
        return _case_page(case, assign_form=form)
    db.session.commit()
    flash(_("The owner and the deadline are saved."), "info")
    return redirect(url_for("reports.supervision_case", case_id=case.id))


@routes.post("/supervision/cases/<id:case_id>/reopen")
def supervision_reopen(case_id: int):
    case = service.find_case(current_user, case_id) or abort(404)
    form = ReopenForm()
    if not form.validate_on_submit():
        return _case_page(case, reopen_form=form)
    try:
        service.reopen_case(current_user, case, filled(form.reason.data), local_today())
    except ServiceError as error:
        attach_to_form(form, error, MESSAGES)
        return _case_page(case, reopen_form=form)
    db.session.commit()
    flash(_("The case is open again."), "info")
    return redirect(url_for("reports.supervision_case", case_id=case.id))


@routes.get(f"/supervision/ledger.{FORMAT}")
def supervision_ledger(fmt: str):
    today = local_today()
    cases = service.export_ledger(current_user, parse(CaseStatus, request.args.get("status")), fmt, today)
    data, name = sheets.ledger(cases, fmt, today)
    db.session.commit()  # the audit row
    return downloads.send(data, exports.MIMETYPES[fmt], name)
