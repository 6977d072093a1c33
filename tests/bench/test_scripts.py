"""Every benchmark script in bench/ but one, run end to end at a tiny size, so that none drifts from
the app unnoticed (they are run by hand, and broke silently when towns became tenants and services
took `now`). Each runs as a person runs it (`python bench/<script>.py` with small flags), in a
process of its own, on a fresh SQLite file in tmp_path (TMPDIR), its results written to tmp_path
(QUIZAPP_BENCH_RESULTS, bench/fixtures.py), and is checked on what it printed or wrote: the pages
answered, the quizzes finished, its own validity check; never on how fast it was.

Marked `sqlite`, so only the SQLite pass runs them (tests/conftest.py deselects the marker on the
PostgreSQL pass; nothing is skipped): each script makes its own database, and the PostgreSQL pass
would only repeat them. bench/city.py, written for PostgreSQL, runs here on its SQLite path.
answer_vs_bare.py needs wrk (`apt-get install -y wrk`). The whole module costs about a minute of
CPU (each script starts the app, most migrate a database; three serve it with gunicorn).

Left out: bench/phone_bytes.py, which takes three quizzes in Chromium through gunicorn (about 25 s
even at its smallest, a third of this module again); the browser tests drive the same pages.
Not scripts of their own: bench/fixtures.py, town.py, bare_app.py, floor_app.py, old_leitner.py and
answers.lua, which the scripts below use (floor_app.py and bare_app.py under answer_vs_bare.py
--floor, old_leitner.py under learning.py).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.sqlite

BENCH = Path(__file__).resolve().parents[2] / "bench"
# A town tiny enough to build in a second: 6 companies in 2 grids, 3 days of history.
TINY_TOWN = ["--days", "3", "--companies", "6", "--workers", "60", "--grids", "2", "--runs", "1"]


def run(tmp_path: Path, script: str, *args: str, statuses: tuple[int, ...] = (0,)) -> tuple[str, list[dict]]:
    """Run bench/<script> with `args`; its standard output and the result files it wrote."""
    results = tmp_path / "results"
    # The suite's own settings (its database, its rate-limit storage) are not the script's.
    env = {k: v for k, v in os.environ.items() if not k.startswith("QUIZAPP_") or k == "QUIZAPP_CHROMIUM"}
    env.update(TMPDIR=str(tmp_path), QUIZAPP_INSTANCE=str(tmp_path), QUIZAPP_BENCH_RESULTS=str(results))
    done = subprocess.run([sys.executable, str(BENCH / script), *args], cwd=tmp_path, env=env,
                          capture_output=True, text=True)
    assert done.returncode in statuses, (f"{script} exited {done.returncode}\n"
                                         f"{done.stdout[-4000:]}\n{done.stderr[-4000:]}")
    return done.stdout, [json.loads(path.read_text()) for path in sorted(results.glob("*.json"))]


def pages_of(results: list[dict], days: int) -> dict[str, dict]:
    """The figures of each page measured at `days` of history (bench/town.py's and city.py's file)."""
    (result,) = results
    return result["histories"][str(days)]


def test_api_reads_every_summary(tmp_path):
    out, results = run(tmp_path, "api.py", *TINY_TOWN)
    pages = pages_of(results, 3)
    assert list(pages) == ["grids summary, 30 days", "grids summary, 366 days", "companies summary, 30 days, 1,000",
                           "companies summary, 366 days, 1,000", "one grid day by day, 366 days"]
    assert all(figures["bytes"] > 0 for figures in pages.values())  # each answered 200 (the script checks it)
    assert "median ms, wall clock / CPU" in out


def test_periodic_shows_every_report(tmp_path):
    _, results = run(tmp_path, "periodic.py", *TINY_TOWN)
    assert len(pages_of(results, 3)) == 6


def test_reports_shows_the_dashboards_and_the_town_view(tmp_path):
    _, results = run(tmp_path, "reports.py", *TINY_TOWN, "--attempt-days", "2")
    assert list(pages_of(results, 3)) == ["dashboard, officer of 25 grids", "dashboard, town admin",
                                          "town view, town admin"]


def test_city_measures_the_city_page_on_its_sqlite_path(tmp_path):
    _, results = run(tmp_path, "city.py", "--database-url", f"sqlite:///{tmp_path / 'city.sqlite'}", "--build",
                     "--towns", "2", "--companies", "3", "--workers", "20", "--days", "3", "--runs", "1")
    pages = pages_of(results, 3)
    assert len(pages) == 11 and "city page, city admin, 30 days" in pages


def test_board_times_every_console_page(tmp_path):
    # Its exit status says whether the board met its time target: either is a finished run.
    out, _ = run(tmp_path, "board.py", "--workers", "30", "--history-days", "2", "--runs", "1", statuses=(0, 1))
    for label in ("board page", "board JSON", "pre-shift screen", "not-done lists (all teams)"):
        assert re.search(rf"^{re.escape(label)}\s+\d+\.\d\s+\d+\.\d$", out, re.M), label
    assert re.search(r"^board (within|OVER) target$", out, re.M)


def test_trends_reads_topics_before_and_after_the_rollup(tmp_path):
    out, _ = run(tmp_path, "trends.py", "--workers", "30", "--history-days", "2", "--runs", "1")
    assert int(re.search(r"seeded 30 workers, ([\d,]+) answers", out).group(1).replace(",", "")) > 0
    assert re.search(r"^topics from raw answers\s+\d", out, re.M)
    assert re.search(r"^topics from the per-topic rollup\s+\d", out, re.M)


def test_register_import_previews_and_applies_a_town(tmp_path):
    _, (result,) = run(tmp_path, "register_import.py", "--companies", "20", "--grids", "3",
                       "--workers-per-company", "2")
    first, again = result["services"]
    assert (first["added"], first["unchanged"]) == (20, 0)
    assert again["added"] == 0 and again["changed"] + again["unchanged"] == 20 and again["changed"] > 0
    assert [page["file"] for page in result["pages"]] == ["first.xlsx", "ten-percent.xlsx"]


def test_roster_import_previews_and_applies_a_roster(tmp_path):
    _, (result,) = run(tmp_path, "roster_import.py", "--rows", "30")
    first = result["services"][0]
    assert (first["added"], first["changed"], first["left_out"]) == (30, 0, 0)
    assert len(result["pages"]) == 4


def test_uploads_refuses_hostile_files_and_takes_a_roster(tmp_path):
    # Each file is uploaded in a process of its own (~3 s): one refused for its unpacked size, one
    # for its rows, and the real roster.
    _, (result,) = run(tmp_path, "uploads.py", "--small", "--files", "padded,blank-rows-small,normal")
    assert {name: figures["status"] for name, figures in result.items()} == {
        "padded": 400, "blank-rows-small": 400, "normal": 302}
    assert "16 MB" in result["padded"]["message"] and "20000" in result["blank-rows-small"]["message"]


def test_quiz_cpu_takes_whole_quizzes(tmp_path):
    # 20 warm-up quizzes, then the 2 measured.
    out, _ = run(tmp_path, "quiz_cpu.py", "--workers", "22", "--js")
    assert re.search(r"^2 quizzes: \d+\.\d ms CPU per quiz", out, re.M)
    for kind in ("company_page", "sign_in", "today", "start", "answer", "result"):
        assert re.search(rf"^  {kind} +\d", out, re.M), kind


def test_profile_answer_profiles_every_answer(tmp_path):
    out, _ = run(tmp_path, "profile_answer.py", "--workers", "3", "--js", "--limit", "5")
    answers = int(re.search(r"^(\d+) answers: \d+\.\d+ ms CPU each", out, re.M).group(1))
    assert answers >= 3 * 5  # every worker's every answer, the quiz's last included
    assert "quiz/service.py:record_answer" in out and "UPDATE answer SET" in out


def test_shift_burst_finishes_every_quiz_through_gunicorn(tmp_path):
    out, (report,) = run(tmp_path, "shift_burst.py", "--workers", "2", "--answer-workers", "1",
                         "--server-workers", "1", "--concurrency", "2")
    burst = report["burst"]
    assert (burst["completed"], burst["errors"]) == (2, 0), burst["error_samples"]
    assert report["answer_only"]["errors"] == 0 and report["bare_insert"]["errors"] == 0
    assert report["answer_only"]["requests"] == 5


def test_answer_vs_bare_records_every_answer_wrk_sent(tmp_path):
    assert shutil.which("wrk"), "answer_vs_bare.py needs wrk: apt-get install -y wrk"
    # One connection posts a few hundred answers a second; 3,000 are provisioned for the window
    # (a window that ran out would repeat answers, and the script would call the run invalid). Three
    # seconds, so that a busy machine still finishes a quiz (two attempts' answers) in the window.
    out, (report,) = run(tmp_path, "answer_vs_bare.py", "--windows", "1", "--seconds", "3", "--rate", "1000",
                         "--connections", "1", "--threads", "1", "--server-workers", "1", "--js", "--floor")
    assert report["valid"] is True, report["check"]
    assert report["check"]["attempts_finished"] > 0
    assert [side for side in ("bare", "floor_nothing", "floor_update", "quizapp") if report[side]] == [
        "bare", "floor_nothing", "floor_update", "quizapp"]


def test_learning_simulates_every_policy(tmp_path):
    figures = tmp_path / "learning.jsonl"
    out, _ = run(tmp_path, "learning.py", "--workers", "3", "--reps", "2", "--days", "90", "--phi", "1",
                 "--out", str(figures))
    runs = [json.loads(line) for line in figures.read_text().splitlines()]
    assert sorted({r["policy"] for r in runs}) == ["fsrs", "leitner", "qstream", "quizapp", "random"]
    assert len(runs) == 10 and all(0 < r["recall90"] <= 1 for r in runs)
    assert re.search(r"^quizapp +\d+\.\d ± ", out, re.M)
