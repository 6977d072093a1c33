"""The demo's made-up town map: 125 outlines that pass the boundary upload's checks, tile the
town without overlapping, lie around 大岭山's approximate centre, and points drawn inside them."""

import json
import random

from quizapp.demo import geography
from quizapp.places import rules


def test_the_town_is_125_good_outlines_around_the_centre():
    cells = geography.town_cells()
    names = geography.grid_names(len(cells))
    assert len(cells) == 125 and len({code for code, _ in names}) == len({name for _, name in names}) == 125
    document = geography.feature_collection([(code, cell.polygon) for (code, _), cell in zip(names, cells,
                                                                                              strict=True)])
    parsed = rules.check_boundaries(json.dumps(document).encode(), {code: n for n, (code, _) in enumerate(names)})
    assert parsed.ok and len(parsed.boundaries) == 125
    west, south, east, north = rules.bounds([c.polygon for c in cells])
    assert west < geography.CENTRE[0] < east and south < geography.CENTRE[1] < north
    assert 0.1 < east - west < 0.25 and 0.1 < north - south < 0.2  # a town of some 150 km², not a province


def test_outlines_do_not_overlap_and_points_fall_inside_their_own_grid():
    cells = geography.town_cells()
    rng = random.Random(2)
    for cell in cells:
        for _ in range(5):
            lon, lat = geography.point_in(cell, rng)
            assert [c for c in cells if rules.contains(c.polygon, lon, lat)] == [cell]


def test_the_same_seed_gives_the_same_town():
    assert geography.town_cells(10) == geography.town_cells(10)
    assert geography.town_cells(3) == geography.town_cells()[:3]
