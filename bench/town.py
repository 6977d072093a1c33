"""What the town-scale benchmarks share (bench/reports.py, bench/periodic.py, bench/api.py): the
synthetic town built in a fresh SQLite database per history length, a timed GET, and the table
and JSON file of results. Not a benchmark itself.

Timings: each request after one warm-up, wall clock and this process's CPU (SQLite runs inside
it), with the machine's load average beside them, since a shared machine's wall clock is noisy.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from fixtures import results_path  # noqa: E402

PASSWORD = "synth-2026"  # every synthetic account's password
TARGET_MS = 300  # issue 5: officers' and town pages


def arguments(description: str, days: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--days", default=days, help="history lengths to try, comma-separated")
    parser.add_argument("--companies", type=int, default=3000)
    parser.add_argument("--workers", type=int, default=150_000)
    parser.add_argument("--grids", type=int, default=125)
    parser.add_argument("--attempt-days", type=int, default=30,
                        help="days of finished official attempts (only coverage reads them)")
    parser.add_argument("--runs", type=int, default=10)
    return parser.parse_args()


def build(path: Path, days: int, args: argparse.Namespace, attempt_days: int):
    """A fresh database at `path` with the migrations and `quizapp synth`'s town; the app."""
    from flask_migrate import upgrade

    from quizapp import create_app
    from quizapp.clock import local_today
    from quizapp.demo.synth import synthesize
    from quizapp.extensions import db

    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}", "SECRET_KEY": "bench", "WTF_CSRF_ENABLED": False,
                      "SESSION_COOKIE_SECURE": False, "REMEMBER_COOKIE_SECURE": False,
                      "RATELIMIT_STORAGE_URI": "memory://", "RATELIMIT_ENABLED": False})
    with app.app_context():
        upgrade()
        started = time.perf_counter()
        report = synthesize(local_today(), companies=args.companies, workers=args.workers, days=days,
                            grids=args.grids, attempt_days=min(attempt_days, days), password=PASSWORD)
        db.session.commit()
        print(f"  synthesised in {time.perf_counter() - started:.0f} s: {report.rollup_rows:,} rollup rows, "
              f"{report.attempts:,} attempts", flush=True)
    return app


def signed_in(app, username: str):
    """A test client signed in as one of the synthetic accounts."""
    client = app.test_client()
    client.post("/login", data={"username": username, "password": PASSWORD}).close()
    return client


def timed_get(client, url: str, runs: int, headers: dict | None = None) -> dict:
    """Median and slowest wall-clock ms, median CPU ms, the body's size and the load average."""
    warm = client.get(url, headers=headers)
    assert warm.status_code == 200, (url, warm.status_code, warm.get_data(as_text=True)[:300])
    size = len(warm.get_data())
    warm.close()
    wall, cpu = [], []
    for _ in range(runs):
        started, started_cpu = time.perf_counter(), time.process_time()
        response = client.get(url, headers=headers)
        response.get_data()
        wall.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
        assert response.status_code == 200
        response.close()
    wall.sort()
    return {"url": url, "median_ms": round(statistics.median(wall), 1), "max_ms": round(wall[-1], 1),
            "p95_ms": round(wall[min(len(wall) - 1, round(0.95 * (len(wall) - 1)))], 1),
            "cpu_median_ms": round(statistics.median(cpu), 1), "bytes": size, "load": round(os.getloadavg()[0], 2)}


def line(label: str, figures: dict, verdict: str, width: int) -> str:
    return (f"  {label:{width}} median {figures['median_ms']:6.0f} ms (CPU {figures['cpu_median_ms']:4.0f} ms)  "
            f"slowest {figures['max_ms']:6.0f} ms  {verdict}   (load {figures['load']:.1f})")


def verdict(figures: dict) -> str:
    return "ok" if figures["median_ms"] < TARGET_MS else "OVER TARGET"


def run(name: str, args: argparse.Namespace, attempt_days: int,
        measure: Callable[[object], dict[str, dict]], title: str, width: int = 32) -> None:
    """Build the town for each history length, `measure(app)` it ({label: timed_get's figures}),
    then print the table of medians and write bench/results/<name>-<time>.json (fixtures.results_path)."""
    results = {"load_before": os.getloadavg(), "runs": args.runs, "histories": {}}
    with tempfile.TemporaryDirectory(prefix=f"quizapp-bench-{name}-") as tmp:
        for days in [int(d) for d in args.days.split(",")]:
            print(f"{days} days of history", flush=True)
            app = build(Path(tmp) / f"town-{days}.sqlite", days, args, attempt_days)
            results["histories"][days] = measure(app)
            with app.app_context():
                from quizapp.extensions import db
                db.session.remove()
                db.engine.dispose()
    results["load_after"] = os.getloadavg()

    histories = sorted(results["histories"])
    print(f"\nmedian ms, wall clock / CPU ({title}):")
    print(f"  {'page':{width}}" + "".join(f"{str(d) + ' days':>14}" for d in histories))
    for label in results["histories"][histories[0]]:
        cells = (results["histories"][d][label] for d in histories)
        print(f"  {label:{width}}" + "".join(f"{c['median_ms']:>8.0f} /{c['cpu_median_ms']:>4.0f}" for c in cells))
    out = results_path(name)
    out.write_text(json.dumps(results, indent=2))
    print(f"written to {out}")
