"""Admin: the town's grids and companies (town admin only, the admin blueprint's guard). Create,
edit, move, deactivate and reactivate; a company's page shows its QR code and links to its figures.
The rules and the audit log live in organisation.service; these views only call it and commit."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from quizapp import downloads
from quizapp.clock import local_today
from quizapp.deleting import Confirmation, confirm_then
from quizapp.extensions import db
from quizapp.links import worker_url
from quizapp.organisation import service as organisation
from quizapp.organisation.forms import ActiveForm, CompanyForm, GridForm, NewCompanyForm
from quizapp.organisation.rules import parse_company_query
from quizapp.organisation.wording import MESSAGES, deactivation_close_reason
from quizapp.posters import qr
from quizapp.routing import Routes
from quizapp.rules.errors import ServiceError
from quizapp.validators import filled
from quizapp.wording import attach_to_form, in_town_language, say


def _refused(form, refused: ServiceError) -> None:
    """Put the service's reasons on the form's fields (or above the form), and undo anything."""
    db.session.rollback()
    attach_to_form(form, refused, MESSAGES)


def _status() -> int:
    return 400 if request.method == "POST" else 200

routes = Routes()


@routes.route("/grids", methods=["GET", "POST"])
def grids():
    form = GridForm()
    if form.validate_on_submit():
        try:
            grid = organisation.create_grid(current_user, filled(form.code.data), filled(form.name.data))
        except ServiceError as refused:
            _refused(form, refused)
        else:
            db.session.commit()
            flash(_("Grid %(name)s created.", name=grid.name))
            return redirect(url_for("admin.grids"))
    return render_template("organisation/grids.html", rows=organisation.grid_rows(current_user, local_today()),
                           form=form), _status()


@routes.route("/grids/<id:grid_id>", methods=["GET", "POST"])
def grid_edit(grid_id: int):
    grid = organisation.find_grid(current_user, grid_id) or abort(404)
    form = GridForm() if request.method == "POST" else GridForm(data={"code": grid.code, "name": grid.name})
    if form.validate_on_submit():
        try:
            changed = organisation.update_grid(current_user, grid, filled(form.code.data), filled(form.name.data))
        except ServiceError as refused:
            _refused(form, refused)
        else:
            db.session.commit()
            flash(_("Grid %(name)s saved.", name=grid.name) if changed else _("Nothing was changed."))
            return redirect(url_for("admin.grids"))
    (row,) = organisation.grid_rows(current_user, local_today(), grid_id=grid.id)
    return render_template("organisation/grids_edit.html", row=row, form=form, active_form=ActiveForm()), _status()


@routes.post("/grids/<id:grid_id>/active")
def grid_active(grid_id: int):
    grid = organisation.find_grid(current_user, grid_id) or abort(404)
    form = ActiveForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        changed = organisation.set_grid_active(current_user, grid, form.active.data == "1")
    except ServiceError as refused:
        db.session.rollback()
        flash(say(refused, MESSAGES), "error")
    else:
        db.session.commit()
        if changed:
            flash(_("Grid %(name)s reactivated.", name=grid.name) if grid.active
                  else _("Grid %(name)s deactivated.", name=grid.name))
    return redirect(url_for("admin.grid_edit", grid_id=grid.id))


@routes.get("/companies")
def companies():
    query = parse_company_query(request.args)
    listing = organisation.search_companies(current_user, query, local_today())
    return render_template("organisation/companies.html", query=query, listing=listing,
                           grids=organisation.all_grids(current_user))


@routes.route("/companies/new", methods=["GET", "POST"])
def company_new():
    form = NewCompanyForm(grids=organisation.active_grids(current_user))
    if request.method == "GET":
        form.code.data = organisation.suggest_code()
    if form.validate_on_submit():
        try:
            company = organisation.create_company(current_user, form.company_input())
        except ServiceError as refused:
            _refused(form, refused)
        else:
            db.session.commit()
            flash(_("Company %(name)s created. Its QR code is below: print it for the company's workshops.",
                    name=company.name))
            return redirect(url_for("admin.company_edit", company_id=company.id))
    return render_template("organisation/companies_new.html", form=form), _status()


@routes.route("/companies/<id:company_id>", methods=["GET", "POST"])
def company_edit(company_id: int):
    company = organisation.find_company(current_user, company_id) or abort(404)
    stored = None if request.method == "POST" else {"name": company.name, "grid_id": company.grid_id,
                                                    "code": company.code}
    form = CompanyForm(data=stored, grids=organisation.active_grids(current_user), current_code=company.code,
                       current_grid=company.grid)
    if form.validate_on_submit():
        try:
            changed = organisation.update_company(current_user, company, form.company_input())
        except ServiceError as refused:
            _refused(form, refused)
        else:
            db.session.commit()
            flash(_("Company %(name)s saved.", name=company.name) if changed else _("Nothing was changed."))
            return redirect(url_for("admin.company_edit", company_id=company.id))
    url = worker_url(company)
    return render_template("organisation/companies_edit.html", company=company, form=form, active_form=ActiveForm(),
                           facts=organisation.company_facts(company, local_today()), worker_url=qr.readable(url),
                           qr_svg=qr.inline_svg(url, company.name)), _status()


def _qr_file(company_id: int, image_fmt: str):
    """The company's QR code as a file to print (the same code as the console's posters)."""
    company = organisation.find_company(current_user, company_id) or abort(404)
    data = qr.render(worker_url(company), image_fmt)
    return downloads.send(data, qr.FORMATS[image_fmt], f"{company.code}-qr.{image_fmt}", private=False)


# One endpoint per format, so the address names nothing but the company.
@routes.get("/companies/<id:company_id>/qr.png")
def company_qr_png(company_id: int):
    return _qr_file(company_id, "png")


@routes.get("/companies/<id:company_id>/qr.svg")
def company_qr_svg(company_id: int):
    return _qr_file(company_id, "svg")


@routes.route("/companies/<id:company_id>/deactivate", methods=["GET", "POST"])
def company_deactivate(company_id: int):
    """What deactivating the company does (out of today's figures and lists, past periods
    unchanged, its open supervision cases closed: how many, nothing deleted), then 停用 / 取消
    (quizapp.deleting); only that page's POST acts. An inactive company: its page."""
    company = organisation.find_company(current_user, company_id) or abort(404)
    back = url_for("admin.company_edit", company_id=company.id)
    if not company.active:
        return redirect(back)
    today = local_today()

    def deactivate() -> str:
        organisation.set_company_active(current_user, company, False, today,
                                        in_town_language(deactivation_close_reason)())
        flash(_("Company %(name)s deactivated.", name=company.name))
        return back

    def confirmation() -> Confirmation:
        cases = organisation.open_case_count(company)
        facts = organisation.company_facts(company, today)
        return Confirmation(
            _("Deactivate this company?"),
            [(_("Company"), company.name), (_("Code"), company.code), (_("Grid"), company.grid.name),
             (_("Active workers"), facts.active_workers)], back,
            happens=(
                _("From today it is out of today's figures and lists: the dashboards, the town view, the comparison "
                  "and the supervision rules. Its QR code and sign-in link stop working, and its workers and staff "
                  "are signed out."),
                _("Past days and periods keep their figures: it still counts through yesterday in every report, "
                  "the city page, exports and the API, so a report of a period already over does not change."),
                ngettext("Its %(num)d open supervision case is closed with that reason.",
                         "Its %(num)d open supervision cases are closed with that reason.", cases) if cases
                else _("It has no open supervision case."),
                _("Nothing is deleted: its roster, staff accounts, figures and incident records are kept, and it can "
                  "be reactivated (the days it was away then stay not counted)."),
            ), button=_("Deactivate"))

    return confirm_then(confirmation, deactivate)


@routes.post("/companies/<id:company_id>/active")
def company_active(company_id: int):
    """Reactivate (active=1). A deactivation posted here (an old page) does nothing but show its
    confirmation: deactivating is confirmed on its own page (company_deactivate)."""
    company = organisation.find_company(current_user, company_id) or abort(404)
    form = ActiveForm()
    if not form.validate_on_submit():
        abort(400)
    if form.active.data == "0":
        return redirect(url_for("admin.company_deactivate", company_id=company.id))
    try:
        changed = organisation.set_company_active(current_user, company, form.active.data == "1", local_today(),
                                                  in_town_language(deactivation_close_reason)())
    except ServiceError as refused:
        db.session.rollback()
        flash(say(refused, MESSAGES), "error")
    else:
        db.session.commit()
        if changed:
            flash(_("Company %(name)s reactivated.", name=company.name) if company.active
                  else _("Company %(name)s deactivated.", name=company.name))
    return redirect(url_for("admin.company_edit", company_id=company.id))
