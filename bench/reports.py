"""Officer and town reports at town scale: the grid dashboard and the town view on a synthetic town
(3,000 companies, 125 grids, 150,000 workers), with 30, 90 and 365 days of history.

Run by hand (tests/bench/test_scripts.py only runs it at a tiny size, to keep it working):
    .venv/bin/python bench/reports.py                       # 30, 90 and 365 days (about 6 minutes)
    .venv/bin/python bench/reports.py --days 30,365 --runs 10

For each history length: a fresh SQLite database (bench/town.py: migrations, `quizapp
synth` (demo.synth, with the last 30 days' finished official attempts so that coverage reads
realistic data), then, with the Flask test client, one warm-up and N timed requests of each page:
the grid dashboard as an officer of 25 grids (about 600 companies) and as the town admin (3,000
companies), and the town view. Reports the median and the slowest. Target (issue 5): each under
300 ms, and flat as history grows (each page reads a fixed window: 60 days for the dashboard's
trend, 12 weeks for the heat table; from 90 days on, the window is full). The machine's load
average is printed beside the figures: timings on a shared machine are noisy.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import town  # noqa: E402  (the synthetic town and the timer the town-scale benchmarks share)

PAGES = [("dashboard, officer of 25 grids", "synth-officer-1", "/reports/"),
         ("dashboard, town admin", "synth-admin", "/reports/"),
         ("town view, town admin", "synth-admin", "/reports/town")]


def measure(app, runs: int) -> dict[str, dict]:
    results = {}
    for label, username, url in PAGES:
        results[label] = figures = town.timed_get(town.signed_in(app, username), url, runs)
        print(town.line(label, figures, town.verdict(figures), 32), flush=True)
    return results


def main() -> None:
    args = town.arguments(__doc__.split("\n\n")[0], "30,90,365")
    town.run("reports", args, args.attempt_days, lambda app: measure(app, args.runs), f"target {town.TARGET_MS}")


if __name__ == "__main__":
    main()
