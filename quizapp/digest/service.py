"""The daily digest: each active grid officer (and town admin) is sent the day's numbers for their
grids by e-mail and/or their own WeChat Work robot: participation that day, companies and how many
are below target, companies newly on the supervision list, the fraud cases of the day's month (by
the month they happened, as recorded so far), and a link to the dashboard. Figures are defined in
docs/digest.md and docs/metrics.md.

Used by `quizapp digest` (cron, nightly), the officers' digest page (reports.digest: addresses,
preview, "send me a test now") and the town admin's messages page (admin.deliveries: "retry
now"). Owns the Delivery rows of kind "digest": one per officer, channel and local date (the key
"digest:YYYY-MM-DD" is in the payload; Delivery.once_key, unique in the database, holds "one"
whichever server records it), sent at most once; a failed one is retried, with fresh
figures, on the next run. Tests from the page are kind "digest-test" and never count as the day's
digest. Scoping goes through quizapp/scope.py (and dashboard.service): an officer hears
only about their own grids. Aggregates only: never a worker's name or employee number.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import func, or_, select

from quizapp import scope
from quizapp.dashboard import service as dashboard
from quizapp.deliveries import service as deliveries
from quizapp.deliveries.service import BACKOFF_SECONDS, TRIES, SmtpSettings
from quizapp.digest import rules
from quizapp.extensions import db
from quizapp.incidents import figures as incident_records
from quizapp.incidents.rules import month_start
from quizapp.models import Company, Delivery, Incident, StaffUser, SupervisionCase
from quizapp.outreach import service as outreach
from quizapp.reminders.rules import MAX_CONTENT_BYTES, webhook_body
from quizapp.rollups import figures as reading
from quizapp.rules import metrics
from quizapp.rules.metrics import Span
from quizapp.rules.vocab import Channel, DeliveryKind, DeliveryStatus, Role
from quizapp.rules.zones import to_local
from quizapp.supervision import service as supervision

RECIPIENT_ROLES = (Role.GRID_OFFICER, Role.TOWN_ADMIN)
RECENT = 20  # deliveries listed on an officer's digest page
log = logging.getLogger(__name__)


# --- Who gets a digest, and where ----------------------------------------------------------------

def recipients() -> list[StaffUser]:
    """Active officers and town admins with an e-mail address or a robot address."""
    return list(db.session.scalars(select(StaffUser).where(
        StaffUser.active.is_(True), StaffUser.role.in_(RECIPIENT_ROLES),
        or_(func.coalesce(StaffUser.email, "") != "", func.coalesce(StaffUser.webhook_url, "") != ""))
        .order_by(StaffUser.id)))


def addresses(user: StaffUser) -> list[tuple[Channel, str]]:
    """(channel, address) for each way the account asked to be sent the digest."""
    return [(channel, target) for channel, target in ((Channel.EMAIL, user.email), (Channel.WEBHOOK, user.webhook_url))
            if target]


def save_addresses(actor: StaffUser, email: str | None, webhook_url: str | None) -> None:
    """The account's own digest addresses (the form has checked their shape); empty sends nothing."""
    actor.email, actor.webhook_url = email or None, webhook_url or None
    db.session.flush()


# --- The figures ---------------------------------------------------------------------------------

def _incidents(grid_ids: list[int], month: date) -> dict[int, metrics.IncidentTotals]:
    """Per grid, the cases and losses of its incident records (its companies' and whole-grid ones)
    for the month the cases happened in (metrics.incident_totals), like the incidents page."""
    records: dict[int, list] = {}
    for row in db.session.execute(select(Incident.grid_id, Incident.month, Incident.cases, Incident.loss_yuan,
                                         Incident.raw_reports)
                                  .where(Incident.grid_id.in_(grid_ids), Incident.month == month)):
        records.setdefault(row.grid_id, []).append(row)
    return {gid: metrics.incident_totals(rows, [month]) for gid, rows in records.items()}


