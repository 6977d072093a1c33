"""Places in words: why a place was refused or a boundary file is bad (places.rules and
places.service codes), in the reader's language. Used by the places views and templates."""

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from quizapp.places.rules import MAX_PLACE_NAME, BoundaryProblem
from quizapp.wording import Messages

MESSAGES: Messages = {
    "places.too_long": lambda detail: _("A place name is at most %(n)d characters: %(name)s…", n=MAX_PLACE_NAME,
                                        name=detail),
    "places.in_use": lambda name: _("%(name)s is the place of some incident records: change those records first.",
                                    name=name),
    "places.applied": lambda: _("This boundary file was applied already."),
    "places.outlines_changed": lambda: _("The stored outlines changed after this file was checked (another file "
                                         "was applied since): nothing was stored. Check the file again to see "
                                         "what it would change now."),
}

BOUNDARY_REASONS = {
    "empty_file": _l("The file is empty."),
    "too_big": _l("The file is too big (at most %(detail)s KB)."),
    "not_json": _l("The file is not JSON (GeoJSON is JSON): %(detail)s"),
    "not_a_collection": _l("The file is not a GeoJSON FeatureCollection."),
    "no_features": _l("The FeatureCollection has no features."),
    "too_many_features": _l("Too many features (at most %(detail)s)."),
    "too_many_positions": _l("Too many positions in all (at most %(detail)s): simplify the outlines."),
    "not_a_feature": _l("This is not a GeoJSON Feature."),
    "no_grid_code": _l("The feature names no grid: give the grid's code in its properties (%(detail)s)."),
    "unknown_grid": _l("No grid has this code."),
    "duplicate_grid": _l("This grid was outlined already, by feature %(detail)s."),
    "no_geometry": _l("The feature has no geometry."),
    "not_a_polygon": _l("The geometry is not a Polygon or MultiPolygon."),
    "no_coordinates": _l("The geometry has no coordinates."),
    "not_a_ring": _l("Ring %(detail)s is not a list of positions."),
    "too_few_positions": _l("Ring %(detail)s has fewer than 4 positions."),
    "bad_position": _l("Ring %(detail)s: a position is not [longitude, latitude]."),
    "position_out_of_range": _l("Ring %(detail)s: longitude or latitude out of range."),
    "ring_not_closed": _l("Ring %(detail)s does not close: its last position must be its first."),
}


def boundary_problem_text(problem: BoundaryProblem) -> str:
    """One problem of a boundary file, in words."""
    return str(BOUNDARY_REASONS[problem.reason]) % {"detail": problem.detail}
