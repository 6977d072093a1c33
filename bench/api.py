"""The API's summary endpoints at town scale: the synthetic town (3,000 companies, 125 grids, 150,000
workers) with 30 and 365 days of history, read with a token.

Run by hand (tests/bench/test_scripts.py only runs it at a tiny size, to keep it working):
    .venv/bin/python bench/api.py                          # 30 and 365 days of history (about 4 minutes)
    .venv/bin/python bench/api.py --days 365 --runs 5

For each history length: a fresh SQLite database built by bench/town.py (`quizapp
synth`), a token issued by the synthetic town admin, then, with the Flask test client, one warm-up
and N timed requests of each URL: every grid over 30 days and over 366 days (the longest range
allowed), every company over 30 and 366 days (1,000 a page: the largest page; three pages cover
the town), and one grid day by day over 366 days. Reports the median and the slowest, wall clock
and this process's CPU (SQLite runs inside it), with the load average beside them: timings on a
shared machine are noisy. The rate limit is off here; every request still writes its audit row.
"""

from __future__ import annotations

import sys
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import town  # noqa: E402  (the synthetic town and the timer the town-scale benchmarks share)


def urls(app) -> list[tuple[str, str]]:
    from sqlalchemy import select

    from quizapp.clock import local_today
    from quizapp.extensions import db
    from quizapp.models import Grid

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

    from quizapp.clock import utcnow
    from quizapp.extensions import db
    from quizapp.models import StaffUser
    from quizapp.tokens import service as tokens

    with app.app_context():
        admin = db.session.scalar(select(StaffUser).where(StaffUser.role == "town_admin"))
        _, secret = tokens.issue_token(admin, "bench", utcnow())
        db.session.commit()
    return secret


def measure(app, runs: int) -> dict[str, dict]:
    client, headers = app.test_client(), {"Authorization": f"Bearer {issue(app)}"}
    results = {}
    for label, url in urls(app):
        results[label] = figures = town.timed_get(client, url, runs, headers)
        print(town.line(label, figures, f"{figures['bytes'] / 1024:6.0f} KB", 36), flush=True)
    return results


def main() -> None:
    args = town.arguments(__doc__.split("\n\n")[0], "30,365")
    # Attempts are only needed for coverage, which the API does not give: none are made.
    town.run("api", args, 0, lambda app: measure(app, args.runs), "no target", 36)


if __name__ == "__main__":
    main()
