"""`quizapp digest` against a local WeChat Work robot stand-in (http.server on 127.0.0.1, a free
port) and a local SMTP server (aiosmtpd) started by the tests: the figures, what each officer
receives (their own grids only, never a worker), retries, re-runs and the command's summary."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from quizapp.deliveries import service as deliveries
from quizapp.digest import service
from quizapp.digest.wording import compose, town_outbox
from quizapp.extensions import db
from quizapp.models import Company, CompanyDay, Delivery, Employee, Grid, Incident, StaffUser, SupervisionCase
from tests.factories import first_town, make_staff, take_quiz
from tests.receivers import Mailbox, free_port

pytestmark = pytest.mark.usefixtures("ctx")

DAY = date(2026, 11, 24)  # a Tuesday
ZONE = ZoneInfo("Asia/Shanghai")
WORKERS = ("王小明", "张新来", "李小红", "A001", "A002", "B001")


def utc(day: date, hour: int, minute: int = 0) -> datetime:
    """Naive UTC for a local (Asia/Shanghai, UTC+8) time."""
    return datetime.combine(day, time(hour, minute)) - timedelta(hours=8)


@pytest.fixture
def mailbox(app, monkeypatch):
    box = Mailbox()
    monkeypatch.setitem(app.config, "QUIZAPP_SMTP_HOST", "127.0.0.1")
    monkeypatch.setitem(app.config, "QUIZAPP_SMTP_PORT", box.port)
    monkeypatch.setitem(app.config, "QUIZAPP_SMTP_FROM", "digest@town.example")
    yield box
    box.close()


@pytest.fixture(autouse=True)
def no_backoff(monkeypatch):
    monkeypatch.setattr(service, "BACKOFF_SECONDS", ())


@pytest.fixture
def named_town(app, monkeypatch):
    monkeypatch.setitem(app.config, "QUIZAPP_TOWN_NAME", "大岭山镇")


def staff(username: str) -> StaffUser:
    return db.session.scalar(select(StaffUser).where(StaffUser.username == username))


@pytest.fixture
def day_in_town(town):
    """DAY in the test town: 甲厂 (grid 网格一) 1 of 2 done and newly flagged, with fraud cases of
    the month (some entered later) and last month's back-filled on DAY; 乙厂 (网格二) 1 of 1 done,
    with a case of its own."""
    a, b = db.session.get(Company, town.company_a), db.session.get(Company, town.company_b)
    g1, g2 = a.grid_id, b.grid_id
    take_quiz(db.session.get(Employee, town.worker_a), DAY)
    take_quiz(db.session.get(Employee, town.worker_b), DAY)
    db.session.add_all([
        SupervisionCase(company_id=a.id, rule="manual", reason="low", opened_on=DAY),
        SupervisionCase(company_id=b.id, rule="manual", reason="old", opened_on=DAY - timedelta(days=3)),
        # November's cases, whenever they were entered: all of them count for a November date.
        Incident(grid_id=g1, company_id=a.id, month=DAY.replace(day=1), fraud_type="shuadan", cases=2,
                 loss_yuan=Decimal("3000"), created_at=utc(DAY, 23, 30)),
        Incident(grid_id=g1, company_id=None, month=DAY.replace(day=1), fraud_type="other", cases=1,
                 loss_yuan=Decimal("500.50"), created_at=utc(DAY - timedelta(days=2), 9)),
        Incident(grid_id=g1, company_id=a.id, month=DAY.replace(day=1), fraud_type="police", cases=7,
                 loss_yuan=Decimal("70000"), created_at=utc(DAY + timedelta(days=1), 0, 30)),
        # October's cases, whenever entered (even on DAY: a back-fill): not November's.
        Incident(grid_id=g1, company_id=a.id, month=date(2026, 10, 1), fraud_type="other", cases=8,
                 loss_yuan=Decimal("8"), created_at=utc(date(2026, 10, 31), 23)),
        Incident(grid_id=g1, company_id=a.id, month=date(2026, 10, 1), fraud_type="loan", cases=4,
                 loss_yuan=Decimal("4000"), created_at=utc(DAY, 10)),
        Incident(grid_id=g2, company_id=b.id, month=DAY.replace(day=1), fraud_type="shuadan", cases=5,
                 loss_yuan=Decimal("9999"), created_at=utc(DAY, 11)),
    ])
    officer2 = make_staff("officer-2", "grid_officer", grids=[db.session.get(Grid, g2)])
    db.session.flush()
    return town, officer2


def run(day: date = DAY, now: datetime | None = None) -> tuple[int, int, int]:
    """What `quizapp digest` does: prepare, then deliver each. (sent, already sent, failed)"""
    now = now or utc(day, 21)
    outbox = town_outbox()  # read at each run, as the command does: tests change the SMTP settings
    plan = service.prepare(day, now, outbox)
    sent = sum(service.deliver(delivery, now, outbox.smtp) for delivery in plan.todo)
    return sent, plan.already, len(plan.todo) - sent + len(plan.broken)


def digests(user: StaffUser) -> list[Delivery]:
    return list(db.session.scalars(select(Delivery).where(Delivery.staff_user_id == user.id).order_by(Delivery.id)))


def test_an_officer_s_figures_are_their_grid_s_day(day_in_town):
    [grid] = service.figures(staff("officer-1"), DAY, ZONE, utc(DAY, 21)).grids
    assert grid.name == "网格一"
    assert (grid.companies, grid.below_target, grid.expected, grid.done) == (1, 1, 2, 1)
    assert grid.participation == 0.5 and grid.flagged == ("甲厂",)
    # By the month the cases happened, like the incidents page: November's 2 + 1 + 7, not the 4 of
    # October back-filled on DAY (counting by entry date said 2 + 4 + 1 before issue 10).
    assert (grid.cases_month, grid.loss_month) == (2 + 1 + 7, Decimal("73500.50"))


def test_the_town_admin_gets_every_grid_and_the_town_s_totals(day_in_town):
    digest = service.figures(staff("admin"), DAY, ZONE, utc(DAY, 21))
    assert [g.name for g in digest.grids] == ["网格一", "网格二"]
    total = digest.total
    assert (total.companies, total.below_target, total.expected, total.done) == (2, 1, 3, 2)
    assert total.cases_month == 2 + 1 + 7 + 5
    assert set(total.flagged) == {"甲厂"}


def test_a_day_off_expects_nothing(day_in_town):
    sunday = DAY + timedelta(days=5)
    [grid] = service.figures(staff("officer-1"), sunday, ZONE, utc(sunday, 21)).grids
    assert grid.expected == 0 and grid.participation is None
    assert "非工作日" in compose(service.figures(staff("officer-1"), sunday, ZONE, utc(sunday, 21))).text


def test_a_past_date_without_a_rollup_row_says_there_is_no_data_not_a_day_off(day_in_town):
    monday = DAY - timedelta(days=1)  # a workday; the nightly job never wrote its rows here
    digest = service.figures(staff("officer-1"), monday, ZONE, utc(DAY, 21))  # sent on DAY
    [grid] = digest.grids
    assert grid.expected == 0 and not grid.has_data and grid.participation is None
    text = compose(digest).text
    assert "非工作日" not in text and "–" in text
    db.session.add(CompanyDay(company_id=day_in_town[0].company_a, day=monday, workday=True, headcount=2,
                              completed=2))
    [grid] = service.figures(staff("officer-1"), monday, ZONE, utc(DAY, 21)).grids
    assert (grid.expected, grid.done) == (2, 2)  # a past date is read from its rollup row


def test_each_officer_is_sent_their_own_grids_by_mail_and_robot_and_no_worker(day_in_town, mailbox, receivers,
                                                                              named_town):
    _town, officer2 = day_in_town
    robot = receivers()
    officer1 = staff("officer-1")
    officer1.email, officer1.webhook_url = "officer1@town.example", robot.url
    officer2.email = "officer2@town.example"
    assert run() == (3, 0, 0)

    by_recipient = {tuple(to): message for to, message in mailbox.messages}
    mine = by_recipient[("officer1@town.example",)]
    assert mine["Subject"] == "大岭山镇反诈日报 2026-11-24 · 网格一"  # the town's language
    assert mine["From"] == "digest@town.example"
    text = mine.get_body(("plain",)).get_content()
    html = mine.get_body(("html",)).get_content()
    assert mine.get_body(("plain",)).get_content_charset() == "utf-8"
    for body in (text, html):
        assert "网格一" in body and "甲厂" in body and "50%" in body
        assert "网格二" not in body and "乙厂" not in body
        assert not any(worker in body for worker in WORKERS)
    assert "应完成2次，完成1次" in text and "2026-11" in text and "73,500.50" in text
    assert "https://" not in text  # no QUIZAPP_BASE_URL: no link

    theirs = by_recipient[("officer2@town.example",)]
    their_text = theirs.get_body(("plain",)).get_content()
    assert "网格二" in their_text and "网格一" not in their_text and "甲厂" not in their_text
    assert "乙厂" not in their_text  # flagged three days ago: not new

    [posted] = robot.contents()
    assert posted.splitlines()[0] == mine["Subject"] and "网格一" in posted and "网格二" not in posted
    assert not any(worker in posted for worker in WORKERS)

    [email_row, robot_row] = digests(officer1)
    assert (email_row.kind, email_row.channel, email_row.status, email_row.attempts) == ("digest", "email", "sent", 1)
    assert robot_row.channel == "webhook" and robot_row.status == "sent"
    assert email_row.payload["key"] == robot_row.payload["key"] == "digest:2026-11-24"
    assert email_row.company_id is None and email_row.sent_at == utc(DAY, 21)


def test_a_re_run_sends_nothing_twice(day_in_town, mailbox, receivers):
    robot = receivers()
    officer1 = staff("officer-1")
    officer1.email, officer1.webhook_url = "officer1@town.example", robot.url
    assert run() == (2, 0, 0)
    assert run(now=utc(DAY, 22)) == (0, 2, 0)
    assert len(mailbox.messages) == 1 and len(robot.posts) == 1
    assert run(DAY + timedelta(days=1)) == (2, 0, 0)  # the next day is a new digest
    assert len(digests(officer1)) == 4


def test_a_failing_robot_is_tried_three_times_kept_failed_and_sent_on_the_next_run(day_in_town, receivers, caplog):
    robot = receivers("500")
    officer1 = staff("officer-1")
    officer1.webhook_url = robot.url
    assert run() == (0, 0, 1)
    [row] = digests(officer1)
    assert (row.status, row.attempts, row.last_error) == ("failed", 3, "HTTP 500")
    assert len(robot.posts) == 3
    assert "HTTP 500" in caplog.text and "digest:2026-11-24" in caplog.text and "failed after 3 tries" in caplog.text
    # A case recorded after the failed run is in the retried digest: fresh figures.
    a = db.session.scalar(select(Company).where(Company.code == "acme"))
    db.session.add(Incident(grid_id=a.grid_id, company_id=a.id, month=DAY.replace(day=1), fraud_type="loan",
                            cases=9, loss_yuan=Decimal(1), created_at=utc(DAY, 21, 30)))
    robot.answer = "ok"
    assert run(now=utc(DAY, 22)) == (1, 0, 0)
    [row] = digests(officer1)
    assert (row.status, row.attempts, row.last_error) == ("sent", 4, None)
    # November's 2 + 1 + 7 and the 9 entered after the failed run (by the month they happened).
    assert "2026-11确认警情（按发案月份，截至目前）：19起（损失73,501.50元）" in robot.contents()[-1].splitlines()
    assert run(now=utc(DAY, 23)) == (0, 1, 0)
    assert len(robot.posts) == 4


def test_an_errcode_answer_is_a_failure(day_in_town, receivers):
    robot = receivers("errcode")
    staff("officer-1").webhook_url = robot.url
    assert run() == (0, 0, 1)
    [row] = digests(staff("officer-1"))
    assert row.status == "failed" and row.attempts == 3 and "93000" in row.last_error


def test_a_refused_recipient_fails_after_three_tries_and_goes_out_once_accepted(day_in_town, mailbox):
    mailbox.refuse = True
    staff("officer-1").email = "officer1@town.example"
    assert run() == (0, 0, 1)
    [row] = digests(staff("officer-1"))
    assert (row.status, row.attempts) == ("failed", 3)
    assert row.last_error.startswith("recipient refused: 550") and "no such mailbox" in row.last_error
    mailbox.refuse = False
    assert run(now=utc(DAY, 22)) == (1, 0, 0)
    assert len(mailbox.messages) == 1 and digests(staff("officer-1"))[0].status == "sent"


def test_no_smtp_server_is_a_failure_with_a_clear_error_not_a_silent_skip(day_in_town, app, monkeypatch, caplog):
    monkeypatch.setitem(app.config, "QUIZAPP_SMTP_HOST", "")
    staff("officer-1").email = "officer1@town.example"
    assert run() == (0, 0, 1)
    [row] = digests(staff("officer-1"))
    assert row.status == "failed" and "no SMTP server configured" in row.last_error
    assert "no SMTP server configured" in caplog.text


def test_a_dead_smtp_server_or_robot_does_not_stop_the_others(day_in_town, app, monkeypatch, receivers):
    _town, officer2 = day_in_town
    monkeypatch.setitem(app.config, "QUIZAPP_SMTP_HOST", "127.0.0.1")
    monkeypatch.setitem(app.config, "QUIZAPP_SMTP_PORT", free_port())  # nobody listens there
    robot = receivers()
    officer1 = staff("officer-1")
    officer1.email = "officer1@town.example"
    officer2.webhook_url = robot.url
    assert run() == (1, 0, 1)
    [failed] = digests(officer1)
    assert failed.status == "failed" and failed.attempts == 3 and "ConnectionRefused" in failed.last_error
    assert digests(officer2)[0].status == "sent" and "网格二" in robot.contents()[0]


def test_one_officer_s_broken_figures_do_not_stop_the_others(day_in_town, receivers, monkeypatch, caplog):
    _town, officer2 = day_in_town
    robot = receivers()
    officer1 = staff("officer-1")
    officer1.webhook_url, officer2.webhook_url = robot.url, robot.url
    real = service.figures

    def figures(actor, day, *args):
        if actor.id == officer1.id:
            raise RuntimeError("bad data")
        return real(actor, day, *args)

    monkeypatch.setattr(service, "figures", figures)
    assert run() == (1, 0, 1)
    assert digests(officer1) == [] and digests(officer2)[0].status == "sent"
    assert "could not prepare the digest" in caplog.text


def test_only_active_officers_and_admins_with_an_address_get_one(day_in_town, receivers):
    _town, officer2 = day_in_town
    robot = receivers()
    officer2.webhook_url, officer2.active = robot.url, False
    staff("staff-a").webhook_url = robot.url  # company staff get reminders, not the digest
    assert service.recipients() == []
    staff("admin").webhook_url = robot.url
    assert [u.username for u in service.recipients()] == ["admin"]
    assert run() == (1, 0, 0)
    [content] = robot.contents()
    assert "网格一" in content and "网格二" in content and not any(worker in content for worker in WORKERS)


def test_the_dashboard_link_comes_from_the_base_url(day_in_town, app, monkeypatch):
    assert "https://" not in compose(service.figures(staff("officer-1"), DAY, ZONE, utc(DAY, 21))).text
    monkeypatch.setitem(app.config, "QUIZAPP_BASE_URL", "https://fzd.example.gov.cn/quiz")
    officer = compose(service.figures(staff("officer-1"), DAY, ZONE, utc(DAY, 21)))
    assert "https://fzd.example.gov.cn/quiz/reports/" in officer.text
    message = compose(service.figures(staff("admin"), DAY, ZONE, utc(DAY, 21)))
    assert "https://fzd.example.gov.cn/quiz/admin/town" in message.text
    assert 'href="https://fzd.example.gov.cn/quiz/admin/town"' in message.html


def test_a_long_digest_is_cut_to_what_the_robot_accepts_keeping_the_link(day_in_town, app, monkeypatch):
    monkeypatch.setitem(app.config, "QUIZAPP_BASE_URL", "https://fzd.example.gov.cn")
    many = [Grid(code=f"x{i:02d}", name=f"很长的网格名字第{i}号网格", town_id=first_town().id) for i in range(40)]
    db.session.add_all(many)
    db.session.flush()
    message = compose(service.figures(staff("admin"), DAY, ZONE, utc(DAY, 21)))
    content = message.webhook_body()["text"]["content"]
    assert len(content.encode()) <= 2000 and len(message.text.encode()) > 2000
    assert content.startswith("反诈日报 2026-11-24") and "…" in content
    assert content.rstrip().splitlines()[-2].endswith("https://fzd.example.gov.cn/admin/town")


def test_a_test_from_the_page_never_counts_as_the_day_s_digest(day_in_town, mailbox):
    officer1 = staff("officer-1")
    officer1.email = "officer1@town.example"
    [trial] = service.send_test(officer1, DAY, utc(DAY, 10, 15), town_outbox())
    assert (trial.kind, trial.status, trial.attempts) == ("digest-test", "sent", 1)
    assert trial.payload["key"] == "test:2026-11-24T10:15"
    assert run() == (1, 0, 0)
    assert len(mailbox.messages) == 2


def test_retry_now_sends_a_failed_digest_again_with_fresh_figures(day_in_town, receivers):
    robot = receivers("500")
    officer1 = staff("officer-1")
    officer1.webhook_url = robot.url
    run()
    [row] = digests(officer1)
    robot.answer = "ok"
    assert service.retry(row, utc(DAY, 22), town_outbox()) is True
    assert (row.status, row.attempts) == ("sent", 4)
    assert service.retry(row, utc(DAY, 23), town_outbox()) is None  # sent: nothing to retry
    officer1.webhook_url = None
    row.status = "failed"
    db.session.flush()  # retry reads the delivery afresh (under the job's lock): what is stored counts
    assert service.retry(row, utc(DAY, 23), town_outbox()) is None  # the officer took the address away
    assert row.status == "failed" and row.attempts == 4  # nothing tried


def test_retry_now_reads_the_delivery_afresh_so_one_the_nightly_run_sent_meanwhile_is_not_sent_again(
        day_in_town, receivers):
    robot = receivers("500")
    officer1 = staff("officer-1")
    officer1.webhook_url = robot.url
    run()
    [row] = digests(officer1)
    shown = row.status  # the page was shown with the digest failed ...
    # ... then the nightly run sent it (another process: this session's copy is not told).
    db.session.execute(db.update(Delivery).where(Delivery.id == row.id).values(status="sent")
                       .execution_options(synchronize_session=False))
    robot.answer = "ok"
    posts = len(robot.posts)
    assert shown == "failed" and service.retry(row, utc(DAY, 22), town_outbox()) is None
    assert len(robot.posts) == posts


def test_the_smtp_message_is_utf8_plain_text_with_an_html_alternative():
    settings = deliveries.SmtpSettings.from_config({"QUIZAPP_SMTP_USER": "bot@town.example"})
    assert settings.sender == "bot@town.example" and settings.port == 25 and not settings.host
    assert deliveries.send_email(settings, "a@b.cn", "s", "t", "<p>t</p>") == deliveries.NO_SMTP
    message = deliveries.email_message("bot@town.example", "a@b.cn", "反诈日报", "网格一：50%",
                                       "<p>网格一</p>")
    assert message.get_content_type() == "multipart/alternative"
    assert [part.get_content_type() for part in message.iter_parts()] == ["text/plain", "text/html"]
    assert message.get_body(("plain",)).get_content_charset() == "utf-8"


def test_the_command_says_what_it_did_and_exits_non_zero_when_a_delivery_failed(day_in_town, mailbox, receivers,
                                                                                runner):
    _town, officer2 = day_in_town
    robot = receivers()
    officer1 = staff("officer-1")
    officer1.email, officer1.webhook_url = "officer1@town.example", robot.url
    db.session.commit()
    first = runner.invoke(args=["digest", "--date", "2026-11-24"])
    assert first.exit_code == 0, first.output
    assert "digest 2026-11-24: 2 sent, 0 already sent, 0 failed" in first.output
    again = runner.invoke(args=["digest", "--date", "2026-11-24"])
    assert again.exit_code == 0 and "0 sent, 2 already sent, 0 failed" in again.output
    assert len(mailbox.messages) == 1 and len(robot.posts) == 1

    robot.answer = "500"
    failing = runner.invoke(args=["digest", "--date", "2026-11-25"])
    assert failing.exit_code == 1 and "1 sent, 0 already sent, 1 failed" in failing.output
    robot.answer = "ok"
    fixed = runner.invoke(args=["digest", "--date", "2026-11-25"])
    assert fixed.exit_code == 0 and "1 sent, 1 already sent, 0 failed" in fixed.output
    db.session.expire_all()
    rows = digests(officer1)
    assert [(r.payload["key"], r.channel, r.status) for r in rows] == [
        ("digest:2026-11-24", "email", "sent"), ("digest:2026-11-24", "webhook", "sent"),
        ("digest:2026-11-25", "email", "sent"), ("digest:2026-11-25", "webhook", "sent")]
    assert rows[-1].attempts == 4 and len(robot.posts) == 1 + 3 + 1
    assert not any(worker in text for text in mailbox.texts() + robot.contents() for worker in WORKERS)


def test_overdue_supervision_cases_are_counted_per_grid_and_said(day_in_town):
    cases = list(db.session.scalars(select(SupervisionCase).order_by(SupervisionCase.id)))
    cases[0].deadline = DAY - timedelta(days=1)  # 甲厂's, in 网格一: overdue on DAY
    cases[1].deadline = DAY  # 乙厂's: due on DAY, still in time
    db.session.flush()
    digest = service.figures(staff("admin"), DAY, ZONE, utc(DAY, 21))
    assert [g.overdue for g in digest.grids] == [1, 0] and digest.total.overdue == 1
    message = compose(service.figures(staff("officer-1"), DAY, ZONE, utc(DAY, 21)))
    assert "督办超期案件：1" in message.text  # in the town's language
