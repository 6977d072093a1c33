"""Limits hold behind a proxy and across processes: the client's address comes from the number of
trusted proxies the deployment sets (QUIZAPP_TRUSTED_PROXIES), so each client behind nginx counts
alone and a forged X-Forwarded-For counts for nothing when no proxy is trusted; `quizapp serve`
refuses several processes that would each count alone (memory://)."""

import json

import click
import pytest
from sqlalchemy import select

from quizapp import cli, create_app
from quizapp.config import storage_options
from quizapp.extensions import db, limiter
from quizapp.models import AuditLog, Employee
from tests.conftest import LIMITS
from tests.pages import sign_in_worker


@pytest.fixture
def behind_nginx(app):
    """The app as deployed behind one nginx (QUIZAPP_TRUSTED_PROXIES=1), on the test database,
    with a small staff sign-in limit, counted in the suite's rate-limit storage (Redis on the PostgreSQL
    run: tests/conftest.py)."""
    proxied = create_app({
        "TESTING": True, "SECRET_KEY": "test-secret", "WTF_CSRF_ENABLED": False, "SESSION_COOKIE_SECURE": False,
        "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
        "QUIZAPP_TOWN_SEED": "test-town", "QUIZAPP_TRUSTED_PROXIES": 1,
        "QUIZAPP_STAFF_SIGNIN_ADDRESS_LIMIT": "3 per 10 minutes"})
    yield proxied
    with proxied.app_context():
        db.session.remove()
        db.engine.dispose()


def wrong_sign_in(client, forwarded_for: str | None):
    headers = {"X-Forwarded-For": forwarded_for} if forwarded_for else {}
    return client.post("/login", data={"username": "staff-a", "password": "wrong"}, headers=headers,
                       environ_base={"REMOTE_ADDR": "10.0.0.2"})  # the proxy's address


def test_behind_one_trusted_proxy_each_client_counts_alone(behind_nginx, town):
    client = behind_nginx.test_client()
    assert [wrong_sign_in(client, "203.0.113.7").status_code for _ in range(4)] == [200, 200, 200, 429]
    assert wrong_sign_in(client, "198.51.100.9").status_code == 200  # another worker's phone, same proxy
    # The proxy's own header is believed; one a client put before it is not.
    assert wrong_sign_in(client, "198.51.100.1, 203.0.113.7").status_code == 429
    with behind_nginx.app_context():
        details = [json.loads(d) for d in db.session.scalars(
            select(AuditLog.detail).where(AuditLog.action == "signin.staff.failed"))]
    assert {d["address"] for d in details} == {"203.0.113.7", "198.51.100.9"}


def test_with_no_trusted_proxy_a_forged_header_counts_for_nothing(app, town, monkeypatch):
    monkeypatch.setitem(app.config, "QUIZAPP_STAFF_SIGNIN_ADDRESS_LIMIT", "3 per 10 minutes")
    client = app.test_client()
    statuses = [wrong_sign_in(client, f"192.0.2.{n}").status_code for n in range(4)]
    assert statuses == [200, 200, 200, 429]  # every try came from 10.0.0.2, whatever the header said


def test_serve_refuses_several_processes_that_would_each_count_alone(app, runner, monkeypatch):
    monkeypatch.setitem(app.config, "RATELIMIT_STORAGE_URI", "memory://")
    started = []
    monkeypatch.setattr(cli, "run_gunicorn", lambda *args: started.append(args))
    refused = runner.invoke(args=["serve", "--workers", "4"])
    assert refused.exit_code == 2 and started == []
    assert "--workers 4 with QUIZAPP_RATELIMIT_STORAGE_URI=memory://" in refused.output
    assert "4 times the configured limits" in refused.output
    assert runner.invoke(args=["serve"]).exit_code == 0
    assert started[-1][2] == 1  # one process (threads for concurrency)
    monkeypatch.setitem(app.config, "RATELIMIT_STORAGE_URI", "redis://cache:6379/0")
    assert runner.invoke(args=["serve", "--workers", "4", "--port", "8001"]).exit_code == 0
    assert started[-1] == ("127.0.0.1", 8001, 4, 1)


def test_the_server_shape_rule():
    assert cli.server_shape(None, "memory://", 4) == (1, 9)
    assert cli.server_shape(1, "memory://", 4) == (1, 9)
    assert cli.server_shape(None, "redis://x:6379/0", 4) == (9, 1)
    with pytest.raises(click.UsageError):
        cli.server_shape(2, "memory://", 4)


@pytest.fixture
def redis_down(app):
    """The app as deployed with a shared rate-limit storage that does not answer (nothing listens on
    port 1), and small limits. The limiter is one object for every app: the suite's storage is put
    back afterwards."""
    storage = "redis://127.0.0.1:1/0"
    cut_off = create_app({
        "TESTING": True, "SECRET_KEY": "test-secret", "WTF_CSRF_ENABLED": False, "SESSION_COOKIE_SECURE": False,
        "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"], "QUIZAPP_TOWN_SEED": "test-town",
        "RATELIMIT_STORAGE_URI": storage, "RATELIMIT_STORAGE_OPTIONS": storage_options(storage),
        "QUIZAPP_SIGNIN_GUESS_LIMIT": "2 per 10 minutes", "QUIZAPP_SIGNIN_ADDRESS_LIMIT": "3 per 10 minutes",
        "QUIZAPP_STAFF_SIGNIN_ADDRESS_LIMIT": "1 per 10 minutes"})
    yield cut_off
    with cut_off.app_context():
        db.session.remove()
        db.engine.dispose()
    limiter.init_app(app)


def test_with_the_limit_storage_down_limits_fail_open_and_the_health_check_says_so(redis_down, town):
    client = redis_down.test_client()
    health = client.get("/healthz")
    assert health.status_code == 200
    assert health.json == {"status": "ok", "database": "ok", "limits": "unreachable"}
    # Past every limit (address, guesses, staff): nothing counted, nobody refused for it.
    wrong = [client.post(f"/c/{town.code_a}", data={"employee_no": f"X{n}", "pin": "9999"}).status_code
             for n in range(5)]
    assert wrong == [200] * 5
    assert sign_in_worker(client, town.code_a, town.worker_a_no).headers["Location"] == "/today"
    assert [wrong_sign_in(redis_down.test_client(), None).status_code for _ in range(3)] == [200] * 3
    # The per-worker tracks are in the database and still hold: a stranger's wrong PINs for one
    # worker are slowed down there whatever the storage.
    with redis_down.app_context():
        stranger_tries = db.session.scalar(select(Employee.stranger_failures).where(Employee.id == town.worker_b))
    assert stranger_tries == 0
    tries = [redis_down.test_client().post(f"/c/{town.code_b}", data={"employee_no": town.worker_b_no,
                                                                      "pin": "9999"}) for _ in range(3)]
    assert all(t.status_code == 200 for t in tries)
    with redis_down.app_context():
        assert db.session.scalar(select(Employee.stranger_failures).where(Employee.id == town.worker_b)) > 0


def test_the_health_check_names_the_memory_storage(client, town):
    assert client.get("/healthz").json["limits"] == ("memory" if LIMITS.startswith("memory://") else "ok")
