"""Officer and town reports at town scale: the grid dashboard and the town view on a synthetic town
(3,000 companies, 125 grids, 150,000 workers), with 30, 90 and 365 days of history.

Run by hand (never in the test suite):
    .venv/bin/python bench/reports.py                       # 30, 90 and 365 days (about 6 minutes)
    .venv/bin/python bench/reports.py --days 30,365 --runs 10
    .venv/bin/python bench/reports.py --proposed-index        # with the index proposed for the rollup

For each history length: a fresh SQLite database (create_app + flask_migrate.upgrade), `quizapp
synth` (services.synth, with the last 30 days' finished official attempts so that coverage reads
realistic data), then, with the Flask test client, one warm-up and N timed requests of each page:
the grid dashboard as an officer of 25 grids (about 600 companies) and as the town admin (3,000
companies), and the town view. Reports the median and the slowest. Target (issue 5): each under
300 ms, and flat as history grows (each page reads a fixed window: 60 days for the dashboard's
trend, 12 weeks for the heat table; from 90 days on, the window is full). The machine's load
average is printed beside the figures: timings on a shared machine are noisy.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PASSWORD = "synth-2026"
PAGES = [("dashboard, officer of 25 grids", "synth-officer-1", "/reports/"),
         ("dashboard, town admin", "synth-admin", "/reports/"),
         ("town view, town admin", "synth-admin", "/admin/town")]
TARGET_MS = 300
# The index proposed for the rollup (docs/metrics-reports.md, the closing note): the reports' GROUP
# BYs then read it alone, never the table. `--proposed-index` adds it to the bench database only.
PROPOSED_INDEX = ("CREATE INDEX IF NOT EXISTS ix_company_day_figures ON company_day "
                  "(company_id, day, workday, headcount, completed, common_correct, common_answered)")


def build(path: Path, days: int, companies: int, workers: int, grids: int, attempt_days: int, index: bool):
    from flask_migrate import upgrade

    from quizapp import create_app
    from quizapp.extensions import db
    from quizapp.services.clock import local_today
    from quizapp.services.synth import synthesize

    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}", "SECRET_KEY": "bench", "WTF_CSRF_ENABLED": False,
                      "SESSION_COOKIE_SECURE": False, "REMEMBER_COOKIE_SECURE": False,
                      "RATELIMIT_STORAGE_URI": "memory://", "RATELIMIT_ENABLED": False})
    with app.app_context():
        upgrade()
        started = time.perf_counter()
        report = synthesize(local_today(), companies=companies, workers=workers, days=days, grids=grids,
                            attempt_days=min(attempt_days, days), password=PASSWORD)
        db.session.commit()
        if index:
            db.session.execute(db.text(PROPOSED_INDEX))
            db.session.commit()
        print(f"  synthesised in {time.perf_counter() - started:.0f} s: {report.rollup_rows:,} rollup rows, "
              f"{report.attempts:,} attempts", flush=True)
    return app


def time_page(app, username: str, url: str, runs: int) -> tuple[list[float], list[float]]:
    """Wall-clock and CPU milliseconds of each request after a warm-up. The CPU time of this
    process (SQLite runs inside it) is what the page costs; on a shared machine the wall clock
    also counts time spent waiting for a core."""
    client = app.test_client()
    client.post("/login", data={"username": username, "password": PASSWORD}).close()
    warm = client.get(url)
    assert warm.status_code == 200, (url, warm.status_code)
    warm.close()
    wall, cpu = [], []
    for _ in range(runs):
        started, started_cpu = time.perf_counter(), time.process_time()
        response = client.get(url)
        response.get_data()
        wall.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
        assert response.status_code == 200
        response.close()
    return wall, cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--days", default="30,90,365", help="history lengths to try, comma-separated")
    parser.add_argument("--companies", type=int, default=3000)
    parser.add_argument("--workers", type=int, default=150_000)
    parser.add_argument("--grids", type=int, default=125)
    parser.add_argument("--attempt-days", type=int, default=30)
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--proposed-index", action="store_true", help="add the proposed rollup index first")
    args = parser.parse_args()

    results = {"load_before": os.getloadavg(), "runs": args.runs, "proposed_index": args.proposed_index,
               "histories": {}}
    with tempfile.TemporaryDirectory(prefix="quizapp-bench-reports-") as tmp:
        for days in [int(d) for d in args.days.split(",")]:
            print(f"{days} days of history", flush=True)
            app = build(Path(tmp) / f"town-{days}.sqlite", days, args.companies, args.workers, args.grids,
                        args.attempt_days, args.proposed_index)
            results["histories"][days] = {}
            for label, username, url in PAGES:
                wall, cpu = time_page(app, username, url, args.runs)
                figures = {"median_ms": round(statistics.median(wall), 1), "max_ms": round(max(wall), 1),
                           "cpu_median_ms": round(statistics.median(cpu), 1), "load": round(os.getloadavg()[0], 2)}
                results["histories"][days][label] = figures
                print(f"  {label:32} median {figures['median_ms']:6.0f} ms (CPU {figures['cpu_median_ms']:4.0f} ms)  "
                      f"slowest {figures['max_ms']:6.0f} ms  "
                      f"{'ok' if figures['median_ms'] < TARGET_MS else 'OVER TARGET'}   (load {figures['load']:.1f})",
                      flush=True)
            with app.app_context():
                from quizapp.extensions import db
                db.session.remove()
                db.engine.dispose()
    results["load_after"] = os.getloadavg()

    histories = sorted(results["histories"])
    print(f"\nmedian ms, wall clock / CPU (target {TARGET_MS}):")
    print(f"  {'page':32}" + "".join(f"{str(d) + ' days':>14}" for d in histories))
    for label, _, _ in PAGES:
        cells = (results["histories"][d][label] for d in histories)
        print(f"  {label:32}" + "".join(f"{c['median_ms']:>8.0f} /{c['cpu_median_ms']:>4.0f}" for c in cells))
    out = ROOT / "bench" / "results" / f"reports-{time.strftime('%Y%m%d-%H%M%S')}.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(results, indent=2))
    print(f"written to {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
