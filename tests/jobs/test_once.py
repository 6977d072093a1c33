"""Cron on every app server at once: `quizapp digest`, `remind`, `rollup`, `supervise` and
`retention` started N times at the same moment, each in its own process against the test database
(the SQLite file, or the PostgreSQL database when the suite runs there), do their job once.

Each run is the real command in a fresh interpreter (tests/jobs/hold.py). In the held races the
first run to take the job's lock stops (just after taking it, or before its first message goes
out) until every other run has ended, so the others certainly try while the lock is held: each
must end cleanly (exit 0) saying another run holds the job, and the holder then does the whole
job. In the free races nobody waits: the runs overlap however the machine schedules them.
Messages go to the local robot stand-ins and SMTP server of tests/receivers.py, which count what
arrives: each digest and reminder arrives exactly once, and is recorded once.
"""

from __future__ import annotations

import os
import queue
import subprocess
import sys
import threading
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from quizapp.clock import local_today, utcnow
from quizapp.deliveries import service as deliveries
from quizapp.extensions import db
from quizapp.jobs import JOBS, exclusive, held_message
from quizapp.models import Attempt, AuditLog, Company, CompanyDay, Delivery, Employee, Shift, StaffUser, SupervisionCase
from quizapp.quiz import service as quiz
from quizapp.rules.vocab import Channel, DeliveryKind, DeliveryStatus, Role
from tests.factories import make_employee, make_staff
from tests.pages import read, sign_in_staff, texts
from tests.receivers import Mailbox

ROOT = Path(__file__).resolve().parents[2]
RUNS = 3  # processes started at once: "three app servers"


@dataclass(frozen=True)
class Run:
    status: int
    out: str
    err: str
    job: str

    @property
    def refused(self) -> bool:
        """Ended cleanly, having done nothing because another run held the job."""
        return self.status == 0 and self.out.strip().endswith(held_message(self.job))


def environment(tmp_path, env: dict[str, str] | None = None) -> dict[str, str]:
    """A server's environment for a run against the test database."""
    return {**os.environ, "PYTHONPATH": str(ROOT), "QUIZAPP_INSTANCE": str(tmp_path),
            "QUIZAPP_DATABASE_URL": str(db.engine.url.render_as_string(hide_password=False)),
            "QUIZAPP_TOWN_SEED": "test-town", "QUIZAPP_SECRET_KEY": "test-secret", **(env or {})}


