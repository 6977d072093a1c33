"""Weekly and monthly reports at town scale: a grid's and the town's report pages (and their XLSX
downloads) on the synthetic town (3,000 companies, 125 grids, 150,000 workers), with 30, 90 and
365 days of history.

Run by hand (never in the test suite):
    .venv/bin/python bench/periodic.py                       # 30, 90 and 365 days (about 6 minutes)
    .venv/bin/python bench/periodic.py --days 30,365 --runs 10

Builds each town as bench/reports.py does (a fresh SQLite database, migrations, `quizapp synth`)
and times, with the Flask test client, one warm-up and N requests of each page: the weekly and the
monthly report of a grid as an officer of 25 grids (their first grid, about 24 companies) and of
the whole town as the town admin, plus the monthly XLSX downloads. Reports the median and the
slowest. Target (issue 5): each page under 300 ms, flat as history grows: a report reads its period
and the one before (14 or about 61 days), whatever the history. The downloads write an audit row
each; they have no target of their own and are shown for information.
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

from bench.reports import TARGET_MS, build, time_page  # noqa: E402

PAGES = [("weekly, grid (officer)", "synth-officer-1", "/reports/periodic/week", True),
         ("monthly, grid (officer)", "synth-officer-1", "/reports/periodic/month", True),
         ("weekly, town (admin)", "synth-admin", "/reports/periodic/week", True),
         ("monthly, town (admin)", "synth-admin", "/reports/periodic/month", True),
         ("monthly XLSX, grid (officer)", "synth-officer-1", "/reports/periodic/month.xlsx", False),
         ("monthly XLSX, town (admin)", "synth-admin", "/reports/periodic/month.xlsx", False)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--days", default="30,90,365", help="history lengths to try, comma-separated")
    parser.add_argument("--companies", type=int, default=3000)
    parser.add_argument("--workers", type=int, default=150_000)
    parser.add_argument("--grids", type=int, default=125)
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()

    results = {"load_before": os.getloadavg(), "runs": args.runs, "histories": {}}
    with tempfile.TemporaryDirectory(prefix="quizapp-bench-periodic-") as tmp:
        for days in [int(d) for d in args.days.split(",")]:
            print(f"{days} days of history", flush=True)
            # No attempts: the reports read the rollup only.
            app = build(Path(tmp) / f"town-{days}.sqlite", days, args.companies, args.workers, args.grids, 0, False)
            results["histories"][days] = {}
            for label, username, url, targeted in PAGES:
                wall, cpu = time_page(app, username, url, args.runs)
                figures = {"median_ms": round(statistics.median(wall), 1), "max_ms": round(max(wall), 1),
                           "cpu_median_ms": round(statistics.median(cpu), 1), "load": round(os.getloadavg()[0], 2)}
                results["histories"][days][label] = figures
                verdict = ("ok" if figures["median_ms"] < TARGET_MS else "OVER TARGET") if targeted else "(no target)"
                print(f"  {label:30} median {figures['median_ms']:6.0f} ms (CPU {figures['cpu_median_ms']:4.0f} ms)  "
                      f"slowest {figures['max_ms']:6.0f} ms  {verdict}   (load {figures['load']:.1f})", flush=True)
            with app.app_context():
                from quizapp.extensions import db
                db.session.remove()
                db.engine.dispose()
    results["load_after"] = os.getloadavg()

    histories = sorted(results["histories"])
    print(f"\nmedian ms, wall clock / CPU (target {TARGET_MS} for the pages):")
    print(f"  {'page':30}" + "".join(f"{str(d) + ' days':>14}" for d in histories))
    for label, _, _, _ in PAGES:
        cells = (results["histories"][d][label] for d in histories)
        print(f"  {label:30}" + "".join(f"{c['median_ms']:>8.0f} /{c['cpu_median_ms']:>4.0f}" for c in cells))
    out = ROOT / "bench" / "results" / f"periodic-{time.strftime('%Y%m%d-%H%M%S')}.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(results, indent=2))
    print(f"written to {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
