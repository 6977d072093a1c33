"""Console: the roster. The list with search and filters, importing a CSV or XLSX file (upload,
preview, confirm or cancel), the template file, one worker's page (edit, deactivate, reactivate,
reset PIN with a one-time code, unlock) and the printable first-time codes. Its routes are
attached to the console blueprint in quizapp/audiences.py; the rules are in
roster.service and roster.rules, their reasons in words in roster.wording.
"""

from datetime import timedelta

from flask import abort, flash, make_response, redirect, render_template, request, url_for
from flask_babel import format_date, format_datetime
from flask_babel import gettext as _
from flask_login import current_user

from quizapp import downloads, scope
from quizapp.clock import local_today, to_local, utcnow
from quizapp.deleting import Confirmation, confirm_then
from quizapp.exports import service as exports
from quizapp.extensions import db
from quizapp.previews import service as previews
from quizapp.roster import rules, service, sheets
from quizapp.roster.forms import ActionForm, ConfirmImportForm, RosterUploadForm, WorkerForm
from quizapp.roster.wording import FIELDS, MESSAGES, away_note, comeback, days_text, describe, template_notes
from quizapp.routing import Routes
from quizapp.rules.errors import Conflict, Invalid
from quizapp.rules.inputs import plain_text
from quizapp.rules.vocab import ImportStatus
from quizapp.signin.rules import CODE_DAYS
from quizapp.validators import filled, query_int, query_text
from quizapp.web import safe_next
from quizapp.wording import attach_to_form, say

