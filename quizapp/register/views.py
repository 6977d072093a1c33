"""Admin: the town's register of grids and companies. Upload a CSV or XLSX, see the preview (new,
changed field by field, moves, unchanged, not in the file, every problem at row and column), then
apply it all or cancel; the template and the export of the register as it is, in the same format.
Attached to the admin blueprint in quizapp/audiences.py; the rules are in register.service and
register.rules, their words in register.wording."""

from datetime import timedelta

from flask import abort, flash, make_response, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from quizapp import downloads
from quizapp.clock import local_today, utcnow
from quizapp.exports import service as exports
from quizapp.extensions import db
from quizapp.organisation.wording import deactivation_close_reason
from quizapp.previews import service as previews
from quizapp.register import service, sheets
from quizapp.register.forms import CancelRegisterForm, ConfirmRegisterForm, RegisterUploadForm
from quizapp.register.rules import file as rules
from quizapp.register.wording import FIELDS, MESSAGES, describe, template_notes
from quizapp.routing import Routes
from quizapp.rules.errors import Conflict, Invalid
from quizapp.rules.spreadsheets import CLEAR_MARKER
from quizapp.rules.vocab import ImportStatus
from quizapp.supervision.wording import RULE_LABELS
from quizapp.validators import filled
from quizapp.web import content_lang
from quizapp.wording import in_town_language, say

FORMAT = "<any(csv, xlsx):fmt>"

routes = Routes()


def _import_or_gone(import_id: int):
    """The admin's own import, or the page saying its preview has expired (retention deleted it)
    and to upload the file again: 404, the same for another account's import."""
    record = service.find_import(current_user, import_id)
    if record is None:
        abort(make_response(render_template("register/preview_gone.html"), 404))
    return record


@routes.route("/register", methods=["GET", "POST"])
def register():
    form = RegisterUploadForm()
    status = 200
    if form.validate_on_submit():
        upload = form.file.data
        data = upload.stream.read(rules.MAX_BYTES + 1)  # one byte past the limit, never the whole upload
        try:
            record = service.start_import(current_user, upload.filename or "", data, utcnow())
        except rules.RegisterFileError as error:
            flash(say(error, MESSAGES), "error")
            status = 400
        else:
            db.session.commit()
            return redirect(url_for("admin.register_preview", register_id=record.id))
    now = utcnow()
    return render_template("register/index.html", form=form, imports=service.recent_imports(current_user),
                           expired=lambda item: service.expired(item, now), headers=rules.HEADERS,
                           max_mb=rules.MAX_BYTES // (1024 * 1024), clear_marker=CLEAR_MARKER), status


@routes.get("/register/<id:register_id>")
def register_preview(register_id: int):
    record = _import_or_gone(register_id)
    expired = service.expired(record, utcnow())
    is_open = record.status == ImportStatus.PREVIEW and not expired
    plan = service.plan_for(current_user, record, local_today()) if is_open else None
    problems = sorted([*service.file_problems(record), *plan.problems], key=lambda p: (p["row"], p["column"])) \
        if plan else []
    return render_template("register/preview.html", record=record, plan=plan, problems=problems, expired=expired,
                           hours=previews.MAX_AGE // timedelta(hours=1),
                           ignored=[p["column"] for p in record.errors if p.get("reason") == "ignored_column"],
                           form=ConfirmRegisterForm(plan=plan.fingerprint() if plan else ""),
                           cancel_form=CancelRegisterForm(), describe=describe, fields=FIELDS,
                           workdays=rules.format_workdays, shifts=_shifts_on_the_page,
                           rule_labels=RULE_LABELS)


@routes.get(f"/register/<id:register_id>/preview.{FORMAT}")
def register_preview_download(register_id: int, fmt: str):
    """Every change the preview lists, and every case it would close, as a spreadsheet."""
    record = _import_or_gone(register_id)
    if record.status != ImportStatus.PREVIEW or service.expired(record, utcnow()):
        abort(404)
    plan = service.plan_for(current_user, record, local_today())
    data, name = sheets.preview(plan, service.file_problems(record), fmt, record.id, local_today())
    return downloads.send(data, exports.MIMETYPES[fmt], name)


def _shifts_on_the_page(shifts) -> str:
    # Between Chinese shift names the page's semicolon is the full-width one.
    return rules.format_shifts(shifts, "；" if content_lang() == "zh" else "; ")


@routes.post("/register/<id:register_id>/apply")
def register_apply(register_id: int):
    _import_or_gone(register_id)
    form = ConfirmRegisterForm()
    if not form.validate_on_submit():
        flash(_("Please confirm from the preview page."), "error")
        return redirect(url_for("admin.register_preview", register_id=register_id))
    try:
        plan = service.apply_import(current_user, register_id, filled(form.plan.data), form.deactivate_missing.data,
                                    local_today(), utcnow(), in_town_language(deactivation_close_reason)(),
                                    form.confirm_most.data)
    except (Conflict, Invalid) as error:  # applied or cancelled already, problems, not the plan the admin
        # saw, or most of the town deactivated without the second tick
        db.session.rollback()
        flash(say(error, MESSAGES), "error")
        return redirect(url_for("admin.register_preview", register_id=register_id))
    db.session.commit()
    flash(_("Register imported: %(grids)s grids and %(companies)s companies added, %(changed)s companies changed "
            "(%(moved)s moved), %(deactivated)s deactivated.", grids=len(plan.new_grids),
            companies=len(plan.new_companies), changed=len(plan.changed_companies), moved=len(plan.moved),
            deactivated=len(plan.missing_companies) if form.deactivate_missing.data else 0))
    return redirect(url_for("admin.grids"))


@routes.post("/register/<id:register_id>/cancel")
def register_cancel(register_id: int):
    _import_or_gone(register_id)
    if CancelRegisterForm().validate_on_submit():
        try:
            service.cancel_import(current_user, register_id, utcnow())
        except Conflict as error:
            flash(say(error, MESSAGES), "error")
        else:
            db.session.commit()
            flash(_("Import cancelled. Nothing in the town was changed."))
    return redirect(url_for("admin.register"))


def _sheet(rows: list[dict], fmt: str, english: bool) -> bytes:
    table = rules.sheet_rows(rows, english)
    return rules.to_csv(table) if fmt == "csv" else rules.to_xlsx(table, template_notes(english))


@routes.get(f"/register/template.{FORMAT}")
def register_template(fmt: str):
    data = _sheet(rules.template_rows(), fmt, content_lang() == "en")
    return downloads.send(data, exports.MIMETYPES[fmt], f"register-template.{fmt}", private=False)


@routes.get(f"/register/export.{FORMAT}")
def register_export(fmt: str):
    rows = service.export_register(current_user)
    db.session.commit()  # the audit row
    day = local_today().isoformat()
    return downloads.send(_sheet(rows, fmt, content_lang() == "en"), exports.MIMETYPES[fmt],
                          f"{_('register')}-{day}.{fmt}", f"register-{day}.{fmt}")
