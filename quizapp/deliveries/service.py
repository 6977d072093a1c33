"""Sending messages out, whatever they say: a post to a WeChat Work (企业微信) group robot, an
e-mail over SMTP, and the retry loop that records each try on its Delivery row.

Used by reminders.service (`quizapp remind`) and digest.service (`quizapp digest`, the officers'
"send me a test now" and the town admin's "retry now"). Owns the transport and the rule that a
message is tried TRIES times with a short backoff, every failed try logged, and the outcome kept on
the Delivery (sent, or failed with the last error), so nothing is lost silently; and the town
admin's list of every delivery. What a message says, and which Delivery rows exist, belongs to the
callers.
"""

from __future__ import annotations

import json
import logging
import smtplib
import ssl
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from email.utils import make_msgid

from sqlalchemy import func, or_, select
from sqlalchemy.exc import IntegrityError

from quizapp import scope
from quizapp.extensions import db
from quizapp.models import Company, Delivery, StaffUser
from quizapp.reminders.rules import robot_error
from quizapp.rules.vocab import DeliveryKind, DeliveryStatus

log = logging.getLogger(__name__)
TIMEOUT_SECONDS = 5
TRIES = 3
BACKOFF_SECONDS = (1.0, 2.0)  # before the second and the third try
NO_SMTP = "no SMTP server configured (QUIZAPP_SMTP_HOST)"


