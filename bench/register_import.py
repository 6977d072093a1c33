"""Register import: a town's register of 3,000 companies in 125 grids from CSV and XLSX, previewed
and applied, through the services and through the pages, against a fresh database (create_app +
the real migrations), with the town's workers on the roster (the preview reads which shifts they
are on).

Run by hand (tests/bench/test_scripts.py only runs it at a tiny size, to keep it working):
    .venv/bin/python bench/register_import.py
    .venv/bin/python bench/register_import.py --companies 3000 --grids 125 --database-url postgresql+psycopg://...

Target (issue 16): preview and apply each under 10 s for a 3,000-company register, for the first
import into an empty town and for a re-import with 10 % of the companies changed (a third renamed,
a third moved to another grid, a third with new settings or shift times). Four runs: the first
import (CSV, services), the re-import (CSV, services), then through the pages the first file again
as XLSX (which turns the changes back) and the re-import as XLSX. Results go to bench/results/ and
to standard output.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import random
import re
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

TRADES = ["电子", "五金", "塑胶", "纺织", "家具", "印刷", "模具", "玩具", "鞋业", "包装"]
SHIFT_SETS = [[["早班", "08:00"], ["夜班", "20:00"]], [["白班", "07:30"]], [["早班", "06:00"], ["中班", "14:00"],
                                                                         ["夜班", "22:00"]], []]
ALPHABET = "23456789abcdefghjkmnpqrstuvwxyz"


def town_register(companies: int, grids: int, rng: random.Random) -> list[dict]:
    codes: set[str] = set()
    while len(codes) < companies:
        codes.add("".join(rng.choices(ALPHABET, k=8)))
    rows = []
    for i, code in enumerate(sorted(codes)):
        grid = i % grids + 1
        rows.append({"grid_code": f"G{grid:03d}", "grid_name": f"第{grid}网格", "company_code": code,
                     "company_name": f"东莞{rng.choice(TRADES)}{i + 1}号有限公司", "questions_per_quiz": 5,
                     "workdays": rng.choice(["123456", "12345", "1234567"]), "shifts": rng.choice(SHIFT_SETS),
                     "active": True})
    return rows


def changed(rows: list[dict], grids: int, rng: random.Random) -> list[dict]:
    """The next file: 10 % of the companies changed, a third of them renamed, a third moved to
    another grid, a third with new settings (questions per quiz, workdays, a shift's start time)."""
    rows = [dict(r) for r in rows]
    for n, row in enumerate(rng.sample(rows, len(rows) // 10)):
        if n % 3 == 0:
            row["company_name"] += "（新址）"
        elif n % 3 == 1:
            grid = rng.randrange(1, grids + 1)
            row["grid_code"], row["grid_name"] = f"G{grid:03d}", f"第{grid}网格"
        else:
            row["questions_per_quiz"] = 6
            row["workdays"] = "12345" if row["workdays"] != "12345" else "123456"
            row["shifts"] = [[name, "07:45" if k == 0 else starts] for k, (name, starts) in enumerate(row["shifts"])]
    return rows


def timed(fn):
    started = time.perf_counter()
    result = fn()
    return result, time.perf_counter() - started


def through_services(app, username: str, data: bytes, filename: str) -> dict:
    from sqlalchemy import select

    from quizapp.clock import local_today, utcnow
    from quizapp.extensions import db
    from quizapp.models import StaffUser
    from quizapp.register import service

    with app.app_context():
        actor = db.session.scalar(select(StaffUser).where(StaffUser.username == username))
        record, read = timed(lambda: (service.start_import(actor, filename, data, utcnow()), db.session.commit())[0])
        plan, preview = timed(lambda: service.plan_for(actor, record, local_today()))
        assert not plan.problems and not record.errors, (plan.problems[:3], record.errors[:3])
        _, commit = timed(lambda: (service.apply_import(actor, record.id, plan.fingerprint(), False, local_today(),
                                                        utcnow(), "bench"), db.session.commit()))
        return {"file": filename, "bytes": len(data), "read_s": read, "preview_s": preview, "apply_s": commit,
                "added": len(plan.new_companies), "changed": len(plan.changed_companies), "moved": len(plan.moved),
                "unchanged": plan.unchanged_companies}


def through_pages(client, data: bytes, filename: str) -> dict:
    from werkzeug.datastructures import FileStorage
    from werkzeug.test import encode_multipart

    boundary, body = encode_multipart({"file": FileStorage(io.BytesIO(data), filename)})
    response, upload = timed(lambda: client.post("/admin/register", data=body,
                                                 content_type=f"multipart/form-data; boundary={boundary}"))
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    url = response.location
    page, preview = timed(lambda: client.get(url).get_data(as_text=True))
    plan = re.search(r'name="plan" type="hidden" value="([0-9a-f]+)"', page).group(1)
    response, commit = timed(lambda: client.post(url + "/apply", data={"plan": plan}))
    assert response.status_code == 302 and response.location.endswith("/admin/grids"), response.status_code
    return {"file": filename, "upload_s": upload, "preview_page_s": preview, "apply_s": commit,
            "preview_html_kb": len(page.encode()) // 1024}


def add_workers(app, per_company: int, rng: random.Random) -> int:
    """The town's workers, on their company's shifts (what the preview checks a removed shift against)."""
    from sqlalchemy import insert, select

    from quizapp.extensions import db
    from quizapp.models import Company, Employee, Shift

    with app.app_context():
        shifts: dict[int, list[str]] = {}
        for company_id, name in db.session.execute(select(Shift.company_id, Shift.name)):
            shifts.setdefault(company_id, []).append(name)
        rows = [{"company_id": cid, "employee_no": f"E{n:05d}", "name": "工人", "team": "一车间",
                 "shift": rng.choice(shifts.get(cid, [""])), "active": True}
                for cid in db.session.scalars(select(Company.id)) for n in range(per_company)]
        for start in range(0, len(rows), 10_000):
            db.session.execute(insert(Employee), rows[start:start + 10_000])
        db.session.commit()
        return len(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--companies", type=int, default=3_000)
    parser.add_argument("--grids", type=int, default=125)
    parser.add_argument("--workers-per-company", type=int, default=50)
    parser.add_argument("--database-url", help="default: a fresh SQLite file in a temporary directory")
    args = parser.parse_args()

    workdir = tempfile.mkdtemp(prefix="register-bench-")
    os.environ.setdefault("QUIZAPP_INSTANCE", workdir)
    from fixtures import bench_town, results_path
    from flask_migrate import upgrade

    from quizapp import create_app
    from quizapp.extensions import db
    from quizapp.models import StaffUser
    from quizapp.register.rules.file import sheet_rows, to_csv, to_xlsx

    url = args.database_url or f"sqlite:///{workdir}/bench.sqlite"
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench", "WTF_CSRF_ENABLED": False,
                      "SESSION_COOKIE_SECURE": False, "RATELIMIT_ENABLED": False})
    with app.app_context():
        upgrade()
        admin = StaffUser(username="admin", display_name="admin", role="town_admin", town_id=bench_town().id)
        admin.set_password("bench-password")
        db.session.add(admin)
        db.session.commit()

    rng = random.Random(16)
    first = town_register(args.companies, args.grids, rng)
    second = changed(first, args.grids, rng)
    files = {"first.csv": to_csv(sheet_rows(first)), "ten-percent.csv": to_csv(sheet_rows(second)),
             "first.xlsx": to_xlsx(sheet_rows(first)), "ten-percent.xlsx": to_xlsx(sheet_rows(second))}
    print(f"{args.companies:,} companies in {args.grids} grids; database {url.split('://')[0]}; files: "
          + ", ".join(f"{name} {len(data) / 1e6:.2f} MB" for name, data in files.items()))

    results: dict = {"companies": args.companies, "grids": args.grids, "database": url.split("://")[0],
                     "services": [], "pages": []}
    print("\nthrough the services (read+check+store | preview plan | apply+commit):")

    def report(figures: dict) -> None:
        print(f"  {figures['file']:17} {figures['read_s']:6.2f} s | {figures['preview_s']:5.2f} s | "
              f"{figures['apply_s']:5.2f} s   +{figures['added']} ~{figures['changed']} (moved {figures['moved']}) "
              f"={figures['unchanged']}")

    results["services"].append(through_services(app, "admin", files["first.csv"], "first.csv"))
    report(results["services"][-1])
    workers = add_workers(app, args.workers_per_company, rng)
    results["workers"] = workers
    print(f"  ({workers:,} workers added to the roster)")
    results["services"].append(through_services(app, "admin", files["ten-percent.csv"], "ten-percent.csv"))
    report(results["services"][-1])

    client = app.test_client()
    client.post("/login", data={"username": "admin", "password": "bench-password"}).close()
    print("\nthrough the pages (upload | preview page | apply):")
    for name in ("first.xlsx", "ten-percent.xlsx"):
        figures = through_pages(client, files[name], name)
        results["pages"].append(figures)
        print(f"  {name:17} {figures['upload_s']:6.2f} s | {figures['preview_page_s']:5.2f} s | "
              f"{figures['apply_s']:5.2f} s   (preview page {figures['preview_html_kb']} KB)")

    previews = [f["read_s"] + f["preview_s"] for f in results["services"]]
    previews += [f["upload_s"] + f["preview_page_s"] for f in results["pages"]]
    applies = [f["apply_s"] for f in results["services"] + results["pages"]]
    worst = max(previews + applies)
    print(f"\nslowest preview {max(previews):.2f} s, slowest apply {max(applies):.2f} s (target: each under 10 s) -> "
          f"{'OK' if worst < 10 else 'TOO SLOW'}")
    out = results_path("register_import")
    out.write_text(json.dumps(results, indent=2))
    print(f"results: {out}")


if __name__ == "__main__":
    main()
