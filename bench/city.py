"""The city at scale on PostgreSQL: the city page (/reports/city, as `synth-city-admin`, made here
when missing, and GET /api/v1/towns/figures with a city token), a town's dashboard and town view,
and the API's summaries, on `quizapp synth --towns 32` (90,000 companies), at 365, 180 and 90 days of history.

Run by hand, on a PostgreSQL database of its own (tests/bench/test_scripts.py runs it tiny on SQLite):
    createdb -h 127.0.0.1 -p 5446 -U postgres city
    nice -n 19 .venv/bin/python bench/city.py --database-url postgresql+psycopg://postgres@127.0.0.1:5446/city --build
    .venv/bin/python bench/city.py --database-url ... --days 365,180,90 --runs 20

`--build` applies the migrations to the (empty) database and runs `quizapp synth --towns 32
--companies 2813 --workers 50000 --days 365 --attempt-days 30` (about 1.6 million workers; the
first town also gets its last 30 days' finished attempts, which the dashboard's coverage reads).
Then, for each history length, longest first: the rollup rows older than that are deleted (and
the table vacuumed), and with the Flask test client, after one warm-up, N timed requests of each
URL. Reported: median and 95th percentile wall clock, and the median CPU of this process (the app:
PostgreSQL runs in its own processes), with the load average beside them. Target (issue 16):
every median under 300 ms, flat from 90 to 365 days.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import town  # noqa: E402  (the synthetic accounts' password, signing in and the timed GET the town benchmarks share)
from fixtures import results_path  # noqa: E402
from town import PASSWORD  # noqa: E402

TARGET_MS = 300


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", required=True,
                        help="a PostgreSQL database of its own (a SQLite file works for a tiny run)")
    parser.add_argument("--build", action="store_true", help="migrate and synthesise the city first")
    parser.add_argument("--towns", type=int, default=32)
    parser.add_argument("--companies", type=int, default=2813, help="per town")
    parser.add_argument("--workers", type=int, default=50_000, help="per town")
    parser.add_argument("--days", default="365,180,90", help="history lengths, longest first")
    parser.add_argument("--runs", type=int, default=20)
    return parser.parse_args()


def make_app(url: str):
    from quizapp import create_app

    return create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench", "WTF_CSRF_ENABLED": False,
                       "SESSION_COOKIE_SECURE": False, "REMEMBER_COOKIE_SECURE": False,
                       "RATELIMIT_STORAGE_URI": "memory://", "RATELIMIT_ENABLED": False})


def build(app, args: argparse.Namespace) -> None:
    from flask_migrate import upgrade

    from quizapp.clock import local_today
    from quizapp.demo.synth import synthesize
    from quizapp.extensions import db

    with app.app_context():
        upgrade()
        started = time.perf_counter()
        report = synthesize(local_today(), companies=args.companies, workers=args.workers, days=365,
                            towns=args.towns, attempt_days=30, attempt_towns=1, password=PASSWORD,
                            progress=lambda text: print(f"  {text}", flush=True))
        db.session.commit()
        print(f"synthesised in {time.perf_counter() - started:.0f} s: {report}", flush=True)
    vacuum(app)


def vacuum(app) -> None:
    from sqlalchemy import text

    from quizapp.extensions import db

    with app.app_context(), db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        # SQLite (the test suite's tiny run, tests/bench) vacuums and analyses in two statements.
        for statement in ("VACUUM ANALYZE",) if db.engine.dialect.name == "postgresql" else ("VACUUM", "ANALYZE"):
            connection.execute(text(statement))


def keep_days(app, days: int) -> int:
    """Delete the rollup rows (CompanyDay and TownDay) older than `days` days of history; how many
    company-days went."""
    from sqlalchemy import delete

    from quizapp.clock import local_today
    from quizapp.extensions import db
    from quizapp.models import CompanyDay, TownDay

    with app.app_context():
        first = local_today() - timedelta(days=days - 1)
        gone = db.session.execute(delete(CompanyDay).where(
            CompanyDay.day < first)).rowcount  # type: ignore[attr-defined]
        db.session.execute(delete(TownDay).where(TownDay.day < first))  # the city page's rollup, likewise
        db.session.commit()
    vacuum(app)
    return gone


def token(app, username: str) -> str:
    from sqlalchemy import select

    from quizapp.clock import utcnow
    from quizapp.extensions import db
    from quizapp.models import StaffUser
    from quizapp.tokens import service as tokens

    with app.app_context():
        admin = db.session.scalar(select(StaffUser).where(StaffUser.username == username))
        _, secret = tokens.issue_token(admin, "bench", utcnow())
        db.session.commit()
    return secret


def first_grid(app) -> int:
    from sqlalchemy import select

    from quizapp.extensions import db
    from quizapp.models import Grid

    with app.app_context():
        return db.session.scalar(select(Grid.id).order_by(Grid.code))


def pages(app) -> list[tuple[str, object, str, dict | None]]:
    """(label, client, url, headers) of everything measured."""
    from quizapp.clock import local_today

    with app.app_context():
        year = (local_today() - timedelta(days=365)).isoformat()
    admin, officer = town.signed_in(app, "synth-admin"), town.signed_in(app, "synth-officer-1")
    api, headers = app.test_client(), {"Authorization": f"Bearer {token(app, 'synth-admin')}"}
    found: list[tuple[str, object, str, dict | None]] = [
        ("town dashboard, town admin", admin, "/reports/", None),
        ("town dashboard, officer of 25 grids", officer, "/reports/", None),
        ("town view, town admin", admin, "/reports/town", None),
        ("API grids summary, 30 days", api, "/api/v1/grids/summary", headers),
        ("API grids summary, 366 days", api, f"/api/v1/grids/summary?from={year}", headers),
        ("API companies summary, 1,000, 30 days", api, "/api/v1/companies/summary?limit=1000", headers),
        ("API companies, 1,000, 366 days", api, f"/api/v1/companies/summary?from={year}&limit=1000", headers),
        ("API one grid day by day, 366 days", api, f"/api/v1/grids/{first_grid(app)}/days?from={year}", headers),
    ]
    with app.app_context():
        city_admin()
    city = town.signed_in(app, CITY_ADMIN)
    city_api = {"Authorization": f"Bearer {token(app, CITY_ADMIN)}"}
    found[:0] = [("city page, city admin, 30 days", city, "/reports/city", None),
                 ("city page, city admin, 90 days", city, "/reports/city?days=90", None),
                 ("API towns figures, city token, 30 days", api, "/api/v1/towns/figures", city_api)]
    return found


CITY_ADMIN = "synth-city-admin"


def city_admin() -> None:
    """The city admin the city page is measured as (`quizapp synth` makes none): made once."""
    from sqlalchemy import select

    from quizapp.clock import utcnow
    from quizapp.extensions import db
    from quizapp.models import StaffUser
    from quizapp.towns import service as towns

    if db.session.scalar(select(StaffUser.id).where(StaffUser.username == CITY_ADMIN)) is None:
        account, _ = towns.create_city_admin(CITY_ADMIN, "市反诈中心", "本市", utcnow())
        account.set_password(PASSWORD)
        account.must_change_password = False
        db.session.commit()


def main() -> None:
    args = arguments()
    app = make_app(args.database_url)
    if args.build:
        build(app, args)
    results: dict = {"load_before": os.getloadavg(), "runs": args.runs, "histories": {}}
    for days in [int(d) for d in args.days.split(",")]:
        gone = keep_days(app, days)
        print(f"{days} days of history ({gone:,} older rollup rows deleted)", flush=True)
        measured = {}
        for label, client, url, headers in pages(app):
            measured[label] = figures = town.timed_get(client, url, args.runs, headers)
            verdict = "ok" if figures["median_ms"] < TARGET_MS else "OVER TARGET"
            print(f"  {label:40} median {figures['median_ms']:6.0f} ms  p95 {figures['p95_ms']:6.0f} ms  "
                  f"(CPU {figures['cpu_median_ms']:4.0f} ms)  {figures['bytes'] / 1024:6.0f} KB  {verdict}  "
                  f"(load {figures['load']:.1f})", flush=True)
        results["histories"][days] = measured
    results["load_after"] = os.getloadavg()
    histories = list(results["histories"])
    print("\nmedian / p95 ms:")
    print(f"  {'':40}" + "".join(f"{str(d) + ' days':>16}" for d in histories))
    for label in results["histories"][histories[0]]:
        cells = [results["histories"][d].get(label) for d in histories]
        print(f"  {label:40}" + "".join(f"{c['median_ms']:>8.0f} /{c['p95_ms']:>5.0f}" if c else f"{'':>16}"
                                        for c in cells))
    out = results_path("city")
    out.write_text(json.dumps(results, indent=2))
    print(f"written to {out}")


if __name__ == "__main__":
    main()