def post_webhook(url: str, body: dict, timeout: float = TIMEOUT_SECONDS) -> str | None:
    """POST the message to the robot; the reason it failed, or None when it was accepted."""
    request = urllib.request.Request(url, data=json.dumps(body, ensure_ascii=False).encode("utf-8"),
                                     headers={"Content-Type": "application/json; charset=utf-8"}, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return robot_error(response.status, response.read(65536))
    except urllib.error.HTTPError as error:
        with error:
            return robot_error(error.code, b"")
    except (TimeoutError, urllib.error.URLError, OSError, ValueError) as error:
        return f"{type(error).__name__}: {getattr(error, 'reason', error)}"


@dataclass(frozen=True)
class SmtpSettings:
    """The QUIZAPP_SMTP_* settings (docs/deploy.md, "Daily digest")."""

    host: str = ""
    port: int = 25
    user: str = ""
    password: str = ""
    sender: str = ""
    starttls: bool = False
    ssl: bool = False
    timeout: float = TIMEOUT_SECONDS

    @classmethod
    def from_config(cls, config: Mapping) -> SmtpSettings:
        user = config.get("QUIZAPP_SMTP_USER") or ""
        return cls(host=config.get("QUIZAPP_SMTP_HOST") or "", port=int(config.get("QUIZAPP_SMTP_PORT") or 25),
                   user=user, password=config.get("QUIZAPP_SMTP_PASSWORD") or "",
                   sender=config.get("QUIZAPP_SMTP_FROM") or user or "quizapp@localhost",
                   starttls=bool(config.get("QUIZAPP_SMTP_STARTTLS")), ssl=bool(config.get("QUIZAPP_SMTP_SSL")),
                   timeout=float(config.get("QUIZAPP_SMTP_TIMEOUT") or TIMEOUT_SECONDS))


def email_message(sender: str, to: str, subject: str, text: str, html: str) -> EmailMessage:
    """A UTF-8 e-mail: the plain text, with the HTML as its alternative."""
    message = EmailMessage()
    message["Subject"], message["From"], message["To"] = subject, sender, to
    message["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2] or "localhost")
    message.set_content(text, charset="utf-8")
    message.add_alternative(html, subtype="html", charset="utf-8")
    return message


def send_email(settings: SmtpSettings, to: str, subject: str, text: str, html: str) -> str | None:
    """Hand the e-mail to the SMTP server; the reason it failed, or None when the server took it
    for the recipient. No server configured is a failure too: a digest is never dropped silently."""
    if not settings.host:
        return NO_SMTP
    message = email_message(settings.sender, to, subject, text, html)
    try:
        server: smtplib.SMTP
        if settings.ssl:
            server = smtplib.SMTP_SSL(settings.host, settings.port, timeout=settings.timeout,
                                      context=ssl.create_default_context())
        else:
            server = smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout)
        with server:
            if settings.starttls and not settings.ssl:
                server.starttls(context=ssl.create_default_context())
            if settings.user:
                server.login(settings.user, settings.password)
            server.send_message(message)
    except smtplib.SMTPRecipientsRefused as error:
        code, reason = next(iter(error.recipients.values()))
        return f"recipient refused: {code} {_text(reason)}"
    except smtplib.SMTPResponseException as error:
        return f"{type(error).__name__}: {error.smtp_code} {_text(error.smtp_error)}"
    except (smtplib.SMTPException, OSError, ValueError) as error:
        return f"{type(error).__name__}: {error}"
    return None


def _text(reason: bytes | str) -> str:
    return reason.decode("utf-8", "replace") if isinstance(reason, bytes) else str(reason)


def record_once(delivery: Delivery) -> Delivery | None:
    """Record a new message that goes out at most once (its `once_key` set), flushed inside a
    savepoint: the delivery, or None when a row with its key exists already (another run, on this
    server or another, recorded it first: that run sends it). The unique index decides, not a
    look beforehand."""
    try:
        with db.session.begin_nested():
            db.session.add(delivery)
            db.session.flush()
    except IntegrityError:
        if db.session.scalar(select(Delivery.id).where(Delivery.once_key == delivery.once_key)) is None:
            raise  # some other constraint: not a message recorded twice
        return None
    return delivery


def deliver(delivery: Delivery, now: datetime, send: Callable[[Delivery], str | None], who: str,
            backoff: tuple[float, ...] = BACKOFF_SECONDS, tries: int = TRIES) -> bool:
    """Try to send one message up to `tries` times, waiting `backoff` seconds between tries; record
    the outcome on the delivery (flushed). `who` names the addressee in the log."""
    error = None
    for attempt in range(tries):
        if attempt and backoff:
            time.sleep(backoff[min(attempt - 1, len(backoff) - 1)])
        delivery.attempts += 1
        error = send(delivery)
        if error is None:
            delivery.status, delivery.sent_at, delivery.last_error = DeliveryStatus.SENT, now, None
            db.session.flush()
            return True
        log.warning("%s %s to %s failed (try %d of %d): %s", delivery.kind,
                    delivery.payload.get("key"), who, attempt + 1, tries, error)
    delivery.status, delivery.last_error = DeliveryStatus.FAILED, error
    db.session.flush()
    return False


# --- The town admin's list of messages sent (admin.deliveries) -----------------------------------

PER_PAGE = 100


@dataclass(frozen=True)
class Sent:
    """One delivery as the list shows it: who it went to by name (a company, or an account)."""

    delivery: Delivery
    company: str | None
    account: str | None


@dataclass(frozen=True)
class SentPage:
    rows: list[Sent]
    page: int
    more: bool  # a further (older) page exists
    failed: int  # failed deliveries in all, whatever the filter


def of_town(actor: StaffUser):
    """The condition on Delivery for the messages of the admin's own town: reminders to its
    companies, digests to its accounts (another town's do not exist for them)."""
    town_id = scope.own_town_id(actor)
    return or_(Delivery.company_id.in_(scope.town_company_ids(town_id)),
               Delivery.staff_user_id.in_(scope.town_staff_ids(town_id)))


def find_delivery(actor: StaffUser, delivery_id: int) -> Delivery | None:
    """A delivery of the admin's town, or None."""
    return db.session.scalar(select(Delivery).where(Delivery.id == delivery_id, of_town(actor)))


def list_deliveries(actor: StaffUser, status: DeliveryStatus | None, kind: DeliveryKind | None, page: int = 1
                    ) -> SentPage:
    """Every delivery of the admin's town (reminders and digests), newest first, optionally of one
    status and kind, a page of PER_PAGE at a time."""
    page = max(page, 1)
    query = (select(Delivery, Company.name, StaffUser.display_name)
             .outerjoin(Company, Company.id == Delivery.company_id)
             .outerjoin(StaffUser, StaffUser.id == Delivery.staff_user_id)
             .where(of_town(actor)))
    if status is not None:
        query = query.where(Delivery.status == status)
    if kind is not None:
        query = query.where(Delivery.kind == kind)
    rows = db.session.execute(query.order_by(Delivery.created_at.desc(), Delivery.id.desc())
                              .offset((page - 1) * PER_PAGE).limit(PER_PAGE + 1)).all()
    failed = db.session.scalar(select(func.count(Delivery.id)).where(
        Delivery.status == DeliveryStatus.FAILED, of_town(actor))) or 0
    return SentPage([Sent(*row) for row in rows[:PER_PAGE]], page, len(rows) > PER_PAGE, failed)
