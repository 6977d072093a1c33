"""The deployment of docs/deploy.md on this machine, and one app server killed mid-burst: Redis, three
app servers (gunicorn) and HAProxy started by quizapp/cluster.py (as `scripts/cluster` starts them)
against the test PostgreSQL database. A shift starts: a few hundred phones (threads) sign in and
take the whole quiz through the balancer, following the pages (tests/cluster/phones.py); when a
third have finished, one app server is killed with SIGKILL. Then wrong PINs from one network are
spread over the servers left, and `quizapp digest` runs as cron on all three servers at once.

PostgreSQL only (marker `cluster`): on SQLite the suite deselects it (tests/conftest.py). It never
asserts how long anything took."""

from __future__ import annotations

import subprocess
import threading
import time
from datetime import date

import pytest
from sqlalchemy import func, insert, select

from quizapp import cluster
from quizapp.extensions import db
from quizapp.models import Answer, Attempt, Delivery, Employee, StaffUser
from quizapp.rules.vocab import Channel, DeliveryKind, DeliveryStatus, Role
from quizapp.signin.service import hash_pin
from tests.cluster.phones import Log, Phone
from tests.factories import PIN, make_company, make_grid, make_staff
from tests.receivers import Mailbox

pytestmark = pytest.mark.cluster

WORKERS = 240
GUESS_LIMIT = 10
DAY = date(2026, 11, 24)


@pytest.fixture
def shift(app, bank, receivers):
    """One factory of WORKERS workers with a PIN, and two officers with an e-mail address and a robot."""
    with app.app_context():
        grid = make_grid("c1", "网格一")
        company = make_company(grid, "burst", "大厂")
        pin_hash = hash_pin(PIN)
        db.session.execute(insert(Employee), [
            dict(company_id=company.id, employee_no=f"W{i:04d}", name=f"工人{i}", team="一车间", shift="早班",
                 active=True, pin_hash=pin_hash) for i in range(WORKERS)])
        make_staff("officer-1", "grid_officer", grids=[grid])
        make_staff("admin", "town_admin")
        robots = {}
        for user in db.session.scalars(select(StaffUser).where(StaffUser.role.in_((Role.GRID_OFFICER,
                                                                                    Role.TOWN_ADMIN)))):
            robots[user.id] = receivers()
            user.email, user.webhook_url = f"{user.username}@town.example", robots[user.id].url
        db.session.commit()
        return company.code, robots


@pytest.fixture
def deployment(app, tmp_path):
    """Redis, three app servers and HAProxy on free ports, on the test database; all stopped after."""
    redis = cluster.Redis(tmp_path, cluster.free_port())
    redis.start()
    env = cluster.server_env(app.config["SQLALCHEMY_DATABASE_URI"], redis.url, tmp_path, "test-secret",
                             {"QUIZAPP_SIGNIN_GUESS_LIMIT": f"{GUESS_LIMIT} per 10 minutes",
                              "QUIZAPP_TOWN_SEED": "test-town"})
    servers = cluster.app_servers([cluster.free_port() for _ in range(3)], env, tmp_path / "logs", workers=1,
                                  threads=4)
    balancer = cluster.Balancer(tmp_path, cluster.free_port(), servers, cluster.free_port(), maxconn=4)
    try:
        cluster.start_servers(servers)
        balancer.start()
        yield balancer, env
    finally:
        for piece in [balancer.piece, *(s.piece for s in servers), redis.piece]:
            if piece is not None:
                piece.stop()


def burst(balancer, code: str, victim) -> tuple[Log, float]:
    """Every worker takes the quiz at once; `victim` is killed when a third have finished. The log,
    and when the kill happened."""
    log = Log()
    broken: list[str] = []

    def phone(i: int) -> None:
        try:
            Phone(balancer.port, log).take_todays_quiz(code, f"W{i:04d}", PIN)
        except Exception as error:  # every phone must finish: reported below
            broken.append(f"W{i:04d}: {error!r}")

    threads = [threading.Thread(target=phone, args=(i,)) for i in range(WORKERS)]
    for thread in threads:
        thread.start()
    while log.finished < WORKERS // 3 and any(t.is_alive() for t in threads):
        time.sleep(0.05)
    killed_at = time.monotonic()
    victim.piece.kill()
    at_kill = log.finished
    for thread in threads:
        thread.join()
    assert not broken, broken[:5]
    assert at_kill < WORKERS and log.served_by.get(victim.name), "the server died mid-burst, having served"
    return log, killed_at


