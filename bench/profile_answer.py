"""Where one answer request's CPU goes: N signed-in workers start today's quiz, then every answer
is posted through the WSGI app in this process (the Flask test client, no network) under cProfile.

Run by hand (tests/bench/test_scripts.py only runs it at a tiny size, to keep it working):
    .venv/bin/python bench/profile_answer.py                       # fresh SQLite, 200 workers
    .venv/bin/python bench/profile_answer.py --database-url postgresql+psycopg://...
    .venv/bin/python bench/profile_answer.py --sort tottime --limit 60

Prints CPU per answer request (this process's CPU: SQLite runs inside it), the SQL statements per
answer, and the cProfile table; also how much of the CPU falls under chosen functions (the user
loader, the rate limiter, the answer's service call).
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import re
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
# Functions whose cumulative share of the CPU is printed (file fragment, function name).
WATCH = [
    ("flask_login/login_manager.py", "_load_user"),
    ("flask_limiter/extension.py", "_check_request_limit"),
    ("quiz/service.py", "record_answer"),
    ("quizapp/web.py", "sent_from_here"),
    ("flask/sessions.py", "save_session"),
    ("flask/sessions.py", "open_session"),
    ("sqlalchemy/orm/session.py", "commit"),
]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--workers", type=int, default=200)
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--sort", default="cumulative")
    parser.add_argument("--limit", type=int, default=45)
    parser.add_argument("--no-profile", action="store_true",
                        help="time the answers without cProfile, and the bare INSERT endpoint in this process too")
    parser.add_argument("--js", action="store_true",
                        help="post as quiz.js does (the JSON answer: feedback and next question)")
    parser.add_argument("--floor", action="store_true",
                        help="with --no-profile: also time a signed-in worker's request that pays only quizapp's "
                             "fixed cost (session, user loader, hooks), and one that adds an UPDATE and commit")
    parser.add_argument("--dump", default=None, help="also write the raw profile here (for pstats or snakeviz)")
    opts = parser.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="quizapp-profile-"))
    url = opts.database_url or f"sqlite:///{tmp / 'profile.sqlite'}"
    os.environ.update(QUIZAPP_INSTANCE=str(tmp), QUIZAPP_SECRET_KEY="bench", QUIZAPP_DATABASE_URL=url,
                      QUIZAPP_SECURE_COOKIES="0")
    from shift_burst import PIN, prepare

    prepare(url, opts.workers)
    from sqlalchemy import event

    from quizapp import create_app
    from quizapp.extensions import db

    app = create_app()
    if opts.floor:
        from floor_app import add_floor_routes

        add_floor_routes(app)
    statements = [0]
    sql_time: dict[str, list[float]] = {}  # statement -> [count, seconds]

    def before(conn, cursor, statement, parameters, context, executemany):
        statements[0] += 1
        conn.info["bench_started"] = time.perf_counter()

    def after(conn, cursor, statement, parameters, context, executemany):
        entry = sql_time.setdefault(" ".join(statement.split())[:150], [0, 0.0])
        entry[0] += 1
        entry[1] += time.perf_counter() - conn.info.pop("bench_started")

    with app.app_context():
        event.listen(db.engine, "before_cursor_execute", before)
        event.listen(db.engine, "after_cursor_execute", after)

    headers = {"Accept": "application/json"} if opts.js else None
    posts = []  # (client, path, form)
    for i in range(opts.workers):
        client = app.test_client()
        page = client.get("/c/bench").get_data(as_text=True)
        client.post("/c/bench", data={"employee_no": f"W{i:06d}", "pin": PIN,
                                      "csrf_token": CSRF.search(page).group(1)})
        page = client.get("/today").get_data(as_text=True)
        question = client.post("/today/start", data={"kind": "official", "csrf_token": CSRF.search(page).group(1)}
                               ).headers["Location"]
        if "/q/" not in question:  # through quiz.resume
            question = client.get(question).headers["Location"]
        attempt = question.split("/q/")[0]
        page = client.get(question).get_data(as_text=True)
        csrf = CSRF.search(page).group(1)
        slots = int(re.search(r"/q/(\d+)", question).group(1))
        with app.app_context():
            from quizapp.models import Attempt
            total = db.session.get(Attempt, int(attempt.rsplit("/", 1)[1])).slots
        posts.extend((client, f"{attempt}/q/{p}", {"choice": "0", "csrf_token": csrf})
                     for p in range(slots, total + 1))
    # Interleave the workers: position 1 of everyone, then position 2, ... (the last finishes).
    posts.sort(key=lambda post: int(post[1].rsplit("/", 1)[1]))

    if opts.no_profile:
        return compare_with_bare(posts, tmp, headers, floor=opts.floor)
    profiler = cProfile.Profile()
    statements[0] = 0
    sql_time.clear()
    started, started_cpu = time.perf_counter(), time.process_time()
    profiler.enable()
    for client, path, form in posts:
        response = client.post(path, data=form, headers=headers)
        assert response.status_code < 400, (path, response.status_code)
    profiler.disable()
    cpu = time.process_time() - started_cpu
    wall = time.perf_counter() - started
    print(f"{len(posts)} answers: {cpu / len(posts) * 1000:.2f} ms CPU each (profiled), "
          f"{wall / len(posts) * 1000:.2f} ms wall, {statements[0] / len(posts):.2f} SQL statements each, "
          f"load {os.getloadavg()[0]:.1f}")
    print("SQL statements (count, ms in the driver per execution):")
    for statement, (count, seconds) in sorted(sql_time.items(), key=lambda kv: -kv[1][1]):
        print(f"  {count:6d} {seconds / count * 1000:7.3f} ms  {statement}")
    if opts.dump:
        profiler.dump_stats(opts.dump)
    stats = pstats.Stats(profiler)
    total_time = sum(t for _, _, t, _, _ in stats.stats.values())  # type: ignore[attr-defined]
    for fragment, name in WATCH:
        cum = sum(ct for (file, _, func), (_, _, _, ct, _) in stats.stats.items()  # type: ignore[attr-defined]
                  if func == name and file.endswith(fragment))
        print(f"  {fragment}:{name}: {cum / total_time * 100:.1f} %")
    stats.sort_stats(opts.sort).print_stats(opts.limit)
    return 0


def compare_with_bare(posts, tmp: Path, headers: dict | None, floor: bool = False) -> int:
    """CPU per answer request and per bare INSERT request, in this process (no server, no network):
    a quick proxy for bench/answer_vs_bare.py while working on the code."""
    import bare_app

    os.environ["QUIZAPP_DATABASE_URL"] = f"sqlite:///{tmp / 'bare.sqlite'}"
    bare = bare_app.create_app().test_client()
    for _ in range(200):
        bare.post("/insert")
    answers = posts[: len(posts) // 2]
    for client, path, form in posts[len(posts) // 2:][:200]:  # warm-up
        client.post(path, data=form, headers=headers)
    started = time.process_time()
    for client, path, form in answers:
        client.post(path, data=form, headers=headers)
    answer_cpu = (time.process_time() - started) / len(answers)
    started = time.process_time()
    for _ in range(len(answers)):
        bare.post("/insert")
    bare_cpu = (time.process_time() - started) / len(answers)
    print(f"in-process CPU: answer {answer_cpu * 1000:.3f} ms, bare INSERT {bare_cpu * 1000:.3f} ms, "
          f"ratio {bare_cpu / answer_cpu:.2f} (load {os.getloadavg()[0]:.1f})")
    if floor:
        clients = [client for client, _, _ in answers]
        for name in ("nothing", "one_update"):
            for client in clients[:200]:  # warm-up
                client.post(f"/bench-floor/{name}")
            started = time.process_time()
            for client in clients:
                status = client.post(f"/bench-floor/{name}").status_code
                assert status == 200, (name, status)
            cpu = (time.process_time() - started) / len(clients)
            print(f"  signed-in floor, {name}: {cpu * 1000:.3f} ms (bare INSERT / this: {bare_cpu / cpu:.2f})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
