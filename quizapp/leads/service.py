"""Workers' reports of scams (我遇到过类似的骗局) and the grid officers' inbox of leads.

Used by the leads pages (a worker reports from the quiz; officers and the town admin work the
inbox), by the periodic report and the API (the counts by grid and channel) and by
`quizapp retention`. Owns: the daily limit per worker (a count in the database, so it holds across
servers and processes), one lead per grid and text (leads.rules.same_text_key), that a lead never
names its reporter (no worker id is stored; the company only when it is not small), which leads an
account sees (scope.visible_leads: an officer's grids, the town admin all), and the inbox's moves,
each written to the audit log.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import delete, func, select, update

from quizapp import scope
from quizapp.audit import service as audit
from quizapp.database import rows_changed
from quizapp.extensions import db
from quizapp.leads import rules
from quizapp.leads.rules import LeadCounts, LeadTally, ReportRow
from quizapp.models import Company, Employee, Grid, Lead, LeadReport, StaffUser
from quizapp.rules.errors import Conflict, Invalid
from quizapp.rules.metrics import Span
from quizapp.rules.vocab import LeadAsk, LeadChannel, LeadStatus

INBOX_SHOWN = 200  # leads listed per status, most recently reported first


# --- a worker reports ---------------------------------------------------------------------------

@dataclass(frozen=True)
class Sent:
    """What the worker's form sent."""

    channel: LeadChannel
    asked_for: LeadAsk
    text: str
    contact: str
    money_lost: bool


def _erase_past_keys(today: date) -> None:
    """A reporter key is only needed on its day (the limit, a repeat): erased after it."""
    db.session.execute(update(LeadReport).where(LeadReport.reported_on < today, LeadReport.reporter_key.is_not(None))
                       .values(reporter_key=None).execution_options(synchronize_session=False))


def _named_company(worker: Employee, today: date) -> int | None:
    """The worker's company unless it is small (rules.is_small) today, else None."""
    workers = db.session.scalar(select(func.count(Employee.id)).where(
        Employee.company_id == worker.company_id, *scope.active_on(today))) or 0
    return None if rules.is_small(workers) else worker.company_id


def sent_today(worker: Employee, today: date, secret: bytes) -> int:
    """Reports the worker has sent today (repeats of their own report not counted)."""
    key = rules.reporter_key(secret, worker.id, today)
    return db.session.scalar(select(func.count(LeadReport.id)).where(LeadReport.reporter_key == key)) or 0


def report(worker: Employee, sent: Sent, today: date, secret: bytes) -> Lead:
    """A worker reports a scam they met: it joins the lead of the same text in their company's grid
    (one more report, unless they reported it already today) or starts one. At most
    rules.DAILY_LIMIT reports per worker per local day (Conflict "leads.daily_limit"), however many
    arrive at once. The text is
    stored without the worker's own name and number; the number or link as given. Two reports of a
    new text at the same instant: the second fails on the unique constraint (IntegrityError), and
    the caller rolls back and calls again, which then finds the lead."""
    _erase_past_keys(today)
    # Claim the worker's row before counting (a row lock on PostgreSQL, the write lock on SQLite), so
    # two reports sent at the same instant are counted one after the other: never DAILY_LIMIT + 1.
    db.session.execute(update(Employee).where(Employee.id == worker.id).values(id=Employee.id))
    key = rules.reporter_key(secret, worker.id, today)
    if rules.over_limit(sent_today(worker, today, secret)):
        raise Conflict("leads.daily_limit", limit=rules.DAILY_LIMIT)
    text = rules.without_reporter(sent.text, worker.name, worker.employee_no)
    if len(text) < rules.TEXT_MIN:
        raise Invalid("leads.text_short", field="text", n=rules.TEXT_MIN)
    grid_id = worker.company.grid_id
    text_key = rules.same_text_key(text)
    contact = sent.contact.strip()[:rules.CONTACT_MAX] or None
    lead = db.session.scalar(select(Lead).where(Lead.grid_id == grid_id, Lead.text_key == text_key))
    if lead is None:
        lead = Lead(grid_id=grid_id, company_id=_named_company(worker, today), channel=sent.channel,
                    asked_for=sent.asked_for, text=text[:rules.TEXT_MAX], text_key=text_key, contact=contact,
                    money_lost=sent.money_lost, reports=1, first_reported_on=today, last_reported_on=today,
                    status=LeadStatus.NEW, note="")
        db.session.add(lead)
        db.session.flush()
    else:
        repeat = db.session.scalar(select(LeadReport.id).where(LeadReport.lead_id == lead.id,
                                                                LeadReport.reporter_key == key))
        if repeat is not None:  # the same worker, the same text, the same day: already counted
            if sent.money_lost and not lead.money_lost:
                lead.money_lost = True
                db.session.flush()
            return lead
        lead.reports += 1
        lead.last_reported_on = today
        lead.money_lost = lead.money_lost or sent.money_lost
        lead.contact = lead.contact or contact
    db.session.add(LeadReport(lead_id=lead.id, reported_on=today, reporter_key=key, money_lost=sent.money_lost))
    db.session.flush()
    return lead


