"""Reports: fraud incidents (cases and losses per company or grid, per month and fraud type):
the figures page, a record by hand, CSV import with a preview, and the export.

Its routes are attached to the reports blueprint in quizapp/audiences.py; everything with a rule in it is in
incidents.service (scoping: an officer's grids only) and incidents.rules.
"""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from quizapp import downloads
from quizapp.clock import local_today, utcnow
from quizapp.deleting import confirm_then, deletion
from quizapp.exports import service as exports
from quizapp.extensions import db
from quizapp.incidents import service, sheets
from quizapp.incidents.forms import WHOLE_GRID, IncidentConfirmForm, IncidentForm, IncidentImportForm
from quizapp.incidents.rules import MAX_BYTES, month_start, parse_month, template_csv
from quizapp.incidents.wording import MESSAGES, import_summary, preview_summary, reason_text
from quizapp.routing import Routes
from quizapp.rules.errors import ServiceError
from quizapp.rules.inputs import row_id
from quizapp.rules.spreadsheets import CLEAR_MARKER
from quizapp.validators import filled, form_problems, query_int
from quizapp.web import content_lang
from quizapp.wording import say

FORMAT = "<any(csv, xlsx):fmt>"


def _filter() -> service.Filter:
    try:
        month = parse_month(request.args.get("month", ""))
    except ValueError:
        month = month_start(local_today())
    return service.checked_filter(current_user, min(month, month_start(local_today())), query_int("grid"),
                                  query_int("company"))

routes = Routes()


@routes.get("/incidents")
def incidents():
    page = service.incidents_page(current_user, _filter(), content_lang(), local_today(), utcnow())
    return render_template("incidents/index.html", page=page)


def _form(incident=None, fill: bool = True) -> IncidentForm:
    """The record form; `fill` with the incident's values (on GET; a POST brings its own)."""
    form = IncidentForm(data=None if incident is None or not fill else {
        "company": str(incident.company_id or WHOLE_GRID), "grid": str(incident.grid_id), "month": incident.month,
        "fraud_type": incident.fraud_type, "cases": incident.cases, "loss_yuan": incident.loss_yuan,
        "raw_reports": incident.raw_reports,
        "note": incident.note or "", "longitude": str(incident.longitude or ""),
        "latitude": str(incident.latitude or ""), "datum": incident.datum or "wgs84",
        "place": str(incident.place_id or "")})
    # Nothing chosen at first: a company or the whole grid is an answer the officer gives (forms.WHOLE_GRID).
    form.company.choices = [("", _("Choose…")), (WHOLE_GRID, _("— none: the whole grid —"))] + [
        (str(c.id), c.name) for c in service.visible_companies(current_user)]
    grids = [(str(g.id), g.name) for g in service.visible_grids(current_user)]
    form.grid.choices = grids if len(grids) == 1 else [("", "—")] + grids
    form.fraud_type.choices = service.fraud_types(content_lang())
    form.place.choices = [("", "—")] + service.place_choices(current_user)
    if incident is not None and incident.fraud_type not in dict(form.fraud_type.choices):
        # Filed under a topic that is not a fraud type before that was refused: shown, to keep or correct.
        form.fraud_type.choices.append((incident.fraud_type, service.type_names(content_lang()).get(
            incident.fraud_type, incident.fraud_type)))
    return form


def _save(form: IncidentForm, incident=None):
    """Store the form's record; on a rule the form cannot check, show it on the form."""
    data = service.IncidentInput(
        company_id=row_id(form.company.data), grid_id=row_id(form.grid.data), month=filled(form.month.data),
        fraud_type=form.fraud_type.data, cases=filled(form.cases.data), loss_yuan=filled(form.loss_yuan.data),
        note=(form.note.data or "").strip(), point=form.point,
        place_id=row_id(form.place.data), raw_reports=form.raw_reports.data or 0)
    try:
        saved = service.save_incident(current_user, local_today(), data, incident)
    except ServiceError as error:
        form.form_errors.append(say(error, MESSAGES))
        return None
    db.session.commit()
    flash(_("The record is saved."), "info")
    return redirect(url_for("reports.incidents", month=f"{saved.month:%Y-%m}"))


@routes.route("/incidents/new", methods=["GET", "POST"])
def incident_new():
    form = _form()
    if request.method == "GET":
        form.month.data = month_start(local_today())
    done = form.validate_on_submit() and _save(form)
    return done or render_template("incidents/form.html", form=form, incident=None)


