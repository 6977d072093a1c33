"""The `quizapp` command as an operator (or the Quick start) uses it."""

import json
import os
import shutil
import subprocess
from datetime import timedelta
from pathlib import Path

from sqlalchemy import func, select, text

from quizapp import create_app
from quizapp.alerts import service as alerts
from quizapp.cli import main
from quizapp.clock import local_today
from quizapp.extensions import db
from quizapp.models import (
    Answer,
    Attempt,
    Company,
    Employee,
    FollowUp,
    Grid,
    Incident,
    Lead,
    OutreachActivity,
    Question,
    StaffUser,
    SupervisionCase,
    Town,
)
from quizapp.rules.vocab import OutreachKind
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


def test_demo_seeds_a_realistic_town_and_prints_its_entry_points_as_json(app, runner):
    result = runner.invoke(args=["demo", "--no-serve", "--json", "--port", "8123"])
    assert result.exit_code == 0, result.output
    info = json.loads(result.stdout)  # JSON alone on stdout, on a first run too
    assert set(info["roles"]) >= {"worker", "company_staff", "grid_officer", "town_admin"}
    assert info["roles"]["town_admin"]["sign_in_url"] == "http://127.0.0.1:8123/login"
    assert len(info["companies"]) >= 6
    assert all(c["worker_url"].startswith("http://127.0.0.1:8123/c/") and c["workers"] for c in info["companies"])
    assert any(w["pin"] for c in info["companies"] for w in c["workers"])
    # The city's second town, with its own accounts and a staffed company (tests/demo checks its history).
    second = info["second_town"]
    assert second["name"] == "黄江镇" and set(second["roles"]) == {"company_staff", "grid_officer", "town_admin"}
    assert second["companies"][0]["worker_url"].startswith("http://127.0.0.1:8123/c/")
    with app.app_context():
        sizes = db.session.execute(select(Company.code, func.count(Employee.id)).join(Employee)
                                   .group_by(Company.code)).all()
        assert max(n for _, n in sizes) >= 1000 and len(sizes) >= 6
        # Officers find something on every page: two years of incidents and a supervision list.
        months = db.session.scalars(select(Incident.month).distinct()).all()
        assert max(months) - min(months) > timedelta(days=365)
        assert db.session.scalar(select(func.count(SupervisionCase.id))) >= 1
        assert db.session.scalar(select(func.count(FollowUp.id))) >= 1
        # And an outreach ledger: five months of the grids' activities and the companies' pre-shift talks,
        # each within the date window the ledger keeps (no day in the future, none before its company joined).
        kinds = dict(db.session.execute(
            select(OutreachActivity.kind, func.count()).group_by(OutreachActivity.kind)).all())
        assert set(kinds) == set(OutreachKind) and sum(kinds.values()) > 300
        days = db.session.execute(select(func.min(OutreachActivity.day), func.max(OutreachActivity.day))).one()
        assert days[1] <= local_today() and days[1] - days[0] > timedelta(days=120)
        joined = dict(db.session.execute(select(Company.id, Company.created_at)).all())
        assert all(day >= joined[cid].date() for cid, day in db.session.execute(
            select(OutreachActivity.company_id, OutreachActivity.day).where(OutreachActivity.company_id.is_not(None))))
        # One live 本周警情 alert and one expired, each answered by workers of its grids in the first
        # personal slot, once each; the admin's reach figures count them.
        admin = db.session.scalar(select(StaffUser).where(StaffUser.username == "admin"))
        states = {alerts.state(a, local_today()): a for a in alerts.published(admin)}
        assert set(states) == {"live", "expired"}
        for alert in states.values():
            _companies, _grids, whole = alerts.reach(admin, alert, local_today())
            assert whole.workers > 100 and 0.4 < (whole.accuracy or 0) < 0.95
            slots = db.session.execute(select(Answer.position, Attempt.common_total, Attempt.employee_id)
                                       .join(Attempt, Attempt.id == Answer.attempt_id)
                                       .where(Answer.alert_id == alert.id)).all()
            assert all(position == common + 1 for position, common, _ in slots)
            assert len({worker for _, _, worker in slots}) == len(slots) == whole.workers
        # And a handful of workers' reports in the first town (some reported by several workers, money lost in two).
        first_town = select(Grid.id).join(Town, Town.id == Grid.town_id).where(Town.name == "大岭山镇")
        leads = db.session.execute(select(Lead.reports, Lead.money_lost, Lead.status)
                                   .where(Lead.grid_id.in_(first_town))).all()
        assert len(leads) >= 5 and any(n > 1 for n, _lost, _s in leads) and sum(lost for _n, lost, _s in leads) == 2
        assert {status for _n, _lost, status in leads} == {"new", "reviewed"}
    # The demo's accounts work: the company staff account signs in.
    client = app.test_client()
    staff = info["roles"]["company_staff"]
    response = client.post("/login", data={"username": staff["username"], "password": staff["password"]})
    assert response.status_code == 302 and response.location == "/console/"
    client.post("/logout")
    # So does the second town's admin, as README says.
    hj_admin = second["roles"]["town_admin"]
    response = client.post("/login", data={"username": hj_admin["username"], "password": hj_admin["password"]})
    assert response.status_code == 302 and response.location == "/admin/"
    # So do its workers, as README says: the printed PIN, and the first-time flow with the printed code.
    company = info["companies"][0]
    returning = next(w for w in company["workers"] if w["pin"])
    newcomer = next(w for w in company["workers"] if w["first_time"])
    worker = app.test_client()
    signed_in = worker.post(f"/c/{company['code']}", data={"employee_no": returning["employee_no"],
                                                           "pin": returning["pin"]})
    assert signed_in.location == "/today"
    worker.post("/logout").close()
    set_up = worker.post(f"/c/{company['code']}/welcome", data={
        "employee_no": newcomer["employee_no"], "code": newcomer["code"], "pin": "8642", "pin_again": "8642"})
    assert set_up.location == "/today"


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
    from datetime import timedelta

    from quizapp.clock import local_today, utcnow
    from quizapp.models import Attempt, CompanyDay
    from quizapp.quiz import service as quiz

    with app.app_context():
        attempt = quiz.start_attempt(db.session.get(Employee, town.worker_a), "official", local_today(),
                                     utcnow() - timedelta(hours=1), "test-town")
        db.session.commit()
        attempt_id, today = attempt.id, local_today()
    result = runner.invoke(args=["rollup", "--date", today.isoformat()])
    assert result.exit_code == 0, result.output
    assert "closed 1 attempt(s)" in result.output and "rebuilt 2 company rollups" in result.output
    with app.app_context():
        assert db.session.get(Attempt, attempt_id).expired
        assert db.session.get(CompanyDay, (town.company_a, today)).completed == 1
        if db.engine.dialect.name == "sqlite":  # the planner's statistics are fresh after the nightly run
            tables = set(db.session.scalars(text("SELECT tbl FROM sqlite_stat1")))
            assert {"answer", "attempt"} <= tables