TEMPLATE_TYPES = {"csv": "text/csv",
                  "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


def _import_or_gone(import_id: int):
    """The company staff's own import, or the page saying its preview has expired (retention deleted it)
    and to upload the file again: 404, the same for another account's import."""
    record = service.find_import(current_user, import_id)
    if record is None:
        abort(make_response(render_template("roster/preview_gone.html"), 404))
    return record


def _worker_or_404(employee_id: int):
    return service.find_worker(current_user, employee_id) or abort(404)

routes = Routes()


@routes.get("/roster")
def roster():
    filters = {key: query_text(key) for key in ("q", "team", "shift", "status")}
    page = service.list_workers(current_user, filters["q"], filters["team"], filters["shift"], filters["status"],
                                query_int("page", 1))
    return render_template("roster/index.html", page=page, filters=filters)


@routes.route("/roster/import", methods=["GET", "POST"])
def roster_import():
    form = RosterUploadForm()
    status = 200
    if form.validate_on_submit():
        upload = form.file.data
        # Read one byte past the limit, never the whole upload: a 50 MB file is refused, not loaded.
        data = upload.stream.read(rules.MAX_BYTES + 1)
        try:
            record = service.start_import(current_user, upload.filename or "", data, utcnow())
        except rules.RosterFileError as error:
            flash(say(error, MESSAGES), "error")
            status = 400
        else:
            db.session.commit()
            return redirect(url_for("console.roster_preview", import_id=record.id))
    now = utcnow()
    return render_template("roster/import.html", form=form, imports=service.recent_imports(current_user),
                           expired=lambda item: service.expired(item, now), headers=rules.HEADERS,
                           max_mb=rules.MAX_BYTES // (1024 * 1024), clear_marker=rules.CLEAR_MARKER), status


@routes.get("/roster/import/<id:import_id>")
def roster_preview(import_id: int):
    record = _import_or_gone(import_id)
    expired = service.expired(record, utcnow())
    plan = service.plan_for(record) if record.status == ImportStatus.PREVIEW and not expired else None
    form = ConfirmImportForm(plan=plan.fingerprint() if plan else "")
    return render_template("roster/preview.html", record=record, plan=plan, form=form, expired=expired,
                           hours=previews.MAX_AGE // timedelta(hours=1),
                           bad=service.left_out(record, plan) if plan else [], cancel_form=ActionForm(),
                           describe=describe, fields=FIELDS, today=local_today(), away_note=away_note,
                           clear_marker=rules.CLEAR_MARKER)


@routes.get("/roster/import/<id:import_id>/preview.<any(csv, xlsx):fmt>")
def roster_preview_download(import_id: int, fmt: str):
    """Every change the preview lists, as a spreadsheet to check before applying."""
    record = _import_or_gone(import_id)
    if record.status != ImportStatus.PREVIEW or service.expired(record, utcnow()):
        abort(404)
    plan = service.plan_for(record)
    data, name = sheets.preview(plan, service.left_out(record, plan), fmt, record.id, local_today())
    return downloads.send(data, exports.MIMETYPES[fmt], name)


@routes.post("/roster/import/<id:import_id>/apply")
def roster_apply(import_id: int):
    _import_or_gone(import_id)
    form = ConfirmImportForm()
    if not form.validate_on_submit():
        flash(_("Please confirm from the preview page."), "error")
        return redirect(url_for("console.roster_preview", import_id=import_id))
    try:
        plan = service.apply_import(current_user, import_id, filled(form.plan.data), form.deactivate_missing.data,
                                    local_today(), utcnow(), form.confirm_most.data)
    except (Conflict, Invalid) as error:  # applied or cancelled already, the roster changed since the
        # preview, or most of the active workers would be deactivated without the second tick
        db.session.rollback()
        flash(say(error, MESSAGES), "error")
        return redirect(url_for("console.roster_preview", import_id=import_id))
    db.session.commit()
    flash(_("Roster updated: %(added)s added, %(changed)s changed, %(deactivated)s deactivated.",
            added=len(plan.added), changed=len(plan.changed),
            deactivated=len(plan.missing) if form.deactivate_missing.data else 0))
    return redirect(url_for("console.roster"))


@routes.post("/roster/import/<id:import_id>/cancel")
def roster_cancel(import_id: int):
    _import_or_gone(import_id)
    if ActionForm().validate_on_submit():
        try:
            service.cancel_import(current_user, import_id, utcnow())
        except Conflict as error:
            flash(say(error, MESSAGES), "error")
        else:
            db.session.commit()
            flash(_("Import cancelled. Nothing on the roster was changed."))
    return redirect(url_for("console.roster_import"))


@routes.get("/roster/template.<fmt>")
def roster_template(fmt: str):
    if fmt not in TEMPLATE_TYPES:
        abort(404)
    shifts = service.shift_names(scope.own_company_id(current_user))
    first = shifts[0] if shifts else None
    data = rules.template_csv(first) if fmt == "csv" else rules.template_xlsx(first, template_notes())
    return downloads.send(data, TEMPLATE_TYPES[fmt], f"roster-template.{fmt}", private=False)


def _save(form: WorkerForm, employee):
    """The worker saved, or None with the reasons on the form's fields."""
    fields = {name: getattr(form, name).data for name in ("employee_no", "name", "team", "shift", "active_from")}
    try:
        return service.save_worker(current_user, employee, fields)
    except Invalid as error:
        attach_to_form(form, error, MESSAGES)
        return None


def _shift_choices(form: WorkerForm, employee, shifts: list[str]) -> None:
    """The company's shifts to choose from. A new worker must choose one (roster.rules.blank_for_new);
    on the roster "No shift" empties it, as a file's clear marker does, and a shift the company no
    longer has stays shown as the worker's until another is chosen (saving it is refused)."""
    current = employee.shift if employee is not None else ""
    choices = [("", _("No shift") if employee is not None else _("Choose a shift")), *((s, s) for s in shifts)]
    if current and current not in shifts:
        choices.append((current, _("%(shift)s (no longer one of the company's shifts)", shift=current)))
    form.shift.choices = choices


def _worker_page(form: WorkerForm, employee):
    company_id = scope.own_company_id(current_user)
    shifts = service.shift_names(company_id)
    _shift_choices(form, employee, shifts)
    return render_template("roster/worker.html", form=form, employee=employee, action_form=ActionForm(),
                           shifts=shifts, teams=service.team_names(company_id),
                           comes_back=employee is not None and service.comes_back(employee, local_today()),
                           absences=[days_text(a) for a in service.absences(employee)] if employee else [])


@routes.route("/roster/new", methods=["GET", "POST"])
def worker_new():
    form = WorkerForm()
    if form.validate_on_submit() and (saved := _save(form, None)) is not None:
        db.session.commit()
        flash(_("%(name)s was added to the roster.", name=saved.name))
        return redirect(url_for("console.worker", employee_id=saved.id))
    return _worker_page(form, None)


@routes.route("/roster/<id:employee_id>", methods=["GET", "POST"])
def worker(employee_id: int):
    employee = _worker_or_404(employee_id)
    form = WorkerForm(obj=employee)
    if form.validate_on_submit() and _save(form, employee) is not None:
        db.session.commit()
        flash(_("Saved."))
        return redirect(url_for("console.worker", employee_id=employee.id))
    return _worker_page(form, employee)


def _worker_action(employee_id: int, act, message):
    employee = _worker_or_404(employee_id)
    if ActionForm().validate_on_submit():
        act(employee)
        db.session.commit()
        flash(message(employee))
    return redirect(url_for("console.worker", employee_id=employee_id))


def _worker_facts(employee) -> list[tuple[str, object]]:
    """Who a confirmation acts on: the worker's name, number and team."""
    return [(_("Name"), employee.name), (_("Employee number"), employee.employee_no), (_("Team"), employee.team)]


@routes.route("/roster/<id:employee_id>/deactivate", methods=["GET", "POST"])
def worker_deactivate(employee_id: int):
    """Who will be deactivated and what that does, then 停用 / 取消 (quizapp.deleting); only that page's POST acts."""
    employee = _worker_or_404(employee_id)

    def deactivate() -> str:
        service.set_active(current_user, employee, False, local_today())
        flash(_("%(name)s was deactivated: no longer expected at the quiz, history kept.", name=employee.name))
        return url_for("console.worker", employee_id=employee_id)

    return confirm_then(Confirmation(
        _("Deactivate this worker?"), _worker_facts(employee), url_for("console.worker", employee_id=employee_id),
        happens=(_("From today the worker is no longer expected at the quiz and is signed out on every phone. "
                   "Past results are kept, and you can reactivate the worker later."),),
        button=_("Deactivate")), deactivate)


@routes.route("/roster/<id:employee_id>/reactivate", methods=["GET", "POST"])
def worker_reactivate(employee_id: int):
    """Who comes back and what that does (expected again from today; the days they were away, named,
    stay not counted), then 重新启用 / 取消 (quizapp.deleting); only that page's POST acts. A worker
    on the roster has nothing to come back from: their page."""
    employee, today = _worker_or_404(employee_id), local_today()
    if not service.comes_back(employee, today):
        return redirect(url_for("console.worker", employee_id=employee_id))

    def reactivate() -> str:
        service.set_active(current_user, employee, True, today)
        flash(_("%(name)s is active again.", name=employee.name))
        return url_for("console.worker", employee_id=employee_id)

    return confirm_then(Confirmation(
        _("Reactivate this worker?"), _worker_facts(employee), url_for("console.worker", employee_id=employee_id),
        happens=comeback(service.away_if_back(employee, today)), button=_("Reactivate"), danger=False), reactivate)


@routes.post("/roster/<id:employee_id>/sign-out")
def worker_sign_out(employee_id: int):
    return _worker_action(employee_id, lambda e: service.sign_out_everywhere(current_user, e),
                          lambda e: _("%(name)s is signed out on every phone. They sign in again with their PIN.",
                                      name=e.name))


@routes.route("/roster/<id:employee_id>/reset-pin", methods=["GET", "POST"])
def worker_reset_pin(employee_id: int):
    """Whose PIN will be reset and what that does, then 重置 / 取消 (quizapp.deleting); that page's POST
    resets and shows the one-time code once, on the answer (never in a cookie or a redirect)."""
    employee = _worker_or_404(employee_id)

    def reset():
        code = service.reset_pin(current_user, employee, utcnow())
        return make_response(_codes_page([service.FirstTimeCode(employee.employee_no, employee.name, employee.team,
                                                                code)], employee.setup_code_expires, reset=True))

    return confirm_then(Confirmation(
        _("Reset this worker's PIN?"), _worker_facts(employee), url_for("console.worker", employee_id=employee_id),
        happens=(_("The worker's PIN stops working at once, and every phone signed in as this worker is signed out."),
                 _("You then get a one-time code, shown once, to hand the worker, who chooses a new PIN with it.")),
        button=_("Reset PIN")), reset)


def _codes_page(codes, expires, reset: bool):
    return render_template("roster/codes_issued.html", codes=codes, reset=reset,
                           company=scope.own_company(current_user),
                           expires=format_datetime(to_local(expires), "yyyy-MM-dd HH:mm") if expires else "")


@routes.post("/roster/<id:employee_id>/unlock")
def worker_unlock(employee_id: int):
    """One tap from the board or the worker's page: wrong-PIN locks and waits start again."""
    employee = _worker_or_404(employee_id)
    if ActionForm().validate_on_submit():
        service.unlock(current_user, employee)
        db.session.commit()
        flash(_("%(name)s can sign in again.", name=employee.name))
    return redirect(safe_next(request.form.get("next"), url_for("console.worker", employee_id=employee_id)))


@routes.route("/roster/first-time-codes", methods=["GET", "POST"])
def first_time_codes():
    """Workers who have not signed in yet: make their one-time codes and print them as slips."""
    team = plain_text(request.values.get("team"))
    form = ActionForm()
    if form.validate_on_submit():
        codes = service.issue_first_time_codes(current_user, team, utcnow())
        db.session.commit()
        return _codes_page(codes, utcnow() + timedelta(days=CODE_DAYS), reset=False)
    company_id = scope.own_company_id(current_user)
    return render_template("roster/first_time_codes.html", workers=service.not_signed_in(current_user, team),
                           team=team, teams=service.team_names(company_id), form=form, days=CODE_DAYS, now=utcnow(),
                           local_date=lambda moment: format_date(to_local(moment), "yyyy-MM-dd"))
