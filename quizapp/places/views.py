"""Admin: the grids' places (villages and communities an incident may name) and the grids'
boundaries (a GeoJSON upload, previewed, then applied). Attached to the admin blueprint in
quizapp/audiences.py; the rules are in places.service and places.rules."""

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from quizapp.clock import utcnow
from quizapp.extensions import db
from quizapp.places import service
from quizapp.places.forms import BoundaryApplyForm, BoundaryUploadForm, PlacesForm, RemovePlaceForm
from quizapp.places.rules import MAX_BOUNDARY_BYTES
from quizapp.places.wording import MESSAGES, boundary_problem_text
from quizapp.routing import Routes
from quizapp.rules.errors import NotFound, ServiceError
from quizapp.rules.inputs import row_id
from quizapp.validators import filled
from quizapp.wording import say

routes = Routes()


@routes.get("/places")
def places():
    return render_template("places/index.html", lines=service.grid_lines(current_user))


@routes.route("/places/<id:grid_id>", methods=["GET", "POST"])
def grid_places(grid_id: int):
    try:
        grid = service.find_grid(current_user, grid_id)
    except NotFound:
        abort(404)
    form = PlacesForm()
    if form.validate_on_submit():
        try:
            added = service.add_places(current_user, grid.id, filled(form.names.data))
        except ServiceError as error:
            form.names.errors = [say(error, MESSAGES)]
        else:
            db.session.commit()
            flash(_("Added %(n)d places.", n=len(added.added)), "info")
            if added.already:
                flash(_("Kept already: %(names)s", names="、".join(added.already)), "info")
            return redirect(url_for("admin.grid_places", grid_id=grid.id))
    return render_template("places/grid.html", grid=grid, places=service.grid_places(grid.id), form=form,
                           remove_form=RemovePlaceForm())


@routes.post("/places/<id:grid_id>/remove")
def grid_place_remove(grid_id: int):
    try:
        service.find_grid(current_user, grid_id)  # another town's grid does not exist for this admin
    except NotFound:
        abort(404)
    form = RemovePlaceForm()
    if form.validate_on_submit():
        try:
            name = service.remove_place(current_user, grid_id, filled(form.place.data))
        except NotFound:
            abort(404)
        except ServiceError as error:
            flash(say(error, MESSAGES), "error")
        else:
            db.session.commit()
            flash(_("Removed %(name)s.", name=name), "info")
    return redirect(url_for("admin.grid_places", grid_id=grid_id))


@routes.route("/places/boundaries", methods=["GET", "POST"])
def boundaries():
    form = BoundaryUploadForm()
    preview = None
    if form.validate_on_submit():
        upload = form.file.data
        data = upload.stream.read(MAX_BOUNDARY_BYTES + 1)  # never more than the limit into memory
        preview = service.preview_boundaries(current_user, upload.filename or "", data)
        db.session.commit()  # the checked upload, to apply
    return render_template("places/boundaries.html", form=form, preview=preview, lines=service.grid_lines(current_user),
                           problem_text=boundary_problem_text, max_kb=MAX_BOUNDARY_BYTES // 1024,
                           apply_form=BoundaryApplyForm(upload=preview.upload.id if preview and preview.upload
                                                        else None))


@routes.post("/places/boundaries/apply")
def boundaries_apply():
    form = BoundaryApplyForm()
    upload_id = row_id(form.upload.data) if form.validate_on_submit() else None
    if upload_id is not None:
        try:
            count = service.apply_boundaries(current_user, upload_id, utcnow())
        except NotFound:
            abort(404)
        except ServiceError as error:
            flash(say(error, MESSAGES), "error")
        else:
            db.session.commit()
            flash(_("Stored the outlines of %(n)d grids.", n=count), "info")
    return redirect(url_for("admin.boundaries"))
