"""Shift reminders to a company's WeChat Work (企业微信) group robot, as pure rules: which shifts
are due, the once-per-day key, the message and how to read the robot's answer, and which webhook
addresses a company may save.

Used by reminders.service (`quizapp remind`) and the console's settings form.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from urllib.parse import urlsplit

from quizapp.rules.metrics import is_workday

WECHAT_WEBHOOK = "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key="
# WeChat Work caps a text message at 2,048 bytes; leave room for the robot's own framing.
MAX_CONTENT_BYTES = 2000


@dataclass(frozen=True)
class DueShift:
    name: str
    day: date  # the local date of the shift (and of the quiz before it)
    starts: datetime  # local


def due_shifts(shifts: list[tuple[str, time]], now: datetime, remind_minutes: int, workdays: str) -> list[DueShift]:
    """Shifts whose reminder window is open at `now` (local): from `remind_minutes` before the
    shift starts until it starts. Only on the company's workdays.

    A shift just after midnight has its window on the evening before, so tomorrow's shifts are
    looked at too.
    """
    due = []
    window = timedelta(minutes=remind_minutes)
    for day in (now.date(), now.date() + timedelta(days=1)):
        if not is_workday(day, workdays):
            continue
        for name, starts_at in shifts:
            starts = datetime.combine(day, starts_at)
            if starts - window <= now < starts:
                due.append(DueShift(name, day, starts))
    return sorted(due, key=lambda d: d.starts)


def reminder_key(day: date, shift: str) -> str:
    """What makes a reminder unique within a company: one per shift and day."""
    return f"{day.isoformat()}/{shift}"


def once_key(company_id: int, key: str) -> str:
    """A company's reminder for one shift and day, from its `reminder_key` (Delivery.once_key,
    unique in the database)."""
    return f"reminder:{key}/company {company_id}"


def reminder_text(heading: str, team_lines: list[str], footer: str) -> str:
    """The reminder: a heading (shift, start, how many not done), one line per team with someone
    not done, and a closing line. Cut to what the robot accepts, keeping the heading and footer."""
    lines = list(team_lines)
    text = "\n".join([heading, *lines, footer])
    while lines and len(text.encode()) > MAX_CONTENT_BYTES:
        lines.pop()
        text = "\n".join([heading, *lines, "…", footer])
    return text


def webhook_body(content: str) -> dict:
    """The group robot's text message."""
    return {"msgtype": "text", "text": {"content": content}}


def robot_error(status: int, body: bytes) -> str | None:
    """Why the robot refused a message, or None when it accepted it.

    HTTP errors fail; a JSON answer must carry errcode 0 (the robot answers 200 with an errcode for
    a bad key or a rate limit). A 2xx answer that is not JSON is taken as accepted.
    """
    if status >= 400:
        return f"HTTP {status}"
    try:
        answer = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return None
    if isinstance(answer, dict) and answer.get("errcode", 0) != 0:
        return f"errcode {answer.get('errcode')}: {answer.get('errmsg', '')}".strip()
    return None


def is_wechat_webhook(url: str) -> bool:
    """A WeChat Work group robot's address: the official host and path with a key."""
    return url.startswith(WECHAT_WEBHOOK) and len(url) > len(WECHAT_WEBHOOK) and " " not in url


def is_http_url(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in ("http", "https") and bool(parts.netloc) and " " not in url
