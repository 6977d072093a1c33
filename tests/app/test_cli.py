"""The `quizapp` command as an operator (or the Quick start) uses it."""

import json
import os
import shutil
import subprocess
from datetime import timedelta
from pathlib import Path

from sqlalchemy import func, select, text

from quizapp import create_app
from quizapp.cli import main
from quizapp.clock import local_today
from quizapp.extensions import db
from quizapp.models import (
    Attempt,
    Employee,
    Question,
)
from tests.factories import bank_text

ROOT = Path(__file__).resolve().parents[2]


def test_bank_check_reports_every_problem_with_file_and_line(runner, tmp_path):
    good = bank_text("alpha", 2)
    (tmp_path / "alpha.txt").write_text(good.replace("answer: B", "answer: Q", 1), encoding="utf-8")
    (tmp_path / "beta.txt").write_text(bank_text("beta", 1).replace("type: single", "type: essay"), encoding="utf-8")
    result = runner.invoke(main, ["bank", "check", str(tmp_path)])
    assert result.exit_code == 1
    assert f"{tmp_path / 'alpha.txt'}:" in result.output and "answer 'Q' points at no option" in result.output
    assert f"{tmp_path / 'beta.txt'}:" in result.output and "unknown type 'essay'" in result.output


def test_bank_check_passes_the_real_bank(runner):
    result = runner.invoke(main, ["bank", "check", str(ROOT / "question_bank")])
    assert result.exit_code == 0, result.output
    assert "ok:" in result.output


def test_bank_load_is_idempotent_and_refuses_a_broken_bank(app, runner, tmp_path):
    (tmp_path / "alpha.txt").write_text(bank_text("alpha", 3), encoding="utf-8")
    first = runner.invoke(args=["bank", "load", str(tmp_path)])
    second = runner.invoke(args=["bank", "load", str(tmp_path)])
    assert "3 new" in first.output and "0 new, 0 new versions, 3 unchanged" in second.output
    (tmp_path / "alpha.txt").write_text(bank_text("alpha", 3).replace("type: single", "type: essay", 1))
    broken = runner.invoke(args=["bank", "load", str(tmp_path)])
    assert broken.exit_code == 1 and "nothing loaded" in broken.output
    with app.app_context():
        assert db.session.scalar(select(func.count(Question.id))) == 3


def test_scripts_demo_json_prints_json_alone_on_a_first_run(tmp_path):
    """A first run creates the virtualenv and installs quizapp (stood in for here: a `python` that
    makes a venv whose pip chatters on stdout and whose `quizapp` prints JSON); what the set-up
    says goes to stderr, so stdout is the JSON alone."""
    root = tmp_path / "checkout"
    (root / "scripts").mkdir(parents=True)
    for name in ("demo", "_setup.sh"):
        shutil.copy(ROOT / "scripts" / name, root / "scripts" / name)
    shutil.copy(ROOT / "pyproject.toml", root / "pyproject.toml")
    stubs = tmp_path / "stubs"  # what the stand-in venv holds
    stubs.mkdir()
    (stubs / "python").write_text('#!/bin/sh\necho "Collecting flask (pip chatters on stdout)"\n')
    (stubs / "quizapp").write_text(
        '#!/bin/sh\nprintf \'{"base_url": "http://127.0.0.1:8000", "args": "%s"}\\n\' "$*"\n')
    python = tmp_path / "python3"  # `python3 -m venv DIR`
    python.write_text(f'#!/bin/sh\nmkdir -p "$3/bin"\ncp {stubs}/* "$3/bin/"\necho "venv made (on stdout)"\n')
    for script in (python, stubs / "python", stubs / "quizapp"):
        script.chmod(0o755)
    result = subprocess.run([str(root / "scripts" / "demo"), "--json", "--no-serve"], capture_output=True, text=True,
                            env={**os.environ, "PYTHON": str(python)}, check=True)
    assert json.loads(result.stdout) == {"base_url": "http://127.0.0.1:8000", "args": "demo --json --no-serve"}
    assert "==> creating" in result.stderr and "==> installing" in result.stderr and "Collecting" in result.stderr
    assert (root / ".venv" / ".quizapp-installed").exists()


def test_healthz_is_503_when_the_database_is_unreachable(tmp_path):
    broken = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/missing/dir/x.sqlite",
                         "TESTING": True, "SECRET_KEY": "x"})
    response = broken.test_client().get("/healthz")
    assert response.status_code == 503 and response.json["database"] == "unreachable"
    with broken.app_context():
        db.engine.dispose()


def test_rollup_closes_expired_attempts_and_rebuilds_the_day(app, runner, town):

    from quizapp.clock import utcnow
    from quizapp.models import CompanyDay
    from quizapp.quiz import service as quiz

    with app.app_context():
        started = utcnow() - timedelta(hours=1)
        worker = db.session.get_one(Employee, town.worker_a)
        attempt = quiz.start_attempt(worker, "official", local_today(), started, "test-town")
        quiz.record_answer(worker, attempt.id, 1, [0], started + timedelta(seconds=20), local_today())
        # Worker B opened today's quiz and walked away: not done, and left open for them today.
        away = quiz.start_attempt(db.session.get_one(Employee, town.worker_b), "official", local_today(), started,
                                  "test-town")
        db.session.commit()
        attempt_id, away_id, today = attempt.id, away.id, local_today()
    result = runner.invoke(args=["rollup", "--date", today.isoformat()])
    assert result.exit_code == 0, result.output
    assert "closed 1 attempt(s)" in result.output and "rebuilt 2 company rollups" in result.output
    with app.app_context():
        assert db.session.get(Attempt, attempt_id).expired
        assert db.session.get_one(Attempt, away_id).finished_at is None
        assert db.session.get(CompanyDay, (town.company_a, today)).completed == 1
        assert db.session.get(CompanyDay, (town.company_b, today)).completed == 0
        if db.engine.dialect.name == "sqlite":  # the planner's statistics are fresh after the nightly run
            tables = set(db.session.scalars(text("SELECT tbl FROM sqlite_stat1")))
            assert {"answer", "attempt"} <= tables