def figures(actor: StaffUser, day: date, zone: ZoneInfo, now: datetime) -> rules.Digest:
    """The account's numbers for one local date (of the town's `zone`): per grid (an officer's
    active grids; every active grid for the town admin, with the town's totals first), read like
    the grid dashboard's (rollups.figures: the rollup for a past date, live for today, the local
    date of `now`), the supervision list, the incident records of the date's month, the three
    declines of the date's month and year against a year before (incidents.figures.declines,
    like with like: the month is not compared while `today` is in it),
    each grid's months without a case, and the outreach ledger's activities of the month to the
    date (docs/digest.md). Numbers only: digest.wording.compose names the town and
    adds the dashboard's link."""
    today = to_local(now, zone).date()
    grids = dashboard.visible_grids(actor)
    grid_ids = [g.id for g in grids]
    target = dashboard.participation_target(scope.town_of(actor))
    spans = {"day": Span(day, day), "last30": metrics.trailing(day, 30)}
    # The companies that count on some day of the 30 days (docs/metrics.md, "Companies that leave"),
    # so a past date's digest reads the same after a company is deactivated; "companies" (and
    # "below target", of those) and the newly flagged are the ones that count on the date: for
    # today, the active ones.
    covered = dashboard.visible_scope(actor, between=spans["last30"])
    pieces = reading.read_pieces(covered, today, list(spans.values()), now)
    on_day = select(Company.id).where(Company.id.in_(covered.ids), *scope.company_counted_on(day))
    counted = set(db.session.scalars(on_day))
    flagged: dict[int, list[str]] = {}
    for grid_id, name in db.session.execute(
            select(Company.grid_id, Company.name).join(SupervisionCase, SupervisionCase.company_id == Company.id)
            .where(SupervisionCase.opened_on == day, Company.id.in_(on_day)).order_by(Company.name)):
        flagged.setdefault(grid_id, []).append(name)
    month = month_start(day)
    incidents = _incidents(grid_ids, month)
    reach = outreach.summary(actor, outreach.month_span(month, day))
    reach_by_grid = {g.id: totals for g, totals in reach.by_grid}
    overdue = supervision.overdue_cases(grid_ids, day)
    quiet = incident_records.quiet_grids(actor, day, today, grid_ids)
    lines = []
    for grid in grids:
        own = [c for c in covered.companies if c.grid_id == grid.id and c.id in counted]
        of_day = [pieces.tally(c.id, pieces.inside(spans["day"])) for c in own]
        last30 = [pieces.tally(c.id, pieces.inside(spans["last30"])) for c in own]
        found = incidents.get(grid.id, metrics.IncidentTotals())
        lines.append(rules.GridDay(
            name=grid.name, companies=len(own),
            below_target=sum(1 for t in last30 if t.participation is not None and t.participation < target),
            day=metrics.total(of_day), flagged=tuple(flagged.get(grid.id, ())),
            cases_month=found.cases, loss_month=found.loss_yuan,
            outreach_month=reach_by_grid.get(grid.id, metrics.OutreachTotals()), overdue=overdue.get(grid.id, 0),
            raw_month=found.raw_reports, months_without_case=quiet[grid.id].months,
            zero_months=quiet[grid.id].zero_months))
    admin = scope.sees_whole_town(actor)
    return rules.Digest(day=day, target=target, grids=tuple(lines),
                        total=replace(rules.town_total("", lines), outreach_month=reach.total) if admin else None,
                        scope="" if admin else "、".join(g.name for g in grids), town=admin,
                        declines=incident_records.declines(actor, month, today))


# --- The message ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class Message:
    """A digest as it is sent (digest.wording.compose writes it)."""

    subject: str
    lines: tuple[str, ...]  # the subject, then each grid's figures
    footer: tuple[str, ...]  # the link and the definition: always sent
    html: str

    @property
    def text(self) -> str:
        """The e-mail's plain text (and the preview on the digest page)."""
        return "\n".join(self.lines + self.footer)

    def webhook_body(self) -> dict:
        """The robot's text message, cut to what it accepts (grids' lines dropped from the end)."""
        return webhook_body(rules.fit(list(self.lines), list(self.footer), MAX_CONTENT_BYTES))


@dataclass(frozen=True)
class Outbox:
    """What sending a digest needs from the app (digest.wording.town_outbox builds it): the town's
    time zone, the words (`compose`: figures in, the message out, in the town's language) and the
    SMTP server's settings."""

    zone: ZoneInfo
    compose: Callable[[rules.Digest], Message]
    smtp: SmtpSettings


def _payload(key: str, channel: Channel, message: Message) -> dict:
    if channel == Channel.EMAIL:
        return {"key": key, "subject": message.subject, "text": message.text, "html": message.html}
    return {"key": key, "body": message.webhook_body()}


# --- Sending -------------------------------------------------------------------------------------

@dataclass
class Plan:
    todo: list[Delivery]  # recorded (pending or failed before), to be sent now with fresh figures
    already: int  # the day's digests that went out before
    broken: list[int]  # accounts whose digest could not even be prepared (logged)


def _day_deliveries(user_id: int, kind: DeliveryKind, key: str) -> dict[Channel, Delivery]:
    rows = db.session.scalars(select(Delivery).where(
        Delivery.staff_user_id == user_id, Delivery.kind == kind, Delivery.payload["key"].as_string() == key))
    return {row.channel: row for row in rows}