@routes.route("/incidents/<id:incident_id>/edit", methods=["GET", "POST"])
def incident_edit(incident_id: int):
    incident = service.find_incident(current_user, incident_id) or abort(404)
    form = _form(incident, fill=request.method == "GET")
    done = form.validate_on_submit() and _save(form, incident)
    return done or render_template("incidents/form.html", form=form, incident=incident)


@routes.get("/incidents/template.csv")
def incident_template():
    return downloads.send(template_csv(), "text/csv; charset=utf-8", "incidents-template.csv", private=False)


@routes.route("/incidents/import", methods=["GET", "POST"])
def incident_import():
    form = IncidentImportForm()
    preview = None
    if form.validate_on_submit():
        upload = form.file.data
        data = upload.stream.read(MAX_BYTES + 1)  # one byte past the limit, never the whole upload
        preview = service.preview_import(current_user, local_today(), utcnow(), upload.filename or "", data)
        db.session.commit()  # the kept preview
    return render_template("incidents/import.html", form=form, preview=preview,
                           names=service.preview_names(preview, content_lang()) if preview else {},
                           confirm_form=IncidentConfirmForm(preview=preview.import_id if preview else None),
                           summary=preview_summary(len(preview.parsed.rows), preview.counts) if preview else "",
                           reason_text=reason_text, fraud_types=service.fraud_types(content_lang()),
                           clear_marker=CLEAR_MARKER)


@routes.post("/incidents/import/confirm")
def incident_import_confirm():
    form = IncidentConfirmForm()
    if not form.validate_on_submit():
        flash(_("Nothing was imported: %(problems)s", problems=form_problems(form)), "error")
        return redirect(url_for("reports.incident_import"))
    # A malformed id is no one's preview: "not found", as another account's.
    result = service.apply_import(current_user, local_today(), utcnow(), row_id(form.preview.data) or 0)
    if result.problems and result.problems[0].reason == "already_imported":  # a double tap, or Back and resend
        flash(reason_text(result.problems[0]), "info")
        return redirect(url_for("reports.incidents"))
    if result.problems:
        db.session.rollback()  # the preview claimed for this confirmation stays waiting
        flash(_("Nothing was imported: %(problems)s", problems=" ".join(
            reason_text(p) for p in result.problems[:5])), "error")
        return redirect(url_for("reports.incident_import"))
    db.session.commit()
    flash(import_summary(result.counts), "info")
    if result.left_out:
        flash(_("Left out, because they changed since the preview: %(problems)s", problems=" ".join(
            _("Row %(row)s: %(reason)s", row=p.row, reason=reason_text(p)) for p in result.left_out[:5])),
            "error")
    return redirect(url_for("reports.incidents"))


@routes.get(f"/incidents/export.{FORMAT}")
def incident_export(fmt: str):
    data, name = sheets.incidents(service.export_incidents(current_user, _filter(), fmt, content_lang()), fmt)
    db.session.commit()  # the audit row
    return downloads.send(data, exports.MIMETYPES[fmt], name)


# Registered after the pages that show a record (the access matrix visits routes in this order).
@routes.route("/incidents/<id:incident_id>/delete", methods=["GET", "POST"])
def incident_delete(incident_id: int):
    """What will be deleted, then 删除 / 取消 (quizapp.deleting); only that page's POST deletes."""
    incident = service.find_incident(current_user, incident_id) or abort(404)
    companies = {c.id: c.name for c in service.visible_companies(current_user)}
    grids = {g.id: g.name for g in service.visible_grids(current_user)}
    facts = [(_("Company"), companies.get(incident.company_id, "") if incident.company_id else
              _("— none: the whole grid —")), (_("Grid"), grids.get(incident.grid_id, "")),
             (_("Month"), f"{incident.month:%Y-%m}"),
             (_("Fraud type"), service.type_names(content_lang()).get(incident.fraud_type, incident.fraud_type)),
             (_("Confirmed cases"), incident.cases), (_("Losses (yuan)"), f"{incident.loss_yuan:,.2f}")]

    def delete() -> str:
        month = incident.month
        service.delete_incident(current_user, incident)
        flash(_("The record is deleted."), "info")
        return url_for("reports.incidents", month=f"{month:%Y-%m}")

    return confirm_then(deletion(_("Delete this record?"), facts, url_for(
        "reports.incident_edit", incident_id=incident_id)), delete)