def test_a_shift_start_survives_a_killed_app_server(app, shift, deployment):
    code, robots = shift
    balancer, env = deployment
    victim = balancer.servers[1]
    log, killed_at = burst(balancer, code, victim)

    # The burst finished on the servers left: every phone reached its result.
    assert log.finished == WORKERS
    # No error beyond the requests in flight at the kill: each failure was sent before the kill
    # and failed after it (sent again, it succeeded on another server).
    late = [(f.what, f.started - killed_at, f.ended - killed_at) for f in log.failures
            if not f.started <= killed_at <= f.ended]
    assert late == []
    assert balancer.up() == {"app1": True, "app2": False, "app3": True}

    with app.app_context():
        # Every answer a phone got a success for is stored exactly once, as it was sent.
        slots = {(a.attempt_id, a.position): a for a in db.session.scalars(select(Answer))}
        rows = db.session.execute(select(Answer.attempt_id, Answer.position, func.count())
                                  .group_by(Answer.attempt_id, Answer.position)).all()
        assert all(n == 1 for *_key, n in rows)
        for attempt_id, position, shown in log.answered:
            slot = slots[(attempt_id, position)]
            assert slot.chosen == [slot.choice_order[shown]]
        assert len(set(log.answered)) == sum(1 for s in slots.values() if s.chosen is not None)
        # No worker has two official attempts on a day, and each has finished one.
        official = db.session.execute(select(Attempt.employee_id, Attempt.local_date, func.count())
                                      .where(Attempt.kind == "official")
                                      .group_by(Attempt.employee_id, Attempt.local_date)).all()
        assert len(official) == WORKERS and all(n == 1 for *_key, n in official)
        assert db.session.scalar(select(func.count()).select_from(Attempt).where(
            Attempt.kind == "official", Attempt.finished_at.is_not(None))) == WORKERS

    # Wrong PINs from one network, spread over the servers left, meet one shared budget (Redis):
    # GUESS_LIMIT are checked, every later one is refused on whichever server it reaches.
    statuses, servers = [], set()
    guesser = Phone(balancer.port, Log())
    _, page = guesser.open("GET", f"/c/{code}")
    form = page.form_with("csrf_token")
    assert form is not None
    for n in range(GUESS_LIMIT + 6):
        status, headers, _ = guesser.request("POST", form.action, {**form.fields, "employee_no": f"X{n}",
                                                                    "pin": "9999"})
        statuses.append(status)
        servers.add(headers.get("x-served-by"))
    assert statuses == [200] * GUESS_LIMIT + [429] * 6
    assert servers == {"app1", "app3"}

    # The digest started by cron on all three servers at once sends each message once.
    box = Mailbox()
    try:
        mail = {"QUIZAPP_SMTP_HOST": "127.0.0.1", "QUIZAPP_SMTP_PORT": str(box.port),
                "QUIZAPP_SMTP_FROM": "digest@town.example"}
        runs = [subprocess.Popen([*cluster.QUIZAPP, "digest", "--date", DAY.isoformat()], env={**s.env, **mail},
                                 cwd=cluster.ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                for s in balancer.servers]
        ended = [(run.wait(), *run.communicate()) for run in runs]
    finally:
        box.close()
    assert all(status == 0 and "Traceback" not in err for status, _out, err in ended), ended
    assert {uid: len(robot.posts) for uid, robot in robots.items()} == {uid: 1 for uid in robots}
    with app.app_context():
        emails = sorted(db.session.scalars(select(StaffUser.email).where(StaffUser.id.in_(list(robots)))))
        rows = db.session.scalars(select(Delivery).where(Delivery.kind == DeliveryKind.DIGEST)).all()
        assert sorted((d.staff_user_id, d.channel, d.status) for d in rows) == sorted(
            (uid, channel, DeliveryStatus.SENT) for uid in robots for channel in (Channel.EMAIL, Channel.WEBHOOK))
    assert sorted(to for tos, _message in box.messages for to in tos) == emails

