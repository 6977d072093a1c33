"""The answer request against a bare Flask-SQLAlchemy INSERT endpoint, with wrk saturating both.

Run by hand (tests/bench/test_scripts.py only runs it at a tiny size, to keep it working):
    .venv/bin/python bench/answer_vs_bare.py                                  # fresh SQLite file
    .venv/bin/python bench/answer_vs_bare.py --database-url postgresql+psycopg://postgres@127.0.0.1:5445/bench
    (the PostgreSQL database must exist and be empty)

1. Prepares the database as bench/shift_burst.py does (the real bank, one company, N workers with
   a PIN), starts today's official quiz for every worker through quiz.service (untimed), and signs
   each one in through the real sign-in code (signin.views._signed_in in a request context): the
   phone's cookies (session with its CSRF token, remember-me, company, device).
2. Serves quizapp and bench/bare_app.py with gunicorn, the same way (sync workers, same count).
3. Runs wrk (bench/answers.lua) in alternating windows, bare / quizapp / bare / quizapp ..., each
   window posting requests never sent before: for quizapp every answer of an attempt in order, the
   last one finishing the quiz (the rollup upsert), one phone at a time per attempt (an attempt's
   next answer comes after those of 4 × the connections of other attempts). The bare endpoint gets
   the same request lines (its app ignores the cookies and body).
   With --js every answer asks for JSON as quiz.js does (the feedback and the next question);
   without it, it is a plain form's POST, answered with the page showing the feedback.
4. Checks in the database that every answer request recorded its answer, and that every attempt
   whose last answer was sent is finished and in its company's day.

Prints requests per second of each window, the medians, and the ratio; writes
bench/results/answer_vs_bare-<time>.json. Traffic goes to 127.0.0.1 only; every loop is bounded.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from fixtures import results_path  # noqa: E402
from shift_burst import free_port, prepare, serve, stop  # noqa: E402

LUA = ROOT / "bench" / "answers.lua"
# The path each side's windows post to (the answers' own paths for quizapp).
SIDES = {"bare": "/insert", "floor_nothing": "/bench-floor/nothing", "floor_update": "/bench-floor/one_update",
         "quizapp": None}


def phones(app, count: int) -> list[tuple[str, int, int]]:
    """Start today's official quiz for the first `count` workers and sign each in:
    (cookie header, attempt id, slots) per worker."""
    from flask import current_app, g
    from flask_wtf.csrf import generate_csrf
    from sqlalchemy import select, update

    from quizapp.clock import local_today, utcnow
    from quizapp.extensions import db
    from quizapp.models import Attempt, Employee
    from quizapp.quiz import service as quiz
    from quizapp.signin.views import _signed_in

    out = []
    with app.app_context():
        employees = db.session.scalars(select(Employee).order_by(Employee.id).limit(count)).all()
        # One company: its town's seed, as the quiz's start view finds it.
        seed = quiz.town_seed(current_app.config.get("QUIZAPP_TOWN_SEED"), employees[0].company_id)
        db.session.commit()
        today, now = local_today(), utcnow()
        for n, employee in enumerate(employees, start=1):
            quiz.start_attempt(employee, "official", today, now, seed)
            if n % 500 == 0:
                db.session.commit()
                print(f"  {n} quizzes started", flush=True)
        db.session.commit()
        # The attempts were started over minutes: every one gets the whole quiz time from now.
        db.session.execute(update(Attempt).values(deadline_at=utcnow() + timedelta(hours=3)))
        db.session.commit()
        attempts = dict(db.session.execute(select(Attempt.employee_id, Attempt.id)).all())
        slots = dict(db.session.execute(select(Attempt.id, Attempt.slots)).all())
        for employee in employees:
            with app.test_request_context("/c/bench", method="POST", headers={"User-Agent": "quizapp-bench"},
                                          environ_base={"REMOTE_ADDR": "127.0.0.1"}):
                response = app.process_response(_signed_in(employee, "bench"))
                cookies = {}
                for header in response.headers.getlist("Set-Cookie"):
                    name, _, rest = header.partition("=")
                    cookies[name] = rest.split(";", 1)[0]
            attempt_id = attempts[employee.id]
            with app.test_request_context("/", headers={"Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items()),
                                                        "User-Agent": "quizapp-bench"},
                                          environ_base={"REMOTE_ADDR": "127.0.0.1"}):
                g.pop("csrf_token", None)  # the outer app context's g is shared by these request contexts
                csrf = generate_csrf()
                response = app.process_response(app.response_class("x"))
                for header in response.headers.getlist("Set-Cookie"):
                    name, _, rest = header.partition("=")
                    cookies[name] = rest.split(";", 1)[0]
            cookie = "; ".join(f"{k}={v}" for k, v in cookies.items())
            out.append((cookie, attempt_id, slots[attempt_id], csrf))
    return out


def window_files(folder: Path, lines_per_thread: list[list[str]]) -> None:
    folder.mkdir(parents=True)
    for thread, lines in enumerate(lines_per_thread):
        (folder / f"{thread}.tsv").write_text("".join(line + "\n" for line in lines))


def answer_lines(batch, block: int) -> list[str]:
    """Every answer of these attempts, in blocks of `block` attempts: the first answers of the block,
    then the second ones, ... so an attempt's next answer waits behind `block` - 1 others."""
    lines = []
    for start in range(0, len(batch), block):
        group = batch[start:start + block]
        for position in range(1, max(slots for _, _, slots, _ in group) + 1):
            lines.extend(f"{cookie}\t/attempt/{attempt}/q/{position}\tchoice=0&csrf_token={csrf}"
                         for cookie, attempt, slots, csrf in group if position <= slots)
    return lines


