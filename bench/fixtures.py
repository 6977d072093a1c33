"""What the one-company and one-town benchmarks (shift_burst.py, board.py, roster_import.py,
uploads.py, register_import.py and the scripts built on them) share: the town their grids and
accounts live in. Since towns are tenants (migration 0031) a grid and every account but the city
admin's need a town, and a town a city. Not a benchmark itself.
"""

from __future__ import annotations


def bench_town():
    """A town of a one-town city, flushed, inside the caller's app context: where a benchmark's
    grids and accounts (`town_id`: a town admin's, a company's staff's) belong."""
    from quizapp.extensions import db
    from quizapp.models import City, Town

    town = Town(city=City(name="bench city"), code="bench", name="bench town")
    db.session.add(town)
    db.session.flush()
    return town


def bench_grid(code: str = "bench", name: str = "bench grid"):
    """A grid in a one-town city (bench_town's), flushed, inside the caller's app context."""
    from quizapp.extensions import db
    from quizapp.models import Grid

    grid = Grid(code=code, name=name, town_id=bench_town().id)
    db.session.add(grid)
    db.session.flush()
    return grid
