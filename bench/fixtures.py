"""What the one-company benchmarks (shift_burst.py, board.py, roster_import.py, uploads.py) share:
the place their company lives in. Since towns are tenants (migration 0031) a grid needs a town, and
a town a city. Not a benchmark itself.
"""

from __future__ import annotations


def bench_grid(code: str = "bench", name: str = "bench grid"):
    """A grid in a one-town city, flushed, inside the caller's app context."""
    from quizapp.extensions import db
    from quizapp.models import City, Grid, Town

    town = Town(city=City(name="bench city"), code="bench", name="bench town")
    db.session.add(town)
    db.session.flush()
    grid = Grid(code=code, name=name, town_id=town.id)
    db.session.add(grid)
    db.session.flush()
    return grid
