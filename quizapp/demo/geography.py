"""A made-up town's map for the demo and the synthetic town: 125 grid outlines tiling an area
about 大岭山's size around its approximate centre (113.84°E, 22.90°N), and points inside them.

Used by demo.service (the demo town) and demo.synth (the synthetic town). Nothing here is real
boundary data: the outlines are a jittered lattice of quadrilaterals (each shared corner and edge
bend moved once, so neighbours meet exactly and the town has no gaps), cut to a rounded blob of
cells. Pure: no Flask, no database.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass

CENTRE = (113.84, 22.90)  # longitude, latitude (WGS-84), roughly the town's middle
# The demo city's second, smaller town (demo.service.SECOND_TOWN), to the south-east of the first.
SECOND_CENTRE = (114.00, 22.86)
CELL = 0.0095  # degrees: grids of about 1 km across
COLUMNS, ROWS = 15, 14
CORNER_JITTER = 0.2  # of a cell: small enough that every quadrilateral stays convex
EDGE_BEND = 0.08  # of a cell: the bend halfway along each edge
TOWN_GRIDS = 125

# Made-up village names for the demo's grids (no real village is meant).
STEMS = ("岭东", "岭西", "石桥", "松园", "梅坑", "竹围", "杨屋", "鹤山", "莲塘", "桂岭", "龙湾", "榕树头", "新围",
         "旧圩", "茶园", "水口", "凤岗", "白沙", "金竹", "上坑", "下坑", "云岭", "樟木", "桥头", "塘尾")


@dataclass(frozen=True)
class Cell:
    """One grid's outline: a GeoJSON Polygon, and the four corners that points are drawn between."""

    row: int
    col: int
    corners: tuple[tuple[float, float], ...]  # south-west, south-east, north-east, north-west
    polygon: dict


def _lattice(rng: random.Random, centre: tuple[float, float]) -> dict[tuple[int, int], tuple[float, float]]:
    x0 = centre[0] - COLUMNS * CELL / 2
    y0 = centre[1] - ROWS * CELL / 2
    # Degrees of longitude are shorter than of latitude here: cells are square on the ground.
    stretch = 1 / math.cos(math.radians(centre[1]))
    return {(r, c): (round(x0 + (c + rng.uniform(-CORNER_JITTER, CORNER_JITTER)) * CELL * stretch, 6),
                     round(y0 + (r + rng.uniform(-CORNER_JITTER, CORNER_JITTER)) * CELL, 6))
            for r in range(ROWS + 1) for c in range(COLUMNS + 1)}


def _bend(a: tuple[float, float], b: tuple[float, float], rng: random.Random,
          bends: dict[tuple, tuple[float, float]]) -> tuple[float, float]:
    """The point halfway between two corners, moved a little across the edge: the same for the
    two cells that share the edge."""
    key = (min(a, b), max(a, b))
    if key not in bends:
        dx, dy = b[0] - a[0], b[1] - a[1]
        shift = rng.uniform(-EDGE_BEND, EDGE_BEND)
        bends[key] = (round((a[0] + b[0]) / 2 - dy * shift, 6), round((a[1] + b[1]) / 2 + dx * shift, 6))
    return bends[key]


def town_cells(count: int = TOWN_GRIDS, seed: int = 20260601, centre: tuple[float, float] = CENTRE) -> list[Cell]:
    """`count` (at most COLUMNS × ROWS) adjacent cells nearest `centre` in a slightly irregular
    rounded shape, ordered from the centre outwards (the first cells are the town's middle)."""
    rng = random.Random(seed)
    corners = _lattice(rng, centre)
    middle = ((ROWS - 1) / 2, (COLUMNS - 1) / 2)
    wobble = {(r, c): rng.uniform(0, 1.6) for r in range(ROWS) for c in range(COLUMNS)}
    order = sorted(((r, c) for r in range(ROWS) for c in range(COLUMNS)),
                   key=lambda rc: math.hypot(rc[0] - middle[0], (rc[1] - middle[1]) * 0.9) + wobble[rc])
    bends: dict[tuple, tuple[float, float]] = {}
    cells = []
    for r, c in order[:min(count, ROWS * COLUMNS)]:
        sw, se, ne, nw = corners[(r, c)], corners[(r, c + 1)], corners[(r + 1, c + 1)], corners[(r + 1, c)]
        ring = [sw, _bend(sw, se, rng, bends), se, _bend(se, ne, rng, bends), ne, _bend(ne, nw, rng, bends), nw,
                _bend(nw, sw, rng, bends), sw]
        cells.append(Cell(r, c, (sw, se, ne, nw), {"type": "Polygon", "coordinates": [[list(p) for p in ring]]}))
    return cells


def point_in(cell: Cell, rng: random.Random) -> tuple[float, float]:
    """A point well inside the cell (away from its bent edges), rounded as a phone gives it."""
    u, v = rng.uniform(0.25, 0.75), rng.uniform(0.25, 0.75)
    (x1, y1), (x2, y2), (x3, y3), (x4, y4) = cell.corners
    x = (1 - u) * (1 - v) * x1 + u * (1 - v) * x2 + u * v * x3 + (1 - u) * v * x4
    y = (1 - u) * (1 - v) * y1 + u * (1 - v) * y2 + u * v * y3 + (1 - u) * v * y4
    return round(x, 6), round(y, 6)


def grid_names(count: int) -> list[tuple[str, str]]:
    """(code, name) for made-up grids: dl-001 岭东村第一网格, ..."""
    numerals = "一二三四五"
    return [(f"dl-{n + 1:03d}", f"{STEMS[n % len(STEMS)]}村第{numerals[n // len(STEMS) % 5]}网格")
            for n in range(count)]


def feature_collection(outlines: list[tuple[str, dict]]) -> dict:
    """The outlines as the boundary upload takes them: one feature per grid code."""
    return {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"grid": code}, "geometry": geometry} for code, geometry in outlines]}
