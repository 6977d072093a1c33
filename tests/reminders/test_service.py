"""`quizapp remind` against local HTTP receivers started by the tests (127.0.0.1, a free port):
one that accepts and records posts, one that answers 500, one that answers errcode != 0, one that
is too slow, and an address where nobody listens."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from quizapp.extensions import db
from quizapp.models import Attempt, Company, Delivery, Employee, Shift
from quizapp.reminders import service as reminders
from quizapp.reminders.wording import town_reminders
from tests.factories import make_employee
from tests.receivers import free_port

pytestmark = pytest.mark.usefixtures("ctx")

DAY = date(2026, 3, 2)  # a Monday
ZONE = ZoneInfo("Asia/Shanghai")


def utc(hour: int, minute: int, day: date = DAY) -> datetime:
    """Naive UTC for a local (Asia/Shanghai, UTC+8) time."""
    return datetime.combine(day, time(hour, minute)) - timedelta(hours=8)


@pytest.fixture
def closed_url():
    """An address where nothing listens: bound, then closed again."""
    return f"http://127.0.0.1:{free_port()}/cgi-bin/webhook/send?key=gone"


@pytest.fixture(autouse=True)
def no_backoff(monkeypatch):
    monkeypatch.setattr(reminders, "BACKOFF_SECONDS", (0.0, 0.0))


@pytest.fixture
def plant(town):
    """Company A: 早班 07:30 (reminders 30 minutes before), 3 workers in two teams, 1 done today."""
    a = db.session.get(Company, town.company_a)
    db.session.add_all([Shift(company_id=a.id, name="早班", starts_at=time(7, 30)),
                        Shift(company_id=a.id, name="夜班", starts_at=time(19, 30))])
    make_employee(a, "A003", "赵一", team="二车间", shift="早班")
    make_employee(a, "A004", "钱二", team="二车间", shift="夜班")
    worker = db.session.get(Employee, town.worker_a)
    started = utc(6, 50)
    db.session.add(Attempt(employee_id=worker.id, company_id=a.id, local_date=DAY, kind="official", official_date=DAY,
                           started_at=started, deadline_at=started + timedelta(minutes=5),
                           finished_at=started + timedelta(minutes=2), total=5, slots=5, answered=5))
    db.session.flush()
    return town


def set_webhook(company_id: int, url: str | None) -> Company:
    company = db.session.get(Company, company_id)
    company.webhook_url = url
    db.session.flush()
    return company


def run(now: datetime) -> tuple[int, int, int]:
    """What `quizapp remind` does: prepare, then deliver each. (sent, failed, already sent)"""
    todo, already = reminders.prepare(now, ZONE, town_reminders())
    sent = sum(reminders.deliver(delivery, now) for delivery in todo)
    return sent, len(todo) - sent, already


def deliveries(company_id: int) -> list[Delivery]:
    return list(db.session.scalars(select(Delivery).where(Delivery.company_id == company_id).order_by(Delivery.id)))


def test_a_reminder_goes_out_once_per_shift_and_day_with_each_team_s_not_done_count(plant, receivers):
    robot = receivers()
    set_webhook(plant.company_a, robot.url)
    assert run(utc(6, 55)) == (0, 0, 0)  # 35 minutes before: not yet
    assert run(utc(7, 5)) == (1, 0, 0)
    assert run(utc(7, 10)) == (0, 0, 1)  # the next cron run: already sent
    assert run(utc(7, 35)) == (0, 0, 0)  # the shift has started
    [content] = robot.contents()
    assert robot.posts[0]["msgtype"] == "text"
    # 早班: 王小明 done; 张新来 (一车间) and 赵一 (二车间) not; 钱二 is on 夜班.
    heading, *teams, footer = content.splitlines()
    assert heading == "甲厂 · 早班（07:30上班）：3名员工中还有2人未完成今日反诈答题。"
    assert sorted(teams) == ["一车间：1人未完成", "二车间：1人未完成"]
    assert "二维码" in footer
    [delivery] = deliveries(plant.company_a)
    assert (delivery.kind, delivery.channel, delivery.status, delivery.attempts) == ("reminder", "webhook", "sent", 1)
    assert delivery.target == robot.url and delivery.payload["key"] == "2026-03-02/早班"
    assert delivery.sent_at == utc(7, 5) and delivery.last_error is None


def test_with_the_site_s_address_set_the_reminder_links_to_the_company_s_page(app, plant, receivers, monkeypatch):
    robot = receivers()
    set_webhook(plant.company_a, robot.url)
    monkeypatch.setitem(app.config, "QUIZAPP_BASE_URL", "https://fzd.example.gov.cn")
    assert run(utc(7, 5)) == (1, 0, 0)
    [content] = robot.contents()
    assert content.splitlines()[-1].endswith("https://fzd.example.gov.cn/c/acme")


def test_companies_without_a_webhook_or_on_a_day_off_get_nothing(plant, receivers):
    robot = receivers()
    assert run(utc(7, 5)) == (0, 0, 0)
    set_webhook(plant.company_a, robot.url)
    sunday = DAY + timedelta(days=6)
    assert run(utc(7, 5, sunday)) == (0, 0, 0)
    assert robot.posts == [] and deliveries(plant.company_a) == []


def test_a_failing_robot_is_tried_three_times_logged_and_retried_on_the_next_run(plant, receivers, caplog):
    robot = receivers("500")
    set_webhook(plant.company_a, robot.url)
    assert run(utc(7, 5)) == (0, 1, 0)
    [delivery] = deliveries(plant.company_a)
    assert (delivery.status, delivery.attempts, delivery.last_error) == ("failed", 3, "HTTP 500")
    assert len(robot.posts) == 3
    assert "HTTP 500" in caplog.text and "2026-03-02/早班" in caplog.text
    robot.answer = "ok"
    assert run(utc(7, 10)) == (1, 0, 0)
    [delivery] = deliveries(plant.company_a)
    assert (delivery.status, delivery.attempts, delivery.last_error) == ("sent", 4, None)
    assert run(utc(7, 15)) == (0, 0, 1)
    assert len(robot.posts) == 4


def test_an_errcode_answer_is_a_failure(plant, receivers):
    robot = receivers("errcode")
    set_webhook(plant.company_a, robot.url)
    assert run(utc(7, 5)) == (0, 1, 0)
    [delivery] = deliveries(plant.company_a)
    assert delivery.status == "failed" and "93000" in delivery.last_error


def test_one_company_s_dead_robot_does_not_stop_the_others(plant, receivers, closed_url):
    b = db.session.get(Company, plant.company_b)
    db.session.add(Shift(company_id=b.id, name="早班", starts_at=time(7, 30)))
    robot = receivers()
    set_webhook(plant.company_a, closed_url)
    set_webhook(plant.company_b, robot.url)
    assert run(utc(7, 5)) == (1, 1, 0)
    [failed] = deliveries(plant.company_a)
    assert failed.status == "failed" and failed.attempts == 3 and "URLError" in failed.last_error
    assert deliveries(plant.company_b)[0].status == "sent"
    [content] = robot.contents()
    assert "乙厂" in content and "甲厂" not in content  # each company hears only about its own workers


def test_a_slow_robot_times_out(receivers):
    robot = receivers("slow")
    error = reminders.post(robot.url, {"msgtype": "text", "text": {"content": "hi"}}, timeout=0.2)
    assert error is not None and "timed out" in error


def test_when_everyone_is_done_the_group_hears_that_too(plant, receivers):
    for employee in db.session.scalars(select(Employee).where(Employee.company_id == plant.company_a,
                                                               Employee.id != plant.worker_a)):
        started = utc(6, 40)
        db.session.add(Attempt(employee_id=employee.id, company_id=employee.company_id, local_date=DAY,
                               kind="official", official_date=DAY, started_at=started,
                               deadline_at=started + timedelta(minutes=5), finished_at=started, total=5, slots=5,
                               answered=5))
    robot = receivers()
    set_webhook(plant.company_a, robot.url)
    assert run(utc(7, 5)) == (1, 0, 0)
    [content] = robot.contents()
    assert content == "甲厂 · 早班（07:30上班）：3名员工已全部完成今日反诈答题，谢谢大家！"


def test_the_command_sends_due_reminders_and_says_what_it_did(app, plant, receivers, runner):
    robot = receivers()
    set_webhook(plant.company_a, robot.url)
    db.session.commit()
    result = runner.invoke(args=["remind", "--at", "2026-03-02 07:05"])
    assert result.exit_code == 0, result.output
    assert "1 sent, 0 failed, 0 already sent" in result.output
    again = runner.invoke(args=["remind", "--at", "2026-03-02 07:10"])
    assert "0 sent, 0 failed, 1 already sent" in again.output
    assert len(robot.posts) == 1
