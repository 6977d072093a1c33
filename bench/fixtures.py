"""What the benchmarks share: the town their grids and accounts live in (the one-company and
one-town scripts: shift_burst.py, board.py, roster_import.py, uploads.py, register_import.py and
those built on them; since towns are tenants, migration 0031, a grid and every account but the city
admin's need a town, and a town a city), and where every script writes its results. Not a benchmark
itself.
"""

from __future__ import annotations

import os
import time
from pathlib import Path


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


def results_path(name: str) -> Path:
    """bench/results/<name>-<time>.json (git ignores the folder), or the same file in the folder
    named by QUIZAPP_BENCH_RESULTS: the test suite's tiny runs (tests/bench) write there, never into
    the checkout."""
    folder = Path(os.environ.get("QUIZAPP_BENCH_RESULTS") or Path(__file__).resolve().parent / "results")
    folder.mkdir(parents=True, exist_ok=True)
    return folder / f"{name}-{time.strftime('%Y%m%d-%H%M%S')}.json"