def race(app, tmp_path, args: list[str], hold: str, env: dict[str, str] | None = None, runs: int = RUNS) -> list[Run]:
    """Start `runs` processes of `quizapp ARGS` at once; return how each ended. With `hold`, the
    first to get to the hold point waits there until all the others have ended."""
    db.session.commit()  # everything the test set up is visible to the other processes
    marker = tmp_path / f"held-{args[0]}-{hold}"
    marker.unlink(missing_ok=True)
    read_end, write_end = os.pipe()
    processes = [subprocess.Popen([sys.executable, "-m", "tests.jobs.hold", hold, str(marker), str(read_end), *args],
                                  cwd=ROOT, env=environment(tmp_path, env), pass_fds=(read_end,),
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(runs)]
    os.close(read_end)
    ended: queue.Queue[Run] = queue.Queue()

    def watch(process: subprocess.Popen) -> None:
        out, err = process.communicate()
        ended.put(Run(process.returncode, out, err, args[0]))

    watchers = [threading.Thread(target=watch, args=(p,)) for p in processes]
    for watcher in watchers:
        watcher.start()
    results = [ended.get() for _ in range(runs - 1)]  # all but the holder end while it holds the job
    os.close(write_end)  # the holder goes on
    results.append(ended.get())
    for watcher in watchers:
        watcher.join()
    db.session.rollback()  # read what the runs wrote, not an older snapshot
    return results


def check(runs: list[Run], held: bool) -> Run:
    """No run failed; with a hold, all but the last refused cleanly. The run that did the job."""
    assert all(run.status == 0 for run in runs), [(run.status, run.out, run.err) for run in runs]
    assert all("Traceback" not in run.err for run in runs), [run.err for run in runs]
    workers = [run for run in runs if not run.refused]
    if held:
        assert [run.refused for run in runs] == [True] * (len(runs) - 1) + [False]
    assert workers, "some run did the job"
    return workers[-1] if held else workers[0]


# --- Digests -------------------------------------------------------------------------------------

DAY = date(2026, 11, 24)


@pytest.fixture
def officers(town, receivers):
    """Every digest recipient (the town's officer and admin, and a second officer) with an e-mail
    address and a robot of their own."""
    make_staff("officer-2", "grid_officer", grids=[db.session.get(Company, town.company_b).grid])
    robots = {}
    for user in db.session.scalars(select(StaffUser).where(StaffUser.role.in_((Role.GRID_OFFICER, Role.TOWN_ADMIN)))):
        robots[user.id] = receivers()
        user.email, user.webhook_url = f"{user.username}@town.example", robots[user.id].url
    db.session.flush()
    return robots


@pytest.fixture
def mailbox():
    box = Mailbox()
    yield box
    box.close()


def digest_env(box: Mailbox) -> dict[str, str]:
    return {"QUIZAPP_SMTP_HOST": "127.0.0.1", "QUIZAPP_SMTP_PORT": str(box.port),
            "QUIZAPP_SMTP_FROM": "digest@town.example"}


def assert_each_digest_once(robots, box: Mailbox) -> None:
    users = {u.id: u for u in db.session.scalars(select(StaffUser).where(StaffUser.id.in_(list(robots))))}
    assert {uid: len(robot.posts) for uid, robot in robots.items()} == {uid: 1 for uid in robots}
    assert sorted(to for tos, _message in box.messages for to in tos) == sorted(u.email for u in users.values())
    rows = db.session.scalars(select(Delivery).where(Delivery.kind == DeliveryKind.DIGEST)).all()
    assert sorted((d.staff_user_id, d.channel, d.status) for d in rows) == sorted(
        (uid, channel, DeliveryStatus.SENT) for uid in robots for channel in (Channel.EMAIL, Channel.WEBHOOK))


@pytest.mark.parametrize("hold", ["send", "none"])
def test_the_digest_started_on_every_server_at_once_sends_each_message_once(app, ctx, tmp_path, officers, mailbox,
                                                                            hold):
    runs = race(app, tmp_path, ["digest", "--date", DAY.isoformat()], hold, digest_env(mailbox))
    worker = check(runs, held=hold != "none")
    assert_each_digest_once(officers, mailbox)
    sent = 2 * len(officers)
    if hold != "none":
        assert worker.out.strip() == f"digest {DAY}: {sent} sent, 0 already sent, 0 failed"
    # Whichever runs did the work, the messages sent add up to one per officer and channel.
    assert sum(int(run.out.split(": ")[1].split(" sent")[0]) for run in runs if not run.refused) == sent
    # And a run afterwards finds them all sent.
    again = race(app, tmp_path, ["digest", "--date", DAY.isoformat()], "none", digest_env(mailbox), runs=1)
    assert again[0].out.strip() == f"digest {DAY}: 0 sent, {sent} already sent, 0 failed"
    assert_each_digest_once(officers, mailbox)


# --- Reminders -----------------------------------------------------------------------------------

MONDAY = date(2026, 3, 2)


@pytest.fixture
def plants(town, receivers):
    """Both companies: an 早班 at 07:30 (reminded 30 minutes before), workers not done, a robot each."""
    robots = {}
    for company_id in (town.company_a, town.company_b):
        company = db.session.get(Company, company_id)
        db.session.add(Shift(company_id=company.id, name="早班", starts_at=time(7, 30)))
        make_employee(company, f"{company.code}-R1", "赵一", team="一车间", shift="早班")
        robots[company.id] = receivers()
        company.webhook_url = robots[company.id].url
    db.session.flush()
    return robots


@pytest.mark.parametrize("hold", ["send", "none"])
def test_the_reminders_started_on_every_server_at_once_post_each_reminder_once(app, ctx, tmp_path, plants, hold):
    runs = race(app, tmp_path, ["remind", "--at", f"{MONDAY} 07:05"], hold)
    worker = check(runs, held=hold != "none")
    if hold != "none":
        assert worker.out.strip() == "reminders: 2 sent, 0 failed, 0 already sent"
    assert {cid: len(robot.posts) for cid, robot in plants.items()} == {cid: 1 for cid in plants}
    rows = db.session.scalars(select(Delivery).where(Delivery.kind == DeliveryKind.REMINDER)).all()
    assert sorted((d.company_id, d.status) for d in rows) == sorted((cid, DeliveryStatus.SENT) for cid in plants)
    again = race(app, tmp_path, ["remind", "--at", f"{MONDAY} 07:10"], "none", runs=1)
    assert again[0].out.strip() == "reminders: 0 sent, 0 failed, 2 already sent"
    assert {cid: len(robot.posts) for cid, robot in plants.items()} == {cid: 1 for cid in plants}


# --- The nightly jobs ----------------------------------------------------------------------------

def test_the_rollup_started_on_every_server_at_once_closes_and_counts_each_quiz_once(app, ctx, tmp_path, town):
    today, started = local_today(), utcnow() - timedelta(hours=1)
    for worker_id in (town.worker_a, town.worker_b):
        worker = db.session.get(Employee, worker_id)
        attempt = quiz.start_attempt(worker, "official", today, started, "test-town")
        # One answer in time, then the time ran out: done (a quiz left with no answer is not).
        quiz.record_answer(worker, attempt.id, 1, [0], started + timedelta(minutes=1), today)
    runs = race(app, tmp_path, ["rollup", "--date", today.isoformat()], "lock")
    worker = check(runs, held=True)
    assert "closed 2 attempt(s)" in worker.out and "rebuilt 2 company rollups" in worker.out
    days = db.session.scalars(select(CompanyDay).where(CompanyDay.day == today)).all()
    assert sorted((d.company_id, d.completed) for d in days) == [(town.company_a, 1), (town.company_b, 1)]
    assert db.session.scalar(select(func.count(Attempt.id)).where(Attempt.finished_at.is_(None))) == 0


def test_supervise_started_on_every_server_at_once_opens_each_case_once(app, ctx, tmp_path, town):
    today = date(2026, 11, 24)
    for day in (date(2026, 11, d) for d in (18, 19, 20, 21, 23)):  # five low workdays before it
        db.session.add(CompanyDay(company_id=town.company_a, day=day, workday=True, headcount=10, completed=4))
    runs = race(app, tmp_path, ["supervise", "--date", today.isoformat()], "lock")
    assert check(runs, held=True).out.strip() == "1 case(s) opened"
    cases = db.session.scalars(select(SupervisionCase)).all()
    assert [(c.company_id, c.rule) for c in cases] == [(town.company_a, "participation")]
    assert db.session.scalar(select(func.count(AuditLog.id)).where(AuditLog.action == "supervision.case.open")) == 1


def test_retention_started_on_every_server_at_once_purges_once(app, ctx, tmp_path, town):
    old = local_today() - timedelta(days=800)
    worker = db.session.get(Employee, town.worker_a)
    started = datetime.combine(old, time(0, 30))
    db.session.add(Attempt(employee_id=worker.id, company_id=worker.company_id, local_date=old, kind="official",
                           official_date=old, started_at=started, deadline_at=started + timedelta(minutes=5),
                           finished_at=started + timedelta(minutes=2), total=5, slots=5))
    runs = race(app, tmp_path, ["retention", "--months", "12"], "lock")
    assert "deleted records dated before" in check(runs, held=True).out
    assert db.session.scalar(select(func.count(Attempt.id)).where(Attempt.local_date == old)) == 0
    assert db.session.scalar(select(func.count(AuditLog.id)).where(AuditLog.action == "retention.purge")) == 1


# --- The lock and the key themselves -------------------------------------------------------------

def test_a_job_s_lock_is_held_by_one_holder_at_a_time_and_free_again_after(app, ctx, tmp_path):
    """Here within one process (the races above show it between processes): held, a second try is
    refused at once; released, it can be taken again; other jobs are not blocked."""
    with exclusive("digest") as first:
        assert first
        if db.engine.dialect.name == "sqlite":  # the file beside the database (docs/deploy.md)
            assert Path(f"{db.engine.url.database}.digest.lock").is_file()
        with exclusive("digest") as second:
            assert not second
        with exclusive("remind") as other:
            assert other
    with exclusive("digest") as again:
        assert again
    assert set(JOBS) == {"digest", "remind", "rollup", "supervise", "retention", "partitions"}


def test_the_database_refuses_a_second_row_for_the_same_message(app, ctx, town):
    """The unique once_key, not a look beforehand: a run that reaches the insert second gets None
    (another run recorded the message first, and sends it), and a plain insert fails."""
    officer = db.session.scalar(select(StaffUser).where(StaffUser.role == Role.GRID_OFFICER))

    def digest() -> Delivery:
        return Delivery(kind=DeliveryKind.DIGEST, channel=Channel.EMAIL, staff_user_id=officer.id, target="o@x",
                        payload={"key": "digest:2026-11-24"}, once_key=f"digest:2026-11-24/staff {officer.id}/email")

    assert deliveries.record_once(digest()) is not None
    db.session.commit()
    assert deliveries.record_once(digest()) is None
    db.session.add(digest())
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()
    assert db.session.scalar(select(func.count(Delivery.id))) == 1
    # Tests sent from the pages have no key: as many as are sent.
    for _ in range(2):
        db.session.add(Delivery(kind=DeliveryKind.DIGEST_TEST, channel=Channel.EMAIL, staff_user_id=officer.id,
                                target="o@x", payload={"key": "digest-test:2026-11-24T21:00"}))
    db.session.flush()
    assert db.session.scalar(select(func.count(Delivery.id))) == 3


def test_prepare_leaves_a_digest_another_run_recorded_since_it_looked_to_that_run(app, ctx, town, officers,
                                                                               monkeypatch):
    """The lost insert race: between prepare's look and its insert another run recorded the same
    digests. prepare skips them (counted as already sent), sends nothing twice and fails nothing."""
    from quizapp.digest import service
    from quizapp.digest.wording import town_outbox

    with app.test_request_context("/"):
        first = service.prepare(DAY, utcnow(), town_outbox())
        db.session.commit()
        monkeypatch.setattr(service, "_day_deliveries", lambda *args: {})  # looked before the other run's commit
        second = service.prepare(DAY, utcnow(), town_outbox())
    assert len(first.todo) == 2 * len(officers) and first.broken == []
    assert second.todo == [] and second.already == 2 * len(officers) and second.broken == []
    assert db.session.scalar(select(func.count(Delivery.id)).where(Delivery.kind == DeliveryKind.DIGEST)) == len(
        first.todo)


# --- "Retry now" and the nightly run -------------------------------------------------------------

@pytest.fixture
def failed_digest(app, town, officers):
    """officer-1's digest of DAY failed on its robot (an address that answered nothing): on record
    for the nightly run to retry, and on the town admin's messages page with "Retry now"."""
    officer = db.session.scalar(select(StaffUser).where(StaffUser.username == "officer-1"))
    delivery = Delivery(kind=DeliveryKind.DIGEST, channel=Channel.WEBHOOK, staff_user_id=officer.id,
                        target="http://127.0.0.1:9/gone", payload={"key": f"digest:{DAY}", "body": {}},
                        status=DeliveryStatus.FAILED, attempts=3, last_error="URLError: refused", created_at=utcnow(),
                        once_key=f"digest:{DAY}/staff {officer.id}/webhook")
    db.session.add(delivery)
    db.session.commit()
    return officer.id, delivery.id


def retry_now(app, delivery_id: int) -> str:
    """The town admin's "Retry now" through the page: the message it then shows."""
    client = app.test_client()
    client.set_cookie("lang", "en")
    sign_in_staff(client, "admin")
    client.post("/admin/deliveries/retry", data={"delivery": str(delivery_id)}).close()
    _status, page = read(client, "/admin/deliveries")
    return " ".join(texts(page, "p", class_="flash"))


def start_held(tmp_path, args: list[str], env: dict[str, str]) -> tuple[subprocess.Popen, Path, int]:
    """One `quizapp ARGS` run that stops just after taking its job's lock, until the test closes the
    returned pipe end; the marker file appears once it holds the lock."""
    db.session.commit()
    marker = tmp_path / f"held-{args[0]}-retry"
    marker.unlink(missing_ok=True)
    read_end, write_end = os.pipe()
    process = subprocess.Popen([sys.executable, "-m", "tests.jobs.hold", "lock", str(marker), str(read_end), *args],
                               cwd=ROOT, env=environment(tmp_path, env), pass_fds=(read_end,),
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    os.close(read_end)
    while not marker.exists():  # no time limit: it gets there, or it ends (and the test fails)
        assert process.poll() is None, process.communicate()
        threading.Event().wait(0.05)
    return process, marker, write_end


def test_retry_now_while_the_nightly_run_holds_the_digest_sends_nothing_and_the_run_sends_it_once(
        app, ctx, tmp_path, failed_digest, officers, mailbox):
    officer_id, delivery_id = failed_digest
    process, _marker, write_end = start_held(tmp_path, ["digest", "--date", DAY.isoformat()], digest_env(mailbox))
    try:
        shown = retry_now(app, delivery_id)
        assert "The digest is being sent right now" in shown and "Sent again" not in shown
        assert officers[officer_id].posts == []  # the retry sent nothing
    finally:
        os.close(write_end)  # the nightly run goes on
    out, err = process.communicate()
    assert process.returncode == 0 and "Traceback" not in err, (out, err)
    db.session.rollback()
    assert_each_digest_once(officers, mailbox)  # the failed one retried by the run, once, with the rest
    assert db.session.get(Delivery, delivery_id).attempts == 4


def test_a_nightly_run_started_during_retry_now_does_nothing_and_the_digest_goes_once(
        app, ctx, tmp_path, failed_digest, officers, mailbox, monkeypatch):
    from quizapp.digest import service

    officer_id, delivery_id = failed_digest
    deliver, runs = service.deliver, []

    def cron_starts_meanwhile(*args, **kwargs):
        # Cron starts the nightly run while the retry is about to send: it must find the job held.
        process = subprocess.run([sys.executable, "-m", "quizapp", "digest", "--date", DAY.isoformat()], cwd=ROOT,
                                 env=environment(tmp_path, digest_env(mailbox)), capture_output=True, text=True)
        runs.append(Run(process.returncode, process.stdout, process.stderr, "digest"))
        return deliver(*args, **kwargs)

    monkeypatch.setattr(service, "deliver", cron_starts_meanwhile)
    assert "Sent again: the digest went out." in retry_now(app, delivery_id)
    assert [run.refused for run in runs] == [True], runs
    assert len(officers[officer_id].posts) == 1
    # The next run sends the others' digests, and finds officer-1's robot digest sent.
    monkeypatch.setattr(service, "deliver", deliver)
    again = race(app, tmp_path, ["digest", "--date", DAY.isoformat()], "none", digest_env(mailbox), runs=1)
    sent = 2 * len(officers)
    assert again[0].out.strip() == f"digest {DAY}: {sent - 1} sent, 1 already sent, 0 failed"
    assert_each_digest_once(officers, mailbox)
