"""The city admin's pages (the city blueprint, /city): the landing page with every town's counts,
the towns (a new town, a new name) and each town's admin accounts (a new one, shown once with its
one-time password). Aggregates only: the city admin opens no town's companies, grids or workers.

The rules and the audit trail live in towns.service and accounts.service; these views call them
and commit.
"""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from quizapp.accounts import service as accounts
from quizapp.accounts.wording import MESSAGES as ACCOUNT_MESSAGES
from quizapp.clock import local_today, utcnow
from quizapp.extensions import db
from quizapp.routing import Routes
from quizapp.rules.errors import ServiceError
from quizapp.rules.vocab import Role
from quizapp.towns import service
from quizapp.towns.forms import NameForm, TownAdminForm, TownForm
from quizapp.towns.wording import MESSAGES
from quizapp.validators import filled
from quizapp.wording import attach_to_form

routes = Routes()


def _status() -> int:
    return 400 if request.method == "POST" else 200


@routes.get("/")
def index():
    return render_template("towns/index.html", city=service.city(),
                           rows=service.town_rows(current_user, local_today()))


@routes.route("/towns", methods=["GET", "POST"])
def towns():
    form = TownForm()
    if form.validate_on_submit():
        try:
            town = service.create_town(current_user, filled(form.code.data), filled(form.name.data))
        except ServiceError as refused:
            db.session.rollback()
            attach_to_form(form, refused, MESSAGES)
        else:
            db.session.commit()
            flash(_("Town %(name)s created: now make its administrator's account.", name=town.name), "info")
            return redirect(url_for("city.town", town_id=town.id))
    city = service.city()
    return render_template("towns/towns.html", form=form, city=city,
                           rows=service.town_rows(current_user, local_today()),
                           city_form=NameForm(formdata=None, data={"name": city.name if city else ""})), _status()


@routes.post("/name")
def city_name():
    form = NameForm()
    if form.validate_on_submit():
        try:
            changed = service.rename_city(current_user, filled(form.name.data))
        except ServiceError:
            db.session.rollback()
            flash(_("Give the city's name."), "error")
        else:
            db.session.commit()
            flash(_("The city's name is saved.") if changed else _("Nothing was changed."), "info")
    else:
        flash(_("Give the city's name."), "error")
    return redirect(url_for("city.towns"))


def _town_or_404(town_id: int):
    return service.find_town(current_user, town_id) or abort(404)


def _town_page(town, name_form=None, admin_form=None):
    return render_template("towns/town.html", town=town, admins=service.town_admins(town),
                           name_form=name_form or NameForm(formdata=None, data={"name": town.name}),
                           admin_form=admin_form or TownAdminForm(formdata=None)), _status()


@routes.route("/towns/<id:town_id>", methods=["GET", "POST"])
def town(town_id: int):
    found = _town_or_404(town_id)
    form = NameForm()
    if request.method == "POST" and form.validate_on_submit():
        try:
            changed = service.rename_town(current_user, found, filled(form.name.data))
        except ServiceError as refused:
            db.session.rollback()
            attach_to_form(form, refused, MESSAGES)
        else:
            db.session.commit()
            flash(_("Town %(name)s saved.", name=found.name) if changed else _("Nothing was changed."), "info")
            return redirect(url_for("city.town", town_id=found.id))
    return _town_page(found, name_form=form if request.method == "POST" else None)


@routes.post("/towns/<id:town_id>/admins")
def town_admin_new(town_id: int):
    found = _town_or_404(town_id)
    form = TownAdminForm()
    if form.validate_on_submit():
        data = accounts.AccountInput(display_name=filled(form.display_name.data), role=Role.TOWN_ADMIN)
        try:
            account, password = accounts.create_account(current_user, filled(form.username.data), data, utcnow(),
                                                        town_id=found.id)
        except ServiceError as refused:
            db.session.rollback()
            attach_to_form(form, refused, ACCOUNT_MESSAGES)
        else:
            db.session.commit()
            page = render_template("towns/admin_created.html", town=found, account=account, password=password)
            return page, 200, {"Cache-Control": "no-store"}
    return _town_page(found, admin_form=form)
