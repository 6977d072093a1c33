"""Shift reminders to each company's WeChat Work (企业微信) group robot: `quizapp remind` (cron,
every 5 minutes) posts, shortly before each shift starts, how many of that shift's workers in each
team have not done today's quiz. `quizapp remind` holds the job's lock (quizapp/jobs.py), so cron
may run it on every server.

Used by the CLI only: nothing is ever sent from a web request, so a slow or broken robot can never
hold up a page. Owns the Delivery rows of kind "reminder": one per company, shift and day (its key
is stored in the payload; Delivery.once_key, unique in the database, holds "one"), sent at
most once. A failed post is logged, tried again within the run (3 tries, short backoff) and,
while the shift has not started, on the next run; one company's failure never stops the others.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from quizapp.board.service import cells, shift_times
from quizapp.deliveries import service as deliveries

# The transport and the retry loop are shared with the digest (deliveries.service); `post` and the
# constants stay importable from here, as before.
from quizapp.deliveries.service import BACKOFF_SECONDS, TRIES
from quizapp.deliveries.service import post_webhook as post
from quizapp.digest.rules import trial_key  # a test's key: its local time, shown in the list of messages sent
from quizapp.extensions import db
from quizapp.models import Company, Delivery
from quizapp.reminders import rules
from quizapp.rules.ordering import team_key
from quizapp.rules.vocab import Channel, DeliveryKind, DeliveryStatus
from quizapp.rules.zones import to_local

log = logging.getLogger(__name__)
# What a reminder says (reminders.wording.town_reminders): the company, the due shift, each team's
# not-done count (most first) and the shift's expected total, in; the message's text, out.
Compose = Callable[[Company, rules.DueShift, list[tuple[str, int]], int], str]


def _message(company: Company, shift: rules.DueShift, now: datetime, compose: Compose) -> dict:
    tallies = [c for c in cells(company.id, shift.day, now) if c.shift == shift.name]
    per_team: dict[str, int] = {}
    for cell in tallies:
        per_team[cell.team] = per_team.get(cell.team, 0) + cell.tally.not_done
    counts = sorted(((team, n) for team, n in per_team.items() if n), key=lambda tc: (-tc[1], team_key(tc[0])))
    total = sum(cell.tally.expected for cell in tallies)
    return rules.webhook_body(compose(company, shift, counts, total))


def _recent(company_id: int, now: datetime) -> dict[str, Delivery]:
    """This company's reminders of the last two days by key (a shift's window never spans more)."""
    rows = db.session.scalars(select(Delivery).where(
        Delivery.company_id == company_id, Delivery.kind == DeliveryKind.REMINDER,
        Delivery.created_at >= now - timedelta(days=2)))
    return {row.payload["key"]: row for row in rows if "key" in row.payload}


def prepare(now: datetime, zone: ZoneInfo, compose: Compose) -> tuple[list[Delivery], int]:
    """The reminders due at `now` (UTC; shifts start in the town's `zone`) that still have to go
    out, with fresh figures, worded by `compose`; and how many due ones were sent already. New ones
    are recorded as pending (flushed, not committed)."""
    local_now = to_local(now, zone).replace(tzinfo=None)
    companies = list(db.session.scalars(select(Company).where(
        Company.active.is_(True), Company.webhook_url.is_not(None), Company.webhook_url != "").order_by(Company.id)))
    todo, skipped = [], 0
    for company in companies:
        target = company.webhook_url
        if not target:  # the query leaves such companies out; this says so to the type checker
            continue
        try:
            with db.session.begin_nested():
                due = rules.due_shifts(shift_times(company.id), local_now, company.remind_minutes, company.workdays)
                recent = _recent(company.id, now) if due else {}
                for shift in due:
                    key = rules.reminder_key(shift.day, shift.name)
                    delivery = recent.get(key)
                    if delivery is not None and delivery.status == DeliveryStatus.SENT:
                        skipped += 1
                        continue
                    if delivery is None:
                        delivery = deliveries.record_once(Delivery(
                            company_id=company.id, kind=DeliveryKind.REMINDER, channel=Channel.WEBHOOK,
                            created_at=now, target=target, payload={}, once_key=rules.once_key(company.id, key)))
                        if delivery is None:  # another run recorded it since we looked: that run sends it
                            skipped += 1
                            continue
                    # A retried reminder carries the figures of now, and the address saved now.
                    delivery.target = target
                    delivery.payload = {"key": key, "body": _message(company, shift, now, compose)}
                    todo.append(delivery)
                db.session.flush()
        except Exception:  # one company's bad data must not stop the others' reminders
            log.exception("reminders: could not prepare company %s", company.id)
            todo = [d for d in todo if d.company_id != company.id]
    return todo, skipped


def deliver(delivery: Delivery, now: datetime, send: Callable[[str, dict], str | None] = post,
            backoff: tuple[float, ...] | None = None) -> bool:
    """Try to post one reminder up to TRIES times; record the outcome on the delivery (flushed)."""
    return deliveries.deliver(delivery, now, lambda d: send(d.target, d.payload["body"]),
                              f"company {delivery.company_id}", BACKOFF_SECONDS if backoff is None else backoff, TRIES)


# --- The settings page's "send a test message" -------------------------------------------------

def send_test(company: Company, url: str, now: datetime, zone: ZoneInfo, content: str) -> Delivery:
    """Post `content` (reminders.wording.town_test_message) to the robot at `url` (the address on
    the settings page, saved or not), once, through the reminders' transport. Kept as a Delivery
    of kind "reminder-test", so the town admin's list of messages sent shows it like every other
    post; its outcome (sent, or the robot's errcode and errmsg, the HTTP status or the network
    error) is on the delivery."""
    delivery = Delivery(company_id=company.id, kind=DeliveryKind.REMINDER_TEST, channel=Channel.WEBHOOK, created_at=now,
                        target=url,
                        payload={"key": trial_key(to_local(now, zone)), "body": rules.webhook_body(content)})
    db.session.add(delivery)
    db.session.flush()  # on record (with its defaults) before the try
    deliveries.deliver(delivery, now, lambda d: post(d.target, d.payload["body"]), f"company {company.id} (test)",
                       backoff=(), tries=1)
    return delivery
