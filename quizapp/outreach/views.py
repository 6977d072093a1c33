"""The outreach ledger's pages, for company staff (/console/outreach: their company's activities)
and for grid officers and the town admin (/reports/outreach: their grids'): the ledger with its
totals, recording and changing an activity with its photo, the photo itself (guarded: only to
whoever may see the record), import with a preview, the template and the export.

One table of routes attached to both blueprints in quizapp/audiences.py (each guards its
audience); what an account sees and may change is outreach.service's, through quizapp/scope.py.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from quizapp import downloads
from quizapp.clock import local_today, utcnow
from quizapp.deleting import confirm_then, deletion
from quizapp.exports import service as exports
from quizapp.extensions import db
from quizapp.outreach import photos, service, sheets
from quizapp.outreach.forms import ActivityForm, ConfirmForm, ImportForm
from quizapp.outreach.rules import MAX_BYTES, template_csv, template_xlsx
from quizapp.outreach.wording import (
    MESSAGES,
    definitions,
    kind_choices,
    kind_name,
    kinds_in_files,
    labelled,
    reason_text,
)
from quizapp.routing import Routes
from quizapp.rules import inputs
from quizapp.rules.errors import ServiceError
from quizapp.validators import form_problems, query_int
from quizapp.wording import attach_to_form

routes = Routes()
FORMAT = "<any(csv, xlsx):fmt>"


def _folder() -> Path:
    return Path(current_app.config["QUIZAPP_PHOTO_DIR"])


def _layout() -> str:
    return f"{request.blueprint}/_layout.html"


def _month() -> date:
    """?month=YYYY-MM within the town's records (2000 to this month); else this month."""
    this_month = local_today().replace(day=1)
    try:
        month = date.fromisoformat(request.args.get("month", "") + "-01")
    except ValueError:
        return this_month
    return month if inputs.day_within(month, inputs.EARLIEST_DAY, this_month) else this_month


def _grid_arg() -> int | None:
    return query_int("grid")


def _render(name: str, **context):
    return render_template(name, layout=_layout(), kind_name=kind_name, **context)


@routes.get("/outreach")
def outreach():
    page = service.ledger(current_user, local_today(), _month(), _grid_arg())
    return _render("outreach/index.html", page=page, D=definitions(), grid_names={g.id: g.name for g in page.grids},
                   labelled=labelled)


def _form(record=None) -> ActivityForm:
    form = ActivityForm(data=None if record is None or request.method != "GET" else {
        "day": record.day, "kind": record.kind.value, "grid": str(record.grid_id), "place": record.place,
        "speaker": record.speaker, "people": record.people, "note": record.note})
    form.kind.choices = kind_choices()
    form.grid.choices = [(str(g.id), g.name) for g in service.recordable_grids(current_user)]
    return form


def _save(form: ActivityForm, record=None):
    """Store the form's activity; a rule the form cannot check is shown beside its field."""
    grid = form.grid.data or ""
    data = service.ActivityInput(day=form.day.data, kind=form.kind.data, place=form.place.data,
                                 speaker=form.speaker.data, people=form.people.data, note=form.note.data or "",
                                 grid_id=int(grid) if grid.isdigit() else None)
    upload = form.photo.data
    # Read one byte past the limit, no more: a bigger upload is refused without holding it in memory.
    photo = upload.read(photos.MAX_BYTES + 1) if upload and getattr(upload, "filename", "") else None
    try:
        if record is None:
            saved = service.record_activity(current_user, local_today(), data, photo, _folder())
        else:
            saved = service.change_activity(current_user, local_today(), record, data, photo,
                                            bool(form.remove_photo.data), _folder(), utcnow())
    except ServiceError as error:
        attach_to_form(form, error, MESSAGES)
        return None
    db.session.commit()
    flash(_("The activity is saved."), "info")
    return redirect(url_for(".outreach", month=f"{saved.day:%Y-%m}"))


@routes.route("/outreach/new", methods=["GET", "POST"])
def outreach_new():
    form = _form()
    if request.method == "GET":
        form.day.data = local_today()
    done = form.validate_on_submit() and _save(form)
    return done or _render("outreach/form.html", form=form, record=None, today=local_today())


