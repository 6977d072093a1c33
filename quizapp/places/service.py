"""The town admin's places: each grid's villages and communities (what an incident may name as its
place) and the grids' boundaries, uploaded as GeoJSON, checked whole, shown, then applied. The
admin's own town's grids only: another town's do not exist for them (quizapp/scope.py).

Used by the admin's places and boundaries pages (places.views), the map (map.service) and the
demo. Takes the actor as an argument and flushes; the views commit. The checks are places.rules.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select, update

from quizapp import scope
from quizapp.audit import service as audit
from quizapp.extensions import db
from quizapp.models import BoundaryUpload, Grid, GridBoundary, GridPlace, Incident, StaffUser
from quizapp.places import rules
from quizapp.places.rules import ParsedBoundaries
from quizapp.rules.errors import Conflict, Invalid, NotFound

# --- places per grid ----------------------------------------------------------------------------


@dataclass(frozen=True)
class GridLine:
    grid: Grid
    places: int
    has_boundary: bool


def _town_grids(actor: StaffUser):
    return scope.visible_grids(actor, include_inactive=True)


def _town_grid_ids(actor: StaffUser):
    return _town_grids(actor).with_only_columns(Grid.id).order_by(None)


def grid_lines(actor: StaffUser) -> list[GridLine]:
    """Every grid of the town (active first, by code) with how many places it keeps and whether it
    has a boundary."""
    ids = _town_grid_ids(actor)
    counts = dict(db.session.execute(select(GridPlace.grid_id, func.count()).where(GridPlace.grid_id.in_(ids))
                                     .group_by(GridPlace.grid_id)).all())
    outlined = set(db.session.scalars(select(GridBoundary.grid_id).where(GridBoundary.grid_id.in_(ids))))
    grids = db.session.scalars(_town_grids(actor).order_by(None).order_by(Grid.active.desc(), Grid.code))
    return [GridLine(g, int(counts.get(g.id, 0)), g.id in outlined) for g in grids]


def find_grid(actor: StaffUser, grid_id: int) -> Grid:
    """A grid of the admin's town (NotFound otherwise: another town's does not exist for them)."""
    grid = db.session.scalar(_town_grids(actor).where(Grid.id == grid_id))
    if grid is None:
        raise NotFound("places.no_grid", grid=grid_id)
    return grid


def grid_places(grid_id: int) -> list[tuple[GridPlace, int]]:
    """The grid's places by name, each with how many incident records name it."""
    used = dict(db.session.execute(select(Incident.place_id, func.count()).where(Incident.place_id.is_not(None))
                                   .group_by(Incident.place_id)).all())
    places = db.session.scalars(select(GridPlace).where(GridPlace.grid_id == grid_id).order_by(GridPlace.name))
    return [(p, int(used.get(p.id, 0))) for p in places]


@dataclass(frozen=True)
class Added:
    added: list[str]
    already: list[str]  # names the grid keeps already (in any spelling places.rules.place_key equates)


def add_places(actor: StaffUser, grid_id: int, text: str) -> Added:
    """Add the names in `text` (one per line) to the grid's places. A name the grid has already
    is skipped and said; a name too long refuses the whole list (Invalid "places.too_long"), so
    nothing is half added."""
    grid = find_grid(actor, grid_id)
    kept = {rules.place_key(p.name) for p, _used in grid_places(grid.id)}
    names = []
    for line in text.splitlines():
        name, why = rules.clean_place_name(line)
        if why == "too_long":
            raise Invalid("places.too_long", detail=line.strip()[:40])
        if name:
            names.append(name)
    added, already = [], []
    for name in names:
        if rules.place_key(name) in kept:
            already.append(name)
            continue
        kept.add(rules.place_key(name))
        added.append(name)
        db.session.add(GridPlace(grid_id=grid.id, name=name))
    if added:
        audit.record(actor, "places.add", {"grid": grid.code, "names": added})
    db.session.flush()
    return Added(added, already)


def find_place(actor: StaffUser, grid_id: int, place_id: int) -> tuple[GridPlace, int]:
    """The grid's place (NotFound "places.no_place" for another grid's or none) and how many incident
    records name it, for the confirmation before it is removed."""
    grid = find_grid(actor, grid_id)
    place = db.session.get(GridPlace, place_id)
    if place is None or place.grid_id != grid.id:
        raise NotFound("places.no_place", place=place_id)
    return place, int(db.session.scalar(select(func.count()).select_from(Incident)
                                        .where(Incident.place_id == place.id)) or 0)


def remove_place(actor: StaffUser, grid_id: int, place_id: int) -> str:
    """Remove a place no incident record names (Conflict "places.in_use" otherwise: move those
    records first, so a record never loses where it happened unseen). Returns its name."""
    place, used = find_place(actor, grid_id, place_id)
    if used:
        raise Conflict("places.in_use", name=place.name)
    grid = find_grid(actor, grid_id)
    audit.record(actor, "places.remove", {"grid": grid.code, "name": place.name})
    db.session.delete(place)
    db.session.flush()
    return place.name


