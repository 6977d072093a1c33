"""CPU per request kind for a whole quiz, in this process (Flask test client, no server, no network):
where the shift burst's CPU per quiz goes.

Run by hand (tests/bench/test_scripts.py only runs it at a tiny size, to keep it working):
    .venv/bin/python bench/quiz_cpu.py --workers 300
    .venv/bin/python bench/quiz_cpu.py --workers 300 --database-url postgresql+psycopg://...   (empty database)

The same steps as bench/shift_burst.py's phones (company page, sign-in with the PIN, today, start,
each question, its answer, its feedback, the result), one worker after another. Prints the CPU of
this process per request kind (SQLite runs inside it; PostgreSQL's own CPU is not counted) and per
quiz, with the load average (a shared machine's CPU times are noisy too: caches, frequency).
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
CHOICE = re.compile(r'name="choice" value="(\d+)"')
NEXT = re.compile(r'href="(/attempt/\d+/(?:q/\d+|result))"')


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--workers", type=int, default=300)
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--js", action="store_true", help="answer as quiz.js does (one JSON request per answer)")
    parser.add_argument("--profile", default=None, help="a request kind to run under cProfile (e.g. question)")
    parser.add_argument("--dump", default="bench/results/quiz_cpu.prof", help="where --profile writes its stats")
    opts = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="quizapp-quizcpu-"))
    url = opts.database_url or f"sqlite:///{tmp / 'cpu.sqlite'}"
    os.environ.update(QUIZAPP_INSTANCE=str(tmp), QUIZAPP_SECRET_KEY="bench", QUIZAPP_DATABASE_URL=url,
                      QUIZAPP_SECURE_COOKIES="0")
    from shift_burst import PIN, prepare

    prepare(url, opts.workers)
    from quizapp import create_app

    app = create_app()
    cpu: dict[str, list[float]] = defaultdict(list)

    import cProfile

    profiler = cProfile.Profile()

    def timed(client, kind: str, path: str, form: dict | None = None, headers: dict | None = None):
        started = time.process_time()
        if kind == opts.profile:
            profiler.enable()
        response = client.get(path) if form is None else client.post(path, data=form, headers=headers)
        if kind == opts.profile:
            profiler.disable()
        text = response.get_data(as_text=True)
        cpu[kind].append(time.process_time() - started)
        assert response.status_code < 400, (kind, response.status_code)
        return response, text

    def quiz(i: int) -> None:
        client = app.test_client()
        # What a phone's browser sends with a form's POST: where the form came from.
        client.environ_base["HTTP_ORIGIN"] = "http://localhost"
        _, page = timed(client, "company_page", "/c/bench")
        timed(client, "sign_in", "/c/bench", {"employee_no": f"W{i:06d}", "pin": PIN,
                                              "csrf_token": CSRF.search(page).group(1)})
        _, page = timed(client, "today", "/today")
        response, _ = timed(client, "start", "/today/start", {"kind": "official",
                                                              "csrf_token": CSRF.search(page).group(1)})
        location = response.headers["Location"]
        if "/q/" not in location and not location.endswith("/result"):  # through quiz.resume
            response, _ = timed(client, "resume", location)
            location = response.headers["Location"]
        if opts.js:
            _, page = timed(client, "question", location)
            for _ in range(12):  # each answer brings its feedback and the next question (bench/shift_burst.py)
                form = {"choice": CHOICE.search(page).group(1), "csrf_token": CSRF.search(page).group(1)}
                response, text = timed(client, "answer", location, form, {"Accept": "application/json"})
                data = response.get_json()
                if data.get("go") or data["next"] is None:
                    timed(client, "result", data.get("go") or NEXT.search(data["answer"]["html"]).group(1))
                    return
                location, page = data["next"]["url"], data["next"]["html"]
            raise RuntimeError("the quiz did not end")
        for _ in range(12):
            if location.endswith("/result"):
                timed(client, "result", location)
                return
            _, page = timed(client, "question", location)
            response, page = timed(client, "answer", location, {"choice": CHOICE.search(page).group(1),
                                                                "csrf_token": CSRF.search(page).group(1)})
            if response.status_code == 302:  # post/redirect/get: the feedback is its own request
                _, page = timed(client, "feedback", location)
            location = NEXT.search(page).group(1)
        raise RuntimeError("the quiz did not end")

    for i in range(min(20, opts.workers)):  # warm-up: caches, compiled statements
        quiz(i)
    cpu.clear()
    started = time.process_time()
    for i in range(min(20, opts.workers), opts.workers):
        quiz(i)
    quizzes = opts.workers - min(20, opts.workers)
    total = time.process_time() - started
    print(f"{quizzes} quizzes: {total / quizzes * 1000:.1f} ms CPU per quiz in this process "
          f"(load {os.getloadavg()[0]:.1f})")
    if opts.profile:
        profiler.dump_stats(opts.dump)
        print(f"cProfile of {opts.profile} written to {opts.dump}")
    for kind, values in sorted(cpu.items(), key=lambda kv: -sum(kv[1])):
        print(f"  {kind:13} {len(values) / quizzes:4.1f} per quiz  {sum(values) / len(values) * 1000:6.2f} ms each  "
              f"{sum(values) / quizzes * 1000:6.1f} ms per quiz")
    return 0


if __name__ == "__main__":
    sys.exit(main())