@routes.route("/outreach/<id:activity_id>/edit", methods=["GET", "POST"])
def outreach_edit(activity_id: int):
    record = service.find_changeable(current_user, activity_id) or abort(404)
    form = _form(record)
    done = form.validate_on_submit() and _save(form, record)
    return done or _render("outreach/form.html", form=form, record=record, today=local_today())


@routes.get("/outreach/<id:activity_id>/photo")
def outreach_photo(activity_id: int):
    data = service.photo_of(current_user, activity_id, _folder())
    if data is None:
        abort(404)
    return downloads.send(data, "image/jpeg", f"outreach-{activity_id}.jpg", inline=True)


@routes.get(f"/outreach/template.{FORMAT}")
def outreach_template(fmt: str):
    own = request.blueprint == "console"
    grids = service.recordable_grids(current_user)
    code = grids[0].code if grids else "G01"
    data = template_csv(own, code) if fmt == "csv" else template_xlsx(own, code)
    return downloads.send(data, exports.MIMETYPES[fmt], f"outreach-template.{fmt}", private=False)


@routes.route("/outreach/import", methods=["GET", "POST"])
def outreach_import():
    form = ImportForm()
    preview = None
    if form.validate_on_submit():
        upload = form.file.data
        preview = service.preview_import(current_user, local_today(), utcnow(), upload.filename or "",
                                         upload.read(MAX_BYTES + 1))
        db.session.commit()  # the kept preview
    return _render("outreach/import.html", form=form, preview=preview, reason_text=reason_text,
                   confirm_form=ConfirmForm(preview=preview.import_id if preview else None), kinds=kinds_in_files(),
                   own=request.blueprint == "console",
                   grid_names={g.id: g.name for g in service.recordable_grids(current_user)})


@routes.post("/outreach/import/confirm")
def outreach_import_confirm():
    form = ConfirmForm()
    if not form.validate_on_submit():
        flash(_("Nothing was imported: %(problems)s", problems=form_problems(form)), "error")
        return redirect(url_for(".outreach_import"))
    # A malformed id is no one's preview: "not found", as another account's.
    result = service.apply_import(current_user, local_today(), utcnow(), inputs.row_id(form.preview.data) or 0)
    if result.problems and result.problems[0].reason in ("already_imported", "nothing_new"):  # a double tap,
        db.session.rollback()  # Back and resend, or every activity recorded since the preview
        flash(reason_text(result.problems[0]), "info")
        return redirect(url_for(".outreach"))
    if result.problems:
        db.session.rollback()  # the preview claimed for this confirmation stays waiting
        flash(_("Nothing was imported: %(problems)s", problems=" ".join(
            reason_text(p) for p in result.problems[:5])), "error")
        return redirect(url_for(".outreach_import"))
    db.session.commit()
    flash(_("Imported %(added)s activities reaching %(people)s people.", added=result.added,
            people=f"{result.people:,}"), "info")
    if result.left_out:
        flash(_("%(n)s rows were left out: those activities were already recorded.", n=result.left_out), "info")
    return redirect(url_for(".outreach"))


@routes.get(f"/outreach/export.{FORMAT}")
def outreach_export(fmt: str):
    found = service.export_ledger(current_user, local_today(), _month(), _grid_arg(), fmt)
    data, name = sheets.ledger(found, fmt)
    db.session.commit()  # the audit row
    return downloads.send(data, exports.MIMETYPES[fmt], name)


# Registered after the pages that show a record (the access matrix visits routes in this order).
@routes.route("/outreach/<id:activity_id>/delete", methods=["GET", "POST"])
def outreach_delete(activity_id: int):
    """What will be deleted, then 删除 / 取消 (quizapp.deleting); only that page's POST deletes."""
    record = service.find_changeable(current_user, activity_id) or abort(404)
    facts = [(_("Day"), record.day.isoformat()), (_("Kind"), kind_name(record.kind)), (_("Place"), record.place),
             (_("Speaker"), record.speaker), (_("People reached"), record.people), (_("Note"), record.note),
             (_("Photo"), _("the photo is deleted with it") if record.photo else "")]

    def delete() -> str:
        month = record.day
        service.delete_activity(current_user, record, _folder())
        flash(_("The activity is deleted."), "info")
        return url_for(".outreach", month=f"{month:%Y-%m}")

    return confirm_then(deletion(_("Delete this activity?"), facts, url_for(
        ".outreach_edit", activity_id=activity_id)), delete)
