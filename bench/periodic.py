"""Weekly and monthly reports at town scale: a grid's and the town's report pages (and their XLSX
downloads) on the synthetic town (3,000 companies, 125 grids, 150,000 workers), with 30, 90 and
365 days of history.

Run by hand (tests/bench/test_scripts.py only runs it at a tiny size, to keep it working):
    .venv/bin/python bench/periodic.py                       # 30, 90 and 365 days (about 6 minutes)
    .venv/bin/python bench/periodic.py --days 30,365 --runs 10

Builds each town as bench/town.py does (a fresh SQLite database, migrations, `quizapp synth`)
and times, with the Flask test client, one warm-up and N requests of each page: the weekly and the
monthly report of a grid as an officer of 25 grids (their first grid, about 24 companies) and of
the whole town as the town admin, plus the monthly XLSX downloads. Reports the median and the
slowest. Target (issue 5): each page under 300 ms, flat as history grows: a report reads its period
and the one before (14 or about 61 days), whatever the history. The downloads write an audit row
each; they have no target of their own and are shown for information.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import town  # noqa: E402  (the synthetic town and the timer the town-scale benchmarks share)

PAGES = [("weekly, grid (officer)", "synth-officer-1", "/reports/periodic/week", True),
         ("monthly, grid (officer)", "synth-officer-1", "/reports/periodic/month", True),
         ("weekly, town (admin)", "synth-admin", "/reports/periodic/week", True),
         ("monthly, town (admin)", "synth-admin", "/reports/periodic/month", True),
         ("monthly XLSX, grid (officer)", "synth-officer-1", "/reports/periodic/month.xlsx", False),
         ("monthly XLSX, town (admin)", "synth-admin", "/reports/periodic/month.xlsx", False)]


def measure(app, runs: int) -> dict[str, dict]:
    results = {}
    for label, username, url, targeted in PAGES:
        results[label] = figures = town.timed_get(town.signed_in(app, username), url, runs)
        print(town.line(label, figures, town.verdict(figures) if targeted else "(no target)", 30), flush=True)
    return results


def main() -> None:
    args = town.arguments(__doc__.split("\n\n")[0], "30,90,365")
    # No attempts: the reports read the rollup only.
    town.run("periodic", args, 0, lambda app: measure(app, args.runs), f"target {town.TARGET_MS} for the pages", 30)


if __name__ == "__main__":
    main()