# --- boundaries ---------------------------------------------------------------------------------


def grid_codes(actor: StaffUser) -> dict[str, int]:
    """Every grid of the town's code, casefolded, to its id (an inactive grid may still be outlined)."""
    return {code.casefold(): gid for gid, code in db.session.execute(
        _town_grids(actor).with_only_columns(Grid.id, Grid.code).order_by(None))}


@dataclass(frozen=True)
class BoundaryPreview:
    filename: str
    parsed: ParsedBoundaries
    upload: BoundaryUpload | None  # None: the file has problems, nothing can be applied
    new: list[str]  # grid codes outlined for the first time
    replaced: list[str]  # grid codes whose stored outline the file replaces
    kept: list[str]  # grid codes with a stored outline the file leaves as it is
    missing: list[str]  # active grid codes with no outline, stored or in the file
    outlines: str = ""  # the stored outlines this preview was made against (rules.outlines_fingerprint)


def current_outlines(actor: StaffUser) -> str:
    """The fingerprint of the town's stored outlines now (places.rules.outlines_fingerprint)."""
    return rules.outlines_fingerprint(outlines(_town_grid_ids(actor)))


def preview_boundaries(actor: StaffUser, filename: str, data: bytes) -> BoundaryPreview:
    """Check a boundary file (places.rules.check_boundaries) without touching the stored ones. A
    file that passes is kept as an upload to apply; one that does not lists every problem, by
    feature index and grid code, and nothing is kept."""
    parsed = rules.check_boundaries(data, grid_codes(actor))
    if not parsed.ok:
        return BoundaryPreview(filename, parsed, None, [], [], [], [])
    upload = BoundaryUpload(filename=filename[:255], created_by=actor.id, features=[
        {"grid_id": b.grid_id, "code": b.code, "geometry": b.geometry} for b in parsed.boundaries])
    db.session.add(upload)
    db.session.flush()
    ids = _town_grid_ids(actor)
    stored = set(db.session.scalars(select(GridBoundary.grid_id).where(GridBoundary.grid_id.in_(ids))))
    codes = dict(db.session.execute(_town_grids(actor).with_only_columns(Grid.id, Grid.code).order_by(None)).all())
    in_file = {b.grid_id for b in parsed.boundaries}
    active = set(db.session.scalars(select(Grid.id).where(Grid.active.is_(True), Grid.id.in_(ids))))
    return BoundaryPreview(
        filename, parsed, upload,
        new=sorted(codes[g] for g in in_file - stored), replaced=sorted(codes[g] for g in in_file & stored),
        kept=sorted(codes[g] for g in stored - in_file), missing=sorted(codes[g] for g in active - stored - in_file),
        outlines=current_outlines(actor))


def apply_boundaries(actor: StaffUser, upload_id: int, seen: str, now: datetime) -> int:
    """Store every outline of a checked upload (replacing a grid's stored one; grids not in the
    file keep theirs), all in the caller's transaction. Returns how many. Refused (Conflict):
    - "places.outlines_changed" when the town's stored outlines are no longer those the preview was
      shown against (`seen`, BoundaryPreview.outlines): a file applied since would be overwritten by an
      older preview unseen; checking the file again shows what it would change now;
    - "places.applied" when the upload was applied already. Marking it applied is one conditional
      UPDATE (applied_at still empty), so two clicks at once apply it once: the second waits for the
      first's row lock and then finds it applied.
    An upload of another admin's, or unknown, is NotFound."""
    upload = db.session.get(BoundaryUpload, upload_id)
    if upload is None or upload.created_by != actor.id:
        raise NotFound("places.no_upload", upload=upload_id)
    if upload.applied_at is not None:  # said first: a second click after the first's answer
        raise Conflict("places.applied")
    if current_outlines(actor) != seen:
        raise Conflict("places.outlines_changed")
    marked = db.session.execute(update(BoundaryUpload).where(
        BoundaryUpload.id == upload_id, BoundaryUpload.applied_at.is_(None)).values(applied_at=now)
        .execution_options(synchronize_session=False))
    if marked.rowcount != 1:  # type: ignore[attr-defined]  # a CursorResult for an UPDATE
        raise Conflict("places.applied")
    db.session.expire(upload, ["applied_at"])
    stored = {b.grid_id: b for b in db.session.scalars(select(GridBoundary))}
    for feature in upload.features:
        boundary = stored.get(feature["grid_id"]) or GridBoundary(grid_id=feature["grid_id"])
        boundary.geometry, boundary.updated_by, boundary.updated_at = feature["geometry"], actor.id, now
        db.session.add(boundary)
    audit.record(actor, "boundaries.apply", {"filename": upload.filename, "grids": len(upload.features)})
    db.session.flush()
    return len(upload.features)


def outlines(grid_ids: set[int] | None = None) -> dict[int, dict]:
    """Stored outlines by grid id (only `grid_ids`' if given)."""
    query = select(GridBoundary)
    if grid_ids is not None:
        query = query.where(GridBoundary.grid_id.in_(grid_ids))
    return {b.grid_id: b.geometry for b in db.session.scalars(query)}