def run_wrk(port: int, folder: Path, opts) -> dict:
    out = subprocess.run(["wrk", f"-t{opts.threads}", f"-c{opts.connections}", f"-d{opts.seconds}s", "--timeout",
                          "30s", "-s", str(LUA), f"http://127.0.0.1:{port}", "--", str(folder),
                          *(["js"] if opts.js else [])],
                         capture_output=True, text=True, check=True).stdout
    result = json.loads(re.search(r"^RESULT (.*)$", out, re.M).group(1))
    result["requests_per_second"] = round(result["requests"] / result["seconds"], 1)
    result["load"] = round(os.getloadavg()[0], 2)
    return result


def check(app, sent: int, in_flight: int) -> dict:
    """What the database holds after the quizapp windows."""
    from sqlalchemy import func, select

    from quizapp.extensions import db
    from quizapp.models import Answer, Attempt, CompanyDay

    with app.app_context():
        answered = db.session.scalar(select(func.count(Answer.id)).where(Answer.chosen.is_not(None)))
        finished = db.session.scalar(select(func.count(Attempt.id)).where(Attempt.finished_at.is_not(None)))
        completed = db.session.scalar(select(func.coalesce(func.sum(CompanyDay.completed), 0)))
    return {"answer_requests": sent, "answers_recorded": answered, "attempts_finished": finished,
            "rollup_completed": completed,
            # wrk counts the answers it got back; those in flight when a window closed were recorded too.
            # and some quizzes were finished (a window too short for a block of attempts finishes none).
            "ok": sent <= answered <= sent + in_flight and finished == completed and finished > 0}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default=None, help="default: a fresh SQLite file in a temp folder")
    parser.add_argument("--windows", type=int, default=3, help="windows per side (bare, quizapp, bare, ...)")
    parser.add_argument("--seconds", type=int, default=5, help="length of one window")
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    parser.add_argument("--connections", type=int, default=32, help="wrk connections (phones at once)")
    parser.add_argument("--server-workers", type=int, default=2 * (os.cpu_count() or 1) + 1)
    parser.add_argument("--worker-class", default="sync", help="gunicorn worker class for both servers")
    parser.add_argument("--rate", type=int, default=3000,
                        help="answers per second to provision for (a quizapp window that runs out is flagged)")
    parser.add_argument("--js", action="store_true",
                        help="answer as quiz.js does (JSON: the feedback and the next question as fragments)")
    parser.add_argument("--floor", action="store_true",
                        help="also windows of two signed-in requests that do (almost) nothing, on the same "
                             "server (bench/floor_app.py): quizapp's fixed cost per request under wrk")
    parser.add_argument("--keep", action="store_true", help="keep the temp folder (database, request files)")
    opts = parser.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="quizapp-wrk-"))
    url = opts.database_url or f"sqlite:///{tmp / 'bench.sqlite'}"
    env = dict(os.environ, QUIZAPP_DATABASE_URL=url, QUIZAPP_SECURE_COOKIES="0", QUIZAPP_SECRET_KEY="bench",
               QUIZAPP_INSTANCE=str(tmp), PYTHONPATH=str(ROOT))
    os.environ.update(QUIZAPP_INSTANCE=str(tmp), QUIZAPP_SECRET_KEY="bench", QUIZAPP_DATABASE_URL=url,
                      QUIZAPP_SECURE_COOKIES="0")
    per_window = opts.rate * opts.seconds
    attempts_per_window = per_window // 6 + 1
    workers = attempts_per_window * opts.windows
    print(f"preparing {workers} workers on {url.split('@')[-1]} ...", flush=True)
    prepare(url, workers)
    from quizapp import create_app

    app = create_app()
    started = time.perf_counter()
    prepared = phones(app, workers)
    print(f"  {len(prepared)} phones ready in {time.perf_counter() - started:.0f} s", flush=True)
    block = 2 * opts.connections // opts.threads
    windows = []
    for w in range(opts.windows):
        batch = prepared[w * attempts_per_window:(w + 1) * attempts_per_window]
        per_thread = [answer_lines(batch[t::opts.threads], block) for t in range(opts.threads)]
        window_files(tmp / f"quizapp-{w}", per_thread)
        for side, path in SIDES.items():
            if side != "quizapp":
                window_files(tmp / f"{side}-{w}", [[re.sub(r"\t/attempt/\d+/q/\d+\t", f"\t{path}\t", line)
                                                    for line in lines] for lines in per_thread])
        windows.append(sum(len(lines) for lines in per_thread))

    server = [sys.executable, "-m", "gunicorn", "-w", str(opts.server_workers), "-k", opts.worker_class,
              "--backlog", "2048", "--timeout", "60"]
    app_port, bare_port = free_port(), free_port()
    # With --floor, quizapp is served with the two floor routes added (bench/floor_app.py); its own
    # routes are unchanged.
    app_proc = serve(server + ["-b", f"127.0.0.1:{app_port}",
                               "floor_app:create_app()" if opts.floor else "quizapp:create_app()"],
                     dict(env, PYTHONPATH=f"{ROOT}{os.pathsep}{ROOT / 'bench'}"), app_port, "/healthz")
    sides = [("bare", bare_port), ("quizapp", app_port)]
    if opts.floor:
        sides[1:1] = [("floor_nothing", app_port), ("floor_update", app_port)]
    bare_proc = serve(server + ["-b", f"127.0.0.1:{bare_port}", "--chdir", str(ROOT / "bench"),
                                "bare_app:create_app()"], env, bare_port, "/")
    report: dict = {"database": url.split("://")[0], "cpu_count": os.cpu_count(), "options": vars(opts),
                    "load_before": os.getloadavg(), **{side: [] for side, _ in sides}}
    try:
        for w in range(opts.windows):
            for side, port in sides:
                result = run_wrk(port, tmp / f"{side}-{w}", opts)
                result["provisioned"] = windows[w]
                report[side].append(result)
                print(f"  window {w + 1} {side:8} {result['requests_per_second']:8.1f} requests/s  "
                      f"p50 {result['p50_ms']:6.1f} ms  p99 {result['p99_ms']:7.1f} ms  errors "
                      f"{result['non_2xx_3xx'] + result['socket_errors']}  wrapped {result['wrapped']}  "
                      f"(load {result['load']:.1f})", flush=True)
    finally:
        stop(app_proc)
        stop(bare_proc)
    report["load_after"] = os.getloadavg()
    bare = statistics.median(r["requests_per_second"] for r in report["bare"])
    answer = statistics.median(r["requests_per_second"] for r in report["quizapp"])
    report["median_bare"], report["median_quizapp"] = bare, answer
    report["ratio"] = round(answer / bare, 3)
    for side, _ in sides[1:-1]:
        median = statistics.median(r["requests_per_second"] for r in report[side])
        report[f"median_{side}"], report[f"ratio_{side}"] = median, round(median / bare, 3)
        print(f"median: {side} {median:.0f}/s, ratio to bare {median / bare:.2f}")
    report["check"] = check(app, sum(r["requests"] for r in report["quizapp"]),
                            opts.connections * opts.windows)
    # The bare endpoint ignores its request lines, so only quizapp must not run out of them.
    report["valid"] = report["check"]["ok"] and not any(
        (r["wrapped"] and side == "quizapp") or r["non_2xx_3xx"] or r["socket_errors"]
        for side, _ in sides for r in report[side])
    print(f"median: bare {bare:.0f}/s, answer {answer:.0f}/s, ratio {report['ratio']:.2f}; "
          f"check {report['check']}; valid {report['valid']}")
    path = results_path("answer_vs_bare")
    path.write_text(json.dumps(report, indent=2))
    print(f"written to {path}")
    if not opts.keep:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0 if report["valid"] else 1  # figures from an invalid run are not to be read


if __name__ == "__main__":
    sys.exit(main())
