"""Roster import: a 10,000-row roster from CSV and from XLSX, read and previewed, then applied,
through the services against a fresh SQLite database (create_app + the real migrations); then the
same through the pages (upload, preview, confirm) with Flask's test client.

Run by hand (tests/bench/test_scripts.py only runs it at a tiny size, to keep it working):
    .venv/bin/python bench/roster_import.py
    .venv/bin/python bench/roster_import.py --rows 20000 --database-url postgresql+psycopg://...

Target (issue 4): a 10,000-row roster imports, preview and commit, in under 10 seconds. Three runs
per format: a first import into an empty company, a re-import with 10% changed, 5% gone (deactivated
in the same step) and 2% new, and the same re-import as an XLSX. Results go to bench/results/ and
to standard output.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import random
import re
import sys
import tempfile
import time
from datetime import date, timedelta
from datetime import time as clock_time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SHIFTS = ["早班", "中班", "夜班"]
TEAMS = [f"{w}车间{g}组" for w in "一二三四五" for g in "ABCD"]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华"


def people(rows: int, rng: random.Random) -> list[list[str]]:
    start = date(2020, 1, 1)
    return [[f"E{i:06d}", rng.choice(SURNAMES) + "".join(rng.choices(GIVEN, k=rng.choice((1, 2)))),
             rng.choice(TEAMS), rng.choice(SHIFTS), (start + timedelta(days=rng.randrange(2000))).isoformat()]
            for i in range(1, rows + 1)]


def turnover(roster: list[list[str]], rng: random.Random) -> list[list[str]]:
    """The next month's file: 10% changed team or shift, 5% left, 2% new."""
    kept = [list(r) for r in roster if rng.random() >= 0.05]
    for row in rng.sample(kept, len(roster) // 10):
        row[2], row[3] = rng.choice(TEAMS), rng.choice(SHIFTS)
    base = len(roster) + 1
    new = people(len(roster) // 50, rng)
    for offset, row in enumerate(new):
        row[0] = f"E{base + offset:06d}"
    return kept + new


HEADER = ["工号", "姓名", "班组", "班次", "入职日期"]


def as_csv(rows) -> bytes:
    out = io.StringIO(newline="")
    csv.writer(out, lineterminator="\r\n").writerows([HEADER, *rows])
    return out.getvalue().encode("utf-8-sig")


def as_xlsx(rows) -> bytes:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet()
    for row in [HEADER, *rows]:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def timed(fn):
    started = time.perf_counter()
    result = fn()
    return result, time.perf_counter() - started


def through_services(app, actor, data: bytes, filename: str) -> dict:
    from quizapp.clock import local_today, utcnow
    from quizapp.extensions import db
    from quizapp.roster import service as roster

    with app.app_context():
        actor = db.session.merge(actor)
        record, read = timed(lambda: (roster.start_import(actor, filename, data, utcnow()), db.session.commit())[0])
        plan, preview = timed(lambda: roster.plan_for(record))
        left_out = len(record.errors)  # applying empties the kept import's rows and problems
        _, commit = timed(lambda: (roster.apply_import(actor, record.id, plan.fingerprint(), True, local_today(),
                                                       utcnow()), db.session.commit()))
        return {"file": filename, "bytes": len(data), "read_s": read, "preview_s": preview, "commit_s": commit,
                "total_s": read + preview + commit, "added": len(plan.added), "changed": len(plan.changed),
                "deactivated": len(plan.missing), "left_out": left_out}


def through_pages(client, data: bytes, filename: str) -> dict:
    from werkzeug.datastructures import FileStorage
    from werkzeug.test import encode_multipart

    boundary, body = encode_multipart({"file": FileStorage(io.BytesIO(data), filename)})
    response, upload = timed(lambda: client.post("/console/roster/import", data=body,
                                                 content_type=f"multipart/form-data; boundary={boundary}"))
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    url = response.location
    page, preview = timed(lambda: client.get(url).get_data(as_text=True))
    plan = re.search(r'name="plan" type="hidden" value="([0-9a-f]+)"', page).group(1)
    response, commit = timed(lambda: client.post(url + "/apply", data={"plan": plan, "deactivate_missing": "y"}))
    assert response.status_code == 302 and response.location.endswith("/console/roster"), response.status_code
    return {"file": filename, "upload_s": upload, "preview_page_s": preview, "confirm_s": commit,
            "total_s": upload + preview + commit, "preview_html_kb": len(page.encode()) // 1024}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--database-url", help="default: a fresh SQLite file in a temporary directory")
    args = parser.parse_args()

    workdir = tempfile.mkdtemp(prefix="roster-bench-")
    os.environ.setdefault("QUIZAPP_INSTANCE", workdir)
    from fixtures import bench_grid, results_path
    from flask_migrate import upgrade

    from quizapp import create_app
    from quizapp.extensions import db
    from quizapp.models import Company, Shift, StaffUser
    url = args.database_url or f"sqlite:///{workdir}/bench.sqlite"
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench", "WTF_CSRF_ENABLED": False,
                      "SESSION_COOKIE_SECURE": False, "RATELIMIT_ENABLED": False})
    with app.app_context():
        upgrade()
        grid = bench_grid("bench", "bench")
        accounts = {}
        for code in ("svc", "web"):
            company = Company(code=code, name=f"{code} 电子厂", grid_id=grid.id)
            db.session.add(company)
            db.session.flush()
            db.session.add_all(Shift(company_id=company.id, name=name, starts_at=clock_time(h))
                               for name, h in zip(SHIFTS, (8, 14, 22), strict=True))
            staff = StaffUser(username=f"staff-{code}", display_name=code, role="company_staff", company_id=company.id,
                              town_id=grid.town_id)
            staff.set_password("bench-password")
            db.session.add(staff)
            accounts[code] = staff
        db.session.commit()
        for staff in accounts.values():
            db.session.refresh(staff)
        db.session.expunge_all()

    rng = random.Random(4)
    first = people(args.rows, rng)
    second = turnover(first, rng)
    files = [("first.csv", as_csv(first)), ("next-month.csv", as_csv(second)), ("next-month.xlsx", as_xlsx(second)),
             ("first-again.xlsx", as_xlsx(first))]
    print(f"{args.rows:,} rows; database {url.split('://')[0]}; files: "
          + ", ".join(f"{name} {len(data) / 1e6:.2f} MB" for name, data in files))

    results = {"rows": args.rows, "database": url.split("://")[0], "services": [], "pages": []}
    print("\nthrough the services (read+check+store | preview plan | apply+commit | total):")
    for name, data in files:
        figures = through_services(app, accounts["svc"], data, name)
        results["services"].append(figures)
        print(f"  {name:18} {figures['read_s']:6.2f} s | {figures['preview_s']:5.2f} s | {figures['commit_s']:5.2f} s"
              f" | {figures['total_s']:5.2f} s   +{figures['added']} ~{figures['changed']} -{figures['deactivated']}")

    client = app.test_client()
    client.post("/login", data={"username": "staff-web", "password": "bench-password"}).close()
    print("\nthrough the pages (upload | preview page | confirm | total):")
    for name, data in files:
        figures = through_pages(client, data, name)
        results["pages"].append(figures)
        print(f"  {name:18} {figures['upload_s']:6.2f} s | {figures['preview_page_s']:5.2f} s | "
              f"{figures['confirm_s']:5.2f} s | {figures['total_s']:5.2f} s   "
              f"(preview page {figures['preview_html_kb']} KB)")

    worst = max(f["total_s"] for f in results["services"] + results["pages"])
    print(f"\nslowest import: {worst:.2f} s (target: under 10 s) -> {'OK' if worst < 10 else 'TOO SLOW'}")
    out = results_path("roster_import")
    out.write_text(json.dumps(results, indent=2))
    print(f"results: {out}")


if __name__ == "__main__":
    main()
