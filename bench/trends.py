"""The console's trends page for a big company over 90 days: how long it takes with the weakest
topics read from raw answers, and after the nightly rollup has built the per-topic rows.

Run by hand (tests/bench/test_scripts.py only runs it at a tiny size, to keep it working):
    .venv/bin/python bench/trends.py
    .venv/bin/python bench/trends.py --workers 7000 --done 0.6 --history-days 90 --runs 10

Seeds like bench/board.py (one company, N workers, `--history-days` of official quizzes), loads the
real question bank and gives every finished quiz 5 knowledge answers, then times
/console/trends?days=90 (median and worst of `--runs` after a warm-up) twice: before any rebuild
(every day read from the answers) and after `rebuild_company_day` has run for each past day (as
the nightly `quizapp rollup` does), when only today is read from the answers.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from board import bench_app, seed, timed  # noqa: E402  (the board benchmark's company and timer)

PATH = "/console/trends?days=90"


def add_answers() -> int:
    """5 knowledge answers (random questions, ~75% right) for every finished official quiz."""
    from sqlalchemy import insert, select

    from quizapp.bank.rules.checker import read_bank
    from quizapp.bank.service import load_bank
    from quizapp.extensions import db
    from quizapp.models import Answer, Attempt, Question

    load_bank(read_bank(ROOT / "question_bank"))
    questions = db.session.execute(select(Question.id, Question.current_version_id)
                                   .where(Question.kind == "knowledge")).all()
    rng = random.Random(11)
    rows, total = [], 0
    for attempt_id, day, finished in db.session.execute(select(Attempt.id, Attempt.local_date, Attempt.finished_at)):
        if finished is None:
            continue
        for position, (qid, vid) in enumerate(rng.sample(questions, 5), start=1):
            right = rng.random() < 0.75
            rows.append({"attempt_id": attempt_id, "local_date": day, "position": position, "question_id": qid,
                         "question_version_id": vid, "common": position == 1, "behaviour": False,
                         "choice_order": [0, 1, 2, 3], "chosen": [0 if right else 1], "correct": right,
                         "answered_at": finished})
        if len(rows) > 100_000:
            db.session.execute(insert(Answer), rows)
            total, rows = total + len(rows), []
    if rows:
        db.session.execute(insert(Answer), rows)
        total += len(rows)
    db.session.commit()
    return total


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--workers", type=int, default=7000)
    parser.add_argument("--done", type=float, default=0.6)
    parser.add_argument("--history-days", type=int, default=90)
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()

    from quizapp.clock import local_today
    from quizapp.extensions import db
    from quizapp.models import Company
    from quizapp.rollups.service import rebuild_company_day

    with tempfile.TemporaryDirectory(prefix="quizapp-bench-trends-") as folder:
        app = bench_app(folder)
        with app.app_context():
            started = time.perf_counter()
            seed(args.workers, args.done, args.history_days)
            answers = add_answers()
            print(f"seeded {args.workers:,} workers, {answers:,} answers in {time.perf_counter() - started:.1f} s")
        client = app.test_client()
        with client.post("/login", data={"username": "bench-staff", "password": "bench-password"}) as signed_in:
            assert signed_in.status_code == 302, "sign-in failed"
        raw = timed(client, PATH, args.runs)
        with app.app_context():
            started = time.perf_counter()
            company = db.session.get(Company, 1)
            today = local_today()
            for back in range(1, args.history_days + 1):
                rebuild_company_day(company, today - timedelta(days=back), today)
            db.session.commit()
            per_day = (time.perf_counter() - started) * 1000 / args.history_days
        rolled = timed(client, PATH, args.runs)
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
    print(f"{'trends page, 90 days':36} {'median ms':>10} {'worst ms':>10}  (runs: {args.runs})")
    print(f"{'topics from raw answers':36} {statistics.median(raw):>10.1f} {max(raw):>10.1f}")
    print(f"{'topics from the per-topic rollup':36} {statistics.median(rolled):>10.1f} {max(rolled):>10.1f}")
    print(f"nightly rebuild: {per_day:.0f} ms per company-day")
    return 0


if __name__ == "__main__":
    sys.exit(main())
