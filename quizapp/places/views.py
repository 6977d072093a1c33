"""Admin: the grids' places (villages and communities an incident may name) and the grids'
boundaries (a GeoJSON upload, previewed, then applied). Attached to the admin blueprint in
quizapp/audiences.py; the rules are in places.service and places.rules."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from quizapp.clock import utcnow
from quizapp.deleting import Confirmation, confirm_then
from quizapp.extensions import db
from quizapp.places import service
from quizapp.places.forms import BoundaryApplyForm, BoundaryUploadForm, PlacesForm
from quizapp.places.rules import MAX_BOUNDARY_BYTES
from quizapp.places.wording import MESSAGES, boundary_problem_text
from quizapp.routing import Routes
from quizapp.rules.errors import Conflict, NotFound, ServiceError
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
    return render_template("places/grid.html", grid=grid, places=service.grid_places(grid.id), form=form)


@routes.route("/places/<id:grid_id>/remove", methods=["GET", "POST"])
def grid_place_remove(grid_id: int):
    """Which place will be removed, then 移除 / 取消 (quizapp.deleting); only that page's POST removes."""
    back = url_for("admin.grid_places", grid_id=grid_id)
    try:  # another town's grid, or a place of another grid, does not exist for this admin
        grid = service.find_grid(current_user, grid_id)
        place_id = row_id(request.values.get("place"))
        if place_id is None:
            return redirect(back)
        place, used = service.find_place(current_user, grid.id, place_id)
    except NotFound:
        abort(404)
    if used:
        flash(say(Conflict("places.in_use", name=place.name), MESSAGES), "error")
        return redirect(back)

    def remove() -> str:
        try:
            name = service.remove_place(current_user, grid.id, place.id)
        except ServiceError as error:  # an incident record named it since the page was shown
            flash(say(error, MESSAGES), "error")
        else:
            flash(_("Removed %(name)s.", name=name), "info")
        return back

    return confirm_then(Confirmation(
        _("Remove this place?"), [(_("Village or community"), place.name), (_("Grid"), grid.name)], back,
        happens=(_("New incident records can no longer name it. No record names it now."),),
        button=_("Remove"), carry=[("place", place.id)]), remove)


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
                                                        else None, outlines=preview.outlines if preview else None))


@routes.post("/places/boundaries/apply")
def boundaries_apply():
    form = BoundaryApplyForm()
    upload_id = row_id(form.upload.data) if form.validate_on_submit() else None
    if upload_id is not None:
        try:
            count = service.apply_boundaries(current_user, upload_id, filled(form.outlines.data), utcnow())
        except NotFound:
            abort(404)
        except ServiceError as error:
            db.session.rollback()
            flash(say(error, MESSAGES), "error")
        else:
            db.session.commit()
            flash(_("Stored the outlines of %(n)d grids.", n=count), "info")
    return redirect(url_for("admin.boundaries"))