def prepare(day: date, now: datetime, outbox: Outbox) -> Plan:
    """The digests for `day` that still have to go out, with fresh figures, recorded as pending
    (flushed, not committed); how many went out before; whose could not be prepared."""
    key = rules.digest_key(day)
    plan = Plan([], 0, [])
    for user in recipients():
        try:
            with db.session.begin_nested():
                wanted, found = addresses(user), _day_deliveries(user.id, DeliveryKind.DIGEST, key)
                due = [(c, t) for c, t in wanted if c not in found or found[c].status != DeliveryStatus.SENT]
                if due:
                    message = outbox.compose(figures(user, day, outbox.zone, now))
                    for channel, target in due:
                        delivery = found.get(channel)
                        if delivery is None:
                            delivery = deliveries.record_once(Delivery(
                                kind=DeliveryKind.DIGEST, channel=channel, staff_user_id=user.id, created_at=now,
                                target=target, payload={}, once_key=rules.once_key(day, user.id, channel)))
                            if delivery is None:  # another run recorded it since we looked: that run sends it
                                plan.already += 1
                                continue
                        # A retried digest carries today's figures, to the address saved now.
                        delivery.target, delivery.payload = target, _payload(key, channel, message)
                        plan.todo.append(delivery)
                    db.session.flush()
            plan.already += len(wanted) - len(due)
        except Exception:  # one officer's bad data must not stop the others' digests
            log.exception("digest: could not prepare the digest of staff user %s", user.id)
            plan.todo = [d for d in plan.todo if d.staff_user_id != user.id]
            plan.broken.append(user.id)
    return plan


def _sender(smtp: SmtpSettings) -> Callable[[Delivery], str | None]:
    def send(delivery: Delivery) -> str | None:
        if delivery.channel == Channel.EMAIL:
            payload = delivery.payload
            return deliveries.send_email(smtp, delivery.target, payload["subject"], payload["text"], payload["html"])
        return deliveries.post_webhook(delivery.target, delivery.payload["body"])
    return send


def deliver(delivery: Delivery, now: datetime, smtp: SmtpSettings, backoff: tuple[float, ...] | None = None,
            tries: int = TRIES) -> bool:
    """Send one digest, up to `tries` times; the outcome is kept on the delivery (flushed) and a
    final failure is logged as an error. E-mail without an SMTP server fails at once."""
    who = f"staff user {delivery.staff_user_id} ({delivery.channel})"
    if delivery.channel == Channel.EMAIL and not smtp.host:
        delivery.attempts += 1
        delivery.status, delivery.last_error = DeliveryStatus.FAILED, deliveries.NO_SMTP
        db.session.flush()
        ok = False
    else:
        ok = deliveries.deliver(delivery, now, _sender(smtp), who, BACKOFF_SECONDS if backoff is None else backoff,
                                tries)
    if not ok:
        log.error("%s %s to %s failed after %d tries: %s", delivery.kind, delivery.payload.get("key"),
                                 who, delivery.attempts, delivery.last_error)
    return ok


def send_test(actor: StaffUser, today: date, now: datetime, outbox: Outbox) -> list[Delivery]:
    """Send the account today's digest so far, once, to each of its addresses, through the same
    composition and transport as the nightly run (one try: the officer sees the outcome at once)."""
    message, sent = None, []
    for channel, target in addresses(actor):
        message = message or outbox.compose(figures(actor, today, outbox.zone, now))
        delivery = Delivery(kind=DeliveryKind.DIGEST_TEST, channel=channel, staff_user_id=actor.id, created_at=now,
                            target=target,
                            payload=_payload(rules.trial_key(to_local(now, outbox.zone)), channel, message))
        db.session.add(delivery)
        db.session.flush()  # on record (with its defaults) before the try
        deliver(delivery, now, outbox.smtp, backoff=(), tries=1)
        sent.append(delivery)
    return sent


def retry(delivery: Delivery, now: datetime, outbox: Outbox) -> bool | None:
    """Send a failed digest again now, with fresh figures, to the address its officer has saved
    now (one try). None when there is nothing to retry: not a failed digest, or its officer is no
    longer active or no longer has an address for that channel. The caller holds the digest job's
    lock (jobs.exclusive): the delivery is read afresh under it, since a run that held it before may
    have sent it after the page was shown."""
    db.session.refresh(delivery)
    user = db.session.get(StaffUser, delivery.staff_user_id) if delivery.staff_user_id else None
    key = (delivery.payload or {}).get("key", "")
    if (delivery.kind != DeliveryKind.DIGEST or delivery.status == DeliveryStatus.SENT or user is None
            or not user.active or not key.startswith(rules.KEY_PREFIX)):
        return None
    target = dict(addresses(user)).get(delivery.channel)
    if not target:
        return None
    day = date.fromisoformat(key.removeprefix(rules.KEY_PREFIX))
    delivery.target, delivery.payload = target, _payload(key, delivery.channel,
                                                         outbox.compose(figures(user, day, outbox.zone, now)))
    return deliver(delivery, now, outbox.smtp, backoff=(), tries=1)


def recent_deliveries(actor: StaffUser, limit: int = RECENT) -> list[Delivery]:
    """The account's last digests and tests, newest first."""
    return list(db.session.scalars(select(Delivery).where(
        Delivery.staff_user_id == actor.id, Delivery.kind.in_((DeliveryKind.DIGEST, DeliveryKind.DIGEST_TEST)))
        .order_by(Delivery.created_at.desc(), Delivery.id.desc()).limit(limit)))