# --- the officers' inbox ------------------------------------------------------------------------

@dataclass(frozen=True)
class LeadView:
    """A lead as an officer sees it: numbers and links masked, no reporter."""

    lead: Lead
    grid_name: str
    company_name: str | None  # None: a small company's, or a company no longer active
    text: str
    contact: str
    handled_by: str | None


@dataclass(frozen=True)
class Inbox:
    status: LeadStatus
    grid_id: int | None
    grids: list[Grid]  # the filter's choices
    leads: list[LeadView]
    waiting: dict[LeadStatus, int]  # leads per status (within the grid filter)


def _views(leads: list[Lead]) -> list[LeadView]:
    grid_ids = {lead.grid_id for lead in leads}
    company_ids = {lead.company_id for lead in leads if lead.company_id}
    staff_ids = {lead.handled_by for lead in leads if lead.handled_by}
    grids = dict(db.session.execute(select(Grid.id, Grid.name).where(Grid.id.in_(grid_ids))).all()) if leads else {}
    companies = dict(db.session.execute(select(Company.id, Company.name).where(Company.id.in_(company_ids))).all()) \
        if company_ids else {}
    staff = dict(db.session.execute(select(StaffUser.id, StaffUser.display_name)
                                    .where(StaffUser.id.in_(staff_ids))).all()) if staff_ids else {}
    return [LeadView(lead, grids.get(lead.grid_id, ""), companies.get(lead.company_id) if lead.company_id else None,
                     rules.mask_numbers(lead.text), rules.mask_contact(lead.contact),
                     staff.get(lead.handled_by) if lead.handled_by else None) for lead in leads]


def inbox_grids(actor: StaffUser) -> list[Grid]:
    """The grids whose leads the account sees (deactivated ones too), by code."""
    return list(db.session.scalars(scope.visible_grids(actor, include_inactive=True)))


def inbox(actor: StaffUser, status: LeadStatus, grid_id: int | None = None) -> Inbox:
    """The leads of one status that the account sees (one grid's, if it is theirs), most recently
    reported first, and how many there are of each status."""
    grids = inbox_grids(actor)
    grid_id = grid_id if grid_id in {g.id for g in grids} else None
    where = [scope.visible_leads(actor)]
    if grid_id is not None:
        where.append(Lead.grid_id == grid_id)
    waiting = {LeadStatus(s): n for s, n in db.session.execute(
        select(Lead.status, func.count(Lead.id)).where(*where).group_by(Lead.status))}
    leads = list(db.session.scalars(select(Lead).where(*where, Lead.status == status)
                                    .order_by(Lead.last_reported_on.desc(), Lead.id.desc()).limit(INBOX_SHOWN)))
    return Inbox(status, grid_id, grids, _views(leads), {s: waiting.get(s, 0) for s in LeadStatus})


def find_lead(actor: StaffUser, lead_id: int) -> Lead | None:
    """A lead the account sees, or None (outside their grids it does not exist)."""
    return db.session.scalar(select(Lead).where(Lead.id == lead_id, scope.visible_leads(actor)))


def view(lead: Lead) -> LeadView:
    return _views([lead])[0]


# The audit log's action for each move (audit.wording.ACTION_LABELS, docs/admin.md).
ACTIONS = {LeadStatus.REVIEWED: "lead.reviewed", LeadStatus.DISMISSED: "lead.dismissed",
           LeadStatus.ALERTED: "lead.alerted"}


def _move(actor: StaffUser, lead: Lead, to: LeadStatus, today: date, **detail: object) -> Lead:
    if not rules.may_move(lead.status, to):
        raise Conflict("leads.cannot_move", status=lead.status, to=to)
    was = lead.status
    lead.status, lead.handled_by, lead.handled_on = to, actor.id, today
    db.session.flush()
    grid_code = db.session.scalar(select(Grid.code).where(Grid.id == lead.grid_id))
    audit.record(actor, ACTIONS[to], {"lead": lead.id, "grid": grid_code, "was": was, **detail})
    return lead


