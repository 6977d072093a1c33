"""Reminder rules: which shifts are due, the once-a-day key, the message, the robot's answer and
which webhook addresses are accepted."""

from datetime import date, datetime, time

from quizapp.reminders import rules

SHIFTS = [("早班", time(7, 30)), ("夜班", time(19, 30)), ("零点班", time(0, 10))]


def test_a_shift_is_due_from_remind_minutes_before_it_until_it_starts():
    monday = date(2026, 3, 2)

    def at(h: int, m: int) -> datetime:
        return datetime.combine(monday, time(h, m))

    assert rules.due_shifts(SHIFTS, at(6, 59), 30, "123456") == []
    assert [d.name for d in rules.due_shifts(SHIFTS, at(7, 0), 30, "123456")] == ["早班"]
    assert [d.name for d in rules.due_shifts(SHIFTS, at(7, 29), 30, "123456")] == ["早班"]
    assert rules.due_shifts(SHIFTS, at(7, 30), 30, "123456") == []  # started: too late to remind
    assert [d.name for d in rules.due_shifts(SHIFTS, at(18, 35), 60, "123456")] == ["夜班"]


def test_a_shift_just_after_midnight_is_due_the_evening_before_and_belongs_to_its_own_day():
    due = rules.due_shifts(SHIFTS, datetime(2026, 3, 2, 23, 50), 30, "123456")
    assert [(d.name, d.day) for d in due] == [("零点班", date(2026, 3, 3))]


def test_no_reminders_on_days_off():
    sunday = datetime(2026, 3, 8, 7, 10)
    assert rules.due_shifts(SHIFTS, sunday, 30, "123456") == []
    assert [d.name for d in rules.due_shifts(SHIFTS, sunday, 30, "1234567")] == ["早班"]


def test_the_key_is_one_per_shift_and_day():
    assert rules.reminder_key(date(2026, 3, 2), "早班") == "2026-03-02/早班"
    assert rules.reminder_key(date(2026, 3, 2), "早班") != rules.reminder_key(date(2026, 3, 3), "早班")


def test_the_message_is_a_group_robot_text_and_fits_its_limit():
    body = rules.webhook_body(rules.reminder_text("早班 07:30: 5 not done", ["一车间: 3", "二车间: 2"], "Go!"))
    assert body == {"msgtype": "text", "text": {"content": "早班 07:30: 5 not done\n一车间: 3\n二车间: 2\nGo!"}}
    long = rules.reminder_text("heading", [f"车间{i:03d}: {i} 人未完成" for i in range(300)], "footer")
    assert len(long.encode()) <= rules.MAX_CONTENT_BYTES
    assert long.startswith("heading\n车间000") and long.endswith("…\nfooter")


def test_the_robots_answer_decides_success():
    assert rules.robot_error(200, b'{"errcode":0,"errmsg":"ok"}') is None
    assert rules.robot_error(200, b"ok") is None
    assert rules.robot_error(200, b'{"errcode":93000,"errmsg":"invalid webhook url"}') == \
        "errcode 93000: invalid webhook url"
    assert rules.robot_error(500, b"") == "HTTP 500"


def test_only_wechat_work_robot_addresses_are_webhooks():
    assert rules.is_wechat_webhook("https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=693a91f6-7xxx")
    assert not rules.is_wechat_webhook("https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=")
    assert not rules.is_wechat_webhook("http://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=abc")
    assert not rules.is_wechat_webhook("https://qyapi.weixin.qq.com.evil.example/cgi-bin/webhook/send?key=abc")
    assert rules.is_http_url("http://127.0.0.1:8080/hook")
    assert not rules.is_http_url("ftp://example.com/") and not rules.is_http_url("not a url")
