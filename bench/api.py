"""The API's summary endpoints at town scale: the synthetic town (3,000 companies, 125 grids, 150,000
workers) with 30 and 365 days of history, read with a token.

Run by hand (never in the test suite):
    .venv/bin/python bench/api.py                          # 30 and 365 days of history (about 4 minutes)
    .venv/bin/python bench/api.py --days 365 --runs 5

For each history length: a fresh SQLite database built as bench/reports.py builds it (`quizapp
synth`), a token issued by the synthetic town admin, then, with the Flask test client, one warm-up
and N timed requests of each URL: every grid over 30 days and over 366 days (the longest range
allowed), every company over 30 and 366 days (1,000 a page: the largest page; three pages cover
the town), and one grid day by day over 366 days. Reports the median and the slowest, wall clock
and this process's CPU (SQLite runs inside it), with the load average beside them: timings on a
shared machine are noisy. The rate limit is off here; every request still writes its audit row.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.reports import build  # noqa: E402  (the same synthetic town as the reports benchmark)


def urls(app) -> list[tuple[str, str]]:
    from sqlalchemy import select

    from quizapp.extensions import db
    from quizapp.models import Grid
    from quizapp.services.clock import local_today

    with app.app_context():
        today = local_today()
        grid_id = db.session.scalar(select(Grid.id).order_by(Grid.code))
    year = (today - timedelta(days=365)).isoformat()
    return [("grids summary, 30 days", "/api/v1/grids/summary"),
            ("grids summary, 366 days", f"/api/v1/grids/summary?from={year}"),
            ("companies summary, 30 days, 1,000", "/api/v1/companies/summary?limit=1000"),
            ("companies summary, 366 days, 1,000", f"/api/v1/companies/summary?from={year}&limit=1000"),
            ("one grid day by day, 366 days", f"/api/v1/grids/{grid_id}/days?from={year}")]


def issue(app) -> str:
    from sqlalchemy import select

    from quizapp.extensions import db
    from quizapp.models import StaffUser
    from quizapp.services import tokens
    from quizapp.services.clock import utcnow

    with app.app_context():
        admin = db.session.scalar(select(StaffUser).where(StaffUser.role == "town_admin"))
        _, secret = tokens.issue_token(admin, "bench", utcnow())
        db.session.commit()
    return secret


def time_url(app, secret: str, url: str, runs: int) -> tuple[list[float], list[float], int]:
    client = app.test_client()
    headers = {"Authorization": f"Bearer {secret}"}
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
    return wall, cpu, size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--days", default="30,365", help="history lengths to try, comma-separated")
    parser.add_argument("--companies", type=int, default=3000)
    parser.add_argument("--workers", type=int, default=150_000)
    parser.add_argument("--grids", type=int, default=125)
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()

    results = {"load_before": os.getloadavg(), "runs": args.runs, "histories": {}}
    with tempfile.TemporaryDirectory(prefix="quizapp-bench-api-") as tmp:
        for days in [int(d) for d in args.days.split(",")]:
            print(f"{days} days of history", flush=True)
            # Attempts are only needed for coverage, which the API does not give: none are made.
            app = build(Path(tmp) / f"town-{days}.sqlite", days, args.companies, args.workers, args.grids, 0, False)
            secret = issue(app)
            results["histories"][days] = {}
            for label, url in urls(app):
                wall, cpu, size = time_url(app, secret, url, args.runs)
                figures = {"url": url, "median_ms": round(statistics.median(wall), 1), "max_ms": round(max(wall), 1),
                           "cpu_median_ms": round(statistics.median(cpu), 1), "bytes": size,
                           "load": round(os.getloadavg()[0], 2)}
                results["histories"][days][label] = figures
                print(f"  {label:36} median {figures['median_ms']:6.0f} ms (CPU {figures['cpu_median_ms']:4.0f} ms)"
                      f"  slowest {figures['max_ms']:6.0f} ms  {size / 1024:6.0f} KB   (load {figures['load']:.1f})",
                      flush=True)
            with app.app_context():
                from quizapp.extensions import db
                db.session.remove()
                db.engine.dispose()
    results["load_after"] = os.getloadavg()

    histories = sorted(results["histories"])
    print("\nmedian ms, wall clock / CPU:")
    print(f"  {'request':36}" + "".join(f"{str(d) + ' days':>14}" for d in histories))
    for label in results["histories"][histories[0]]:
        cells = (results["histories"][d][label] for d in histories)
        print(f"  {label:36}" + "".join(f"{c['median_ms']:>8.0f} /{c['cpu_median_ms']:>4.0f}" for c in cells))
    out = ROOT / "bench" / "results" / f"api-{time.strftime('%Y%m%d-%H%M%S')}.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(results, indent=2))
    print(f"written to {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