def mark_reviewed(actor: StaffUser, lead: Lead, today: date) -> Lead:
    """An officer has read the lead (or brings back one dismissed by mistake): audit-logged."""
    return _move(actor, lead, LeadStatus.REVIEWED, today)


def dismiss(actor: StaffUser, lead: Lead, reason: str, today: date) -> Lead:
    """Not a lead (a test, a joke, not a scam): leaves the inbox with the reason, audit-logged."""
    reason = rules.tidy(reason)
    if not reason:
        raise Invalid("leads.reason_needed", field="reason")
    lead.note = reason[:rules.NOTE_MAX]
    return _move(actor, lead, LeadStatus.DISMISSED, today, reason=lead.note)


def mark_alerted(actor: StaffUser, lead: Lead, alert_id: int, today: date) -> Lead:
    """The lead became the draft alert `alert_id` (made by quizapp/alerts): audit-logged."""
    if not rules.may_move(lead.status, LeadStatus.ALERTED):
        raise Conflict("leads.cannot_move", status=lead.status, to=LeadStatus.ALERTED)
    lead.alert_id = alert_id
    return _move(actor, lead, LeadStatus.ALERTED, today, alert=alert_id)


def draft_saved(actor: StaffUser, lead_id: int | None, alert_id: int, today: date) -> Lead | None:
    """alerts.service.save_draft saved a draft from a lead's prefilled form (its `lead`): the lead
    is now "made into an alert", linked to the draft. A lead the actor does not see, or one that
    cannot move so (dismissed, or already an alert's), is left as it is: the draft stands alone."""
    lead = find_lead(actor, lead_id) if lead_id else None
    if lead is None or not rules.may_move(lead.status, LeadStatus.ALERTED):
        return None
    return mark_alerted(actor, lead, alert_id, today)


# --- the counts -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class LeadSummary:
    """Workers' reports over a span as every surface shows them (docs/metrics.md): in all, by grid
    (grids with a report, by code), by channel (in the vocabulary's order) and by both."""

    span: Span
    total: LeadTally
    by_grid: list[tuple[Grid, LeadTally]]
    by_channel: list[tuple[LeadChannel, LeadTally]]
    by_grid_channel: dict[tuple[int, LeadChannel], LeadTally]


def summary(actor: scope.Reader, span: Span, grid_id: int | None = None) -> LeadSummary:
    """The reports received in the span (one grid's, if given) of the leads the account sees,
    counted by leads.rules.count."""
    where = [scope.visible_leads(actor), LeadReport.reported_on >= span.first, LeadReport.reported_on <= span.last]
    if grid_id is not None:
        where.append(Lead.grid_id == grid_id)
    rows = [ReportRow(lead_id, grid, LeadChannel(channel), bool(lost)) for lead_id, grid, channel, lost in
            db.session.execute(select(LeadReport.lead_id, Lead.grid_id, Lead.channel, LeadReport.money_lost)
                               .join(Lead, LeadReport.lead_id == Lead.id).where(*where))]
    counts: LeadCounts = rules.count(rows)
    grids = list(db.session.scalars(select(Grid).where(Grid.id.in_(counts.by_grid)).order_by(Grid.code))) \
        if counts.by_grid else []
    return LeadSummary(span, counts.total, [(g, counts.by_grid[g.id]) for g in grids],
                       list(counts.by_channel.items()), counts.by_grid_channel)


# --- retention --------------------------------------------------------------------------------------

def forget(first_kept: date, today: date, dry_run: bool = False, town_id: int | None = None) -> int:
    """Leads last reported before `first_kept` (with their reports; only those of the town's grids
    when `town_id` is given) are deleted, and the reporter keys of past days erased (`quizapp
    retention`); how many leads that is."""
    where = [Lead.last_reported_on < first_kept]
    if town_id is not None:
        where.append(Lead.grid_id.in_(scope.town_grid_ids(town_id)))
    old = select(Lead.id).where(*where)
    if dry_run:
        return db.session.scalar(select(func.count()).select_from(old.subquery())) or 0
    _erase_past_keys(today)
    db.session.execute(delete(LeadReport).where(LeadReport.lead_id.in_(old))
                       .execution_options(synchronize_session=False))
    return rows_changed(delete(Lead).where(*where))
