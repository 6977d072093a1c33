"""The supervision list (督办清单): flagging companies by the town's rules, cases and their
follow-ups, closing them, the rule settings, and the officer's ledger (台账) export.

Used by the reports blueprint's supervision pages and (through flag_companies) by the
`quizapp supervise` cron command. Owns which cases an account sees (the companies of their grids;
the town admin all), one open case per company and rule, and that the rules' thresholds are only
changed by the town admin. Figures come from the daily rollup; no worker is ever named.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import and_, func, or_, select

from quizapp import scope
from quizapp.audit import service as audit
from quizapp.extensions import db
from quizapp.incidents import figures as incident_figures
from quizapp.map.service import grid_heat
from quizapp.models import (
    CaseEvent,
    Company,
    CompanyDay,
    FollowUp,
    Grid,
    Incident,
    StaffUser,
    SupervisionCase,
    Town,
)
from quizapp.rules import inputs
from quizapp.rules.errors import Conflict, Forbidden, Invalid, ServiceError, refuse
from quizapp.rules.inputs import shift_day
from quizapp.rules.vocab import CaseEventKind, CaseRule, CaseStatus, FollowUpKind, Role, parse
from quizapp.supervision import rules
from quizapp.supervision.rules import Day, Flag, Rules
from quizapp.town import settings as town_settings

SETTING_KEY = "supervision_rules"


# --- the rules' settings ------------------------------------------------------------------------

def load_rules(town_id: int | None) -> Rules:
    """The town's thresholds (its setting "supervision_rules") over the documented defaults (the
    defaults alone for an account of no town)."""
    return Rules.from_json(town_settings.read(town_id, SETTING_KEY) if town_id is not None else None)


def save_rules(actor: StaffUser, chosen: Rules) -> Rules:
    """Store new thresholds for the admin's own town: a town admin only."""
    if actor.role != Role.TOWN_ADMIN:
        raise Forbidden("supervision.rules_admin_only")
    value = town_settings.write(scope.own_town_id(actor), SETTING_KEY, chosen.to_json())
    audit.record(actor, "supervision_rules", value)
    return Rules.from_json(value)


# --- flagging -----------------------------------------------------------------------------------

DAY_COLUMNS = (CompanyDay.company_id, CompanyDay.day, CompanyDay.workday, CompanyDay.headcount, CompanyDay.completed,
               CompanyDay.common_correct, CompanyDay.common_answered)


def _day(row) -> Day:
    return Day(row.day, row.workday, row.headcount, row.completed, row.common_correct, row.common_answered)


def flag_companies(today: date, now: datetime, describe: Callable[[Flag], str], chosen: Rules | None = None,
                   town_id: int | None = None) -> list[SupervisionCase]:
    """Run each town's rules over its active companies (`town_id`: that town's only; `chosen`:
    these thresholds instead of the town's); see flag_town."""
    towns = [town_id] if town_id is not None else list(db.session.scalars(select(Town.id).order_by(Town.id)))
    return [case for town in towns for case in flag_town(town, today, now, describe, chosen)]


def would_flag(town_id: int, today: date, now: datetime, chosen: Rules | None = None) -> list[tuple[Company, Flag]]:
    """What a check would open now, writing nothing: each active company of the town with a rule
    that fires (`chosen`: these thresholds instead of the town's), unless the company has an open
    case under that rule already. Evidence from before a case under the same rule was closed is not
    used again. The check itself (flag_town) and the previews before it runs, before new thresholds
    are saved (supervision views) and before a new target is saved read this, so what the admin is
    shown is what the check does. `now`: the moment of the check (the heat index counts today's
    quizzes done by then: rollups.figures.done)."""
    chosen = chosen or load_rules(town_id)
    companies = list(db.session.scalars(select(Company).where(
        Company.active.is_(True), Company.id.in_(scope.town_company_ids(town_id))).order_by(Company.id)))
    open_cases = {(company_id, rule) for company_id, rule in db.session.execute(
        select(SupervisionCase.company_id, SupervisionCase.rule).where(SupervisionCase.status == CaseStatus.OPEN))}
    closed = {(c, r): d for c, r, d in db.session.execute(
        select(SupervisionCase.company_id, SupervisionCase.rule, func.max(SupervisionCase.closed_on))
        .where(SupervisionCase.status == CaseStatus.CLOSED).group_by(SupervisionCase.company_id, SupervisionCase.rule))}
    workdays = {c.id: rules.last_workdays(today, c.workdays, chosen.participation_workdays) for c in companies}
    (first, _last), _current = rules.knowledge_windows(today, chosen)
    first = min([first] + [d[0] for d in workdays.values() if d])
    days: dict[int, dict[date, Day]] = defaultdict(dict)
    # Plain rows, not ORM objects: on a town of thousands of companies this is most of the work.
    in_town = scope.town_company_ids(town_id)
    for row in db.session.execute(select(*DAY_COLUMNS).where(CompanyDay.day >= first, CompanyDay.day < today,
                                                             CompanyDay.company_id.in_(in_town))):
        days[row.company_id][row.day] = _day(row)
    (_recent, (year_first, _year_last)) = rules.incident_windows(today, chosen)
    cases_by_month: dict[int, dict[date, int]] = defaultdict(lambda: defaultdict(int))
    for company_id, month, cases in db.session.execute(
            select(Incident.company_id, Incident.month, func.sum(Incident.cases))
            .where(Incident.company_id.in_(in_town), Incident.month >= year_first)
            .group_by(Incident.company_id, Incident.month)):
        if company_id is not None:  # always so (see the WHERE): a grid-wide record names no company
            cases_by_month[company_id][month] += int(cases or 0)
    # The heat index is an input of the incidents rule, read only when the town asks for it.
    heat = grid_heat(town_id, today, now) if chosen.incident_min_heat > 0 else {}
    fired = []
    for company in companies:
        mine = days.get(company.id, {})
        flags = [
            rules.participation_flag(mine, company.workdays, today, chosen,
                                     closed.get((company.id, CaseRule.PARTICIPATION))),
            rules.knowledge_flag(mine.values(), today, chosen, closed.get((company.id, CaseRule.KNOWLEDGE))),
            rules.incident_flag(cases_by_month.get(company.id, {}), today, chosen,
                                closed.get((company.id, CaseRule.INCIDENTS)), heat.get(company.grid_id)),
        ]
        fired += [(company, flag) for flag in flags if flag is not None and (company.id, flag.rule) not in open_cases]
    return fired


def flag_town(town_id: int, today: date, now: datetime, describe: Callable[[Flag], str], chosen: Rules | None = None
              ) -> list[SupervisionCase]:
    """Open a case for each company and rule would_flag finds. `describe` words a flag's figures as
    the case's reason (supervision.wording.town_reasons: in the town's language, so the ledger reads
    the same whoever ran the check, a signed-in admin or cron)."""
    opened = []
    codes = {}
    for company, flag in would_flag(town_id, today, now, chosen):
        case = SupervisionCase(company_id=company.id, rule=flag.rule, reason=describe(flag), opened_on=today,
                               status=CaseStatus.OPEN, deadline=rules.default_deadline(today))
        db.session.add(case)
        opened.append(case)
        codes[company.id] = company.code
    db.session.flush()
    for case in opened:  # opened by the town's rules: nobody's hand ("the system")
        audit.record(None, "supervision.case.open", {"case": case.id, "company": codes[case.company_id],
                                                     "rule": case.rule}, town_id=town_id)
        record_step(case, CaseEventKind.OPENED, None)
    return opened


@dataclass(frozen=True)
class FlagPreview:
    """What the next check would open (would_flag): each company and rule that fires, and of them
    those that fire only with the new thresholds (the current ones would not flag them)."""

    flagged: list[tuple[Company, Flag]]
    by_change: set[tuple[int, CaseRule]]  # (company id, rule)


def preview_flags(actor: StaffUser, today: date, now: datetime, chosen: Rules | None = None) -> FlagPreview:
    """Before "check now" (`chosen` None: the town's thresholds) or before new thresholds are saved
    (`chosen`): what the check would open in the admin's town, writing nothing. A town admin only."""
    if not scope.sees_whole_town(actor):
        raise Forbidden("supervision.rules_admin_only")
    town_id = scope.own_town_id(actor)
    flagged = would_flag(town_id, today, now, chosen)
    if chosen is None:
        return FlagPreview(flagged, set())
    current = {(company.id, flag.rule) for company, flag in would_flag(town_id, today, now)}
    return FlagPreview(flagged, {(company.id, flag.rule) for company, flag in flagged} - current)


def record_step(case: SupervisionCase, kind: CaseEventKind, actor: StaffUser | None, detail: str = "") -> CaseEvent:
    """One step of the case's history: what, who (None: the town's rules), and when (the
    database's clock, as the audit log's). Every change of a case's state writes one (here, and
    organisation.service when deactivating a company closes its cases)."""
    event = CaseEvent(case_id=case.id, kind=kind, actor_id=actor.id if actor is not None else None,
                      detail=detail[:500])
    db.session.add(event)
    db.session.flush()
    return event


# --- cases --------------------------------------------------------------------------------------

def visible_companies(actor: StaffUser) -> list[Company]:
    """The companies an officer may put on the list by hand: those of their grids (the admin: all)."""
    return list(db.session.scalars(scope.visible_companies(actor)))


def find_case(actor: StaffUser, case_id: int) -> SupervisionCase | None:
    """A case of a company of the actor's grids, active or not (scope.supervised_company_ids: a
    deactivated company's closed cases stay readable), or None (outside their grids it does not
    exist)."""
    return db.session.scalar(select(SupervisionCase).where(
        SupervisionCase.id == case_id, SupervisionCase.company_id.in_(scope.supervised_company_ids(actor))))


def _changeable(case: SupervisionCase) -> None:
    """A deactivated company's cases are kept as they were: read-only (deactivating closed them)."""
    if not db.session.get_one(Company, case.company_id).active:
        raise Conflict("supervision.company_inactive")


def open_case(actor: StaffUser, company_id: int, reason: str, today: date) -> SupervisionCase:
    """An officer puts a company of their grids on the list by hand, with a reason; they own the
    case, with the default deadline (docs/supervision.md)."""
    company = db.session.scalar(scope.visible_companies(actor).where(Company.id == company_id))
    if company is None:
        raise Forbidden("supervision.not_your_company")
    if db.session.scalar(select(SupervisionCase.id).where(
            SupervisionCase.company_id == company.id, SupervisionCase.rule == CaseRule.MANUAL,
            SupervisionCase.status == CaseStatus.OPEN)):
        raise Conflict("supervision.manual_case_open")
    case = SupervisionCase(company_id=company.id, rule=CaseRule.MANUAL, reason=reason.strip(), opened_on=today,
                           status=CaseStatus.OPEN, owner_id=actor.id, deadline=rules.default_deadline(today))
    db.session.add(case)
    db.session.flush()
    audit.record(actor, "supervision.case.open", {"case": case.id, "company": company.code, "rule": case.rule})
    record_step(case, CaseEventKind.OPENED, actor)
    return case


def owner_choices(case: SupervisionCase) -> list[StaffUser]:
    """Who may own a case: the accounts that see it (scope.visible_companies), active ones of the
    company's town: the officers of its company's grid, and the town's admins. Never another
    town's account, who would be given a case they cannot open."""
    company = db.session.get_one(Company, case.company_id)
    grid = db.session.get_one(Grid, company.grid_id)
    return list(db.session.scalars(select(StaffUser).where(
        StaffUser.active.is_(True), StaffUser.id.in_(scope.town_staff_ids(grid.town_id)), or_(
            StaffUser.role == Role.TOWN_ADMIN,
            and_(StaffUser.role == Role.GRID_OFFICER, StaffUser.id.in_(scope.officers_of_grid(grid.id)))))
        .order_by(StaffUser.role, StaffUser.display_name, StaffUser.id)))


def assign_case(actor: StaffUser, case: SupervisionCase, owner_id: int, deadline: date, today: date) -> SupervisionCase:
    """Give an open case an owner (an officer of its grid, or its town's admin: owner_choices; any
    other id, a forged form's, is refused) and a deadline (from today to a year ahead).
    Audit-logged, and a step of the case's history."""
    _changeable(case)
    if case.status != CaseStatus.OPEN:
        raise Conflict("supervision.case_closed")
    owner = next((u for u in owner_choices(case) if u.id == owner_id), None)
    problems: list[ServiceError] = [] if owner is not None else [Invalid("supervision.not_an_owner", field="owner")]
    if (problem := rules.deadline_problem(deadline, case.opened_on, today)) is not None:
        problems.append(Invalid(problem, field="deadline"))
    refuse(problems)
    assert owner is not None
    case.owner_id, case.deadline = owner.id, deadline
    db.session.flush()
    company = db.session.get_one(Company, case.company_id)
    audit.record(actor, "supervision.case.assign", {"case": case.id, "company": company.code, "owner": owner.username,
                                                     "deadline": deadline.isoformat()})
    record_step(case, CaseEventKind.ASSIGNED, actor, f"{owner.display_name} · {deadline.isoformat()}")
    return case


def add_follow_up(actor: StaffUser, case: SupervisionCase, kind: FollowUpKind | str, happened_on: date, who: str,
                  notes: str, outcome: str, today: date, summons: tuple[str, str, str] = ("", "", "")) -> FollowUp:
    """Log a formal talk (约谈), visit or talk on an open case; it cannot lie in the future. A 约谈
    records who was summoned (`summons`: the company's person's name and role, and the place)."""
    _changeable(case)
    if case.status != CaseStatus.OPEN:
        raise Conflict("supervision.case_closed")
    chosen = parse(FollowUpKind, kind)
    if chosen is None:
        raise Invalid("supervision.unknown_kind", field="kind")
    _check_day(happened_on, today)
    name, role, place = (part.strip() for part in summons)
    refuse([Invalid(code, field=field) for code, field in rules.summons_problems(chosen, name, role, place)])
    yuetan = chosen == FollowUpKind.YUETAN
    follow_up = FollowUp(case_id=case.id, kind=chosen, happened_on=happened_on, who=who.strip(), notes=notes.strip(),
                         outcome=outcome.strip(), created_by=actor.id, summoned_name=name if yuetan else None,
                         summoned_role=role if yuetan else None, place=place if yuetan else None)
    db.session.add(follow_up)
    db.session.flush()
    record_step(case, CaseEventKind.FOLLOW_UP, actor, f"{happened_on.isoformat()} {chosen.value}")
    return follow_up


def _check_day(happened_on: date, today: date) -> None:
    """A follow-up lies between the town's earliest records (2000) and today. (Not "after the case
    was opened": a visit often comes first and the case is logged after it.)"""
    if happened_on > today:
        raise Invalid("supervision.future_follow_up", field="happened_on")
    if happened_on < inputs.EARLIEST_DAY:
        raise Invalid("supervision.follow_up_too_early", field="happened_on", day=inputs.EARLIEST_DAY.isoformat())


def find_follow_up(actor: StaffUser, follow_up_id: int) -> FollowUp | None:
    """A follow-up on a case the actor may see, or None."""
    return db.session.scalar(select(FollowUp).join(SupervisionCase, SupervisionCase.id == FollowUp.case_id).where(
        FollowUp.id == follow_up_id, SupervisionCase.company_id.in_(scope.visible_company_ids(actor))))


def correct_follow_up(actor: StaffUser, follow_up: FollowUp, kind: FollowUpKind | str, happened_on: date, who: str,
                      notes: str, outcome: str, today: date) -> FollowUp:
    """Correct a follow-up logged wrong (its date, kind, people or notes), on an open or a closed
    case: the list must be right. The audit log keeps what changed, old and new."""
    case = db.session.get_one(SupervisionCase, follow_up.case_id)
    chosen = parse(FollowUpKind, kind)
    if chosen is None:
        raise Invalid("supervision.unknown_kind", field="kind")
    _check_day(happened_on, today)
    after = {"kind": str(chosen), "happened_on": happened_on.isoformat(), "who": who.strip(),
             "notes": notes.strip(), "outcome": outcome.strip()}
    before = {"kind": str(follow_up.kind), "happened_on": follow_up.happened_on.isoformat(), "who": follow_up.who,
              "notes": follow_up.notes or "", "outcome": follow_up.outcome or ""}
    follow_up.kind, follow_up.happened_on, follow_up.who = chosen, happened_on, after["who"]
    follow_up.notes, follow_up.outcome = after["notes"], after["outcome"]
    changes = {key: {"old": before[key], "new": after[key]} for key in after if before[key] != after[key]}
    audit.record(actor, "supervision.follow_up.update",
                 {"case_id": case.id, "company_id": case.company_id, **changes})
    db.session.flush()
    return follow_up


def delete_follow_up(actor: StaffUser, follow_up: FollowUp) -> None:
    """Delete a follow-up logged by mistake; the audit log keeps what it said."""
    case = db.session.get_one(SupervisionCase, follow_up.case_id)
    audit.record(actor, "supervision.follow_up.delete", {
        "case_id": case.id, "company_id": case.company_id, "kind": str(follow_up.kind),
        "happened_on": follow_up.happened_on.isoformat(), "who": follow_up.who})
    db.session.delete(follow_up)
    db.session.flush()


def close_case(actor: StaffUser, case: SupervisionCase, reason: str, today: date) -> SupervisionCase:
    """Close an open case: it needs at least one follow-up and a result (a short text). Closed
    cases stay on the list under "closed"."""
    _changeable(case)
    if case.status != CaseStatus.OPEN:
        raise Conflict("supervision.case_closed")
    follow_ups = db.session.scalar(select(func.count(FollowUp.id)).where(FollowUp.case_id == case.id)) or 0
    refuse([Invalid(code, field=field) for code, field in rules.close_problems(follow_ups, reason)])
    case.status, case.closed_on, case.close_reason, case.closed_by = CaseStatus.CLOSED, today, reason.strip(), actor.id
    db.session.flush()
    company = db.session.get_one(Company, case.company_id)
    audit.record(actor, "supervision.case.close", {"case": case.id, "company": company.code, "rule": case.rule})
    record_step(case, CaseEventKind.CLOSED, actor, case.close_reason or "")
    return case


def reopen_case(actor: StaffUser, case: SupervisionCase, reason: str, today: date) -> SupervisionCase:
    """Reopen a closed case, with a reason: its result is cleared (kept in the history), its owner
    stays and a passed deadline becomes the default one. Refused while the company has another
    open case under the same rule."""
    _changeable(case)
    if case.status != CaseStatus.CLOSED:
        raise Conflict("supervision.case_open")
    if not reason.strip():
        raise Invalid("supervision.reopen_reason_needed", field="reason")
    if len(reason.strip()) > rules.RESULT_MAX:
        raise Invalid("supervision.too_long", field="reason")
    if db.session.scalar(select(SupervisionCase.id).where(
            SupervisionCase.company_id == case.company_id, SupervisionCase.rule == case.rule,
            SupervisionCase.status == CaseStatus.OPEN)):
        raise Conflict("supervision.other_case_open")
    case.status, case.closed_on, case.close_reason, case.closed_by = CaseStatus.OPEN, None, None, None
    if case.deadline is None or case.deadline < today:
        case.deadline = rules.default_deadline(today)
    db.session.flush()
    company = db.session.get_one(Company, case.company_id)
    audit.record(actor, "supervision.case.reopen", {"case": case.id, "company": company.code, "rule": case.rule})
    record_step(case, CaseEventKind.REOPENED, actor, reason.strip())
    return case


@dataclass(frozen=True)
class Step:
    """A step of a case's history as the case page shows it."""

    kind: CaseEventKind
    at: datetime
    actor: str | None  # the staff account's display name; None: the town's rules
    detail: str


def history(case: SupervisionCase) -> list[Step]:
    """The case's steps, oldest first."""
    rows = db.session.execute(select(CaseEvent, StaffUser.display_name).outerjoin(
        StaffUser, StaffUser.id == CaseEvent.actor_id).where(CaseEvent.case_id == case.id)
        .order_by(CaseEvent.at, CaseEvent.id))
    return [Step(e.kind, e.at, name, e.detail) for e, name in rows]


def year_counts(actor: StaffUser, year: int, today: date) -> list[tuple[Grid, rules.YearCounts]]:
    """Per grid the actor sees: 约谈 held and cases opened and closed in `year`, and open cases
    overdue today (supervision.rules.year_counts). Every case of the grids' companies counts, a
    deactivated company's too (what happened that year stays counted); a deactivated grid is listed
    when it has something to count."""
    grids = list(db.session.scalars(scope.visible_grids(actor, include_inactive=True)))
    companies = scope.supervised_company_ids(actor)
    cases = db.session.execute(select(Company.grid_id, SupervisionCase.opened_on, SupervisionCase.closed_on,
                                      SupervisionCase.status, SupervisionCase.deadline)
                               .join(Company, Company.id == SupervisionCase.company_id)
                               .where(SupervisionCase.company_id.in_(companies)))
    summons = db.session.execute(select(Company.grid_id, FollowUp.happened_on)
                                 .join(SupervisionCase, SupervisionCase.id == FollowUp.case_id)
                                 .join(Company, Company.id == SupervisionCase.company_id)
                                 .where(SupervisionCase.company_id.in_(companies),
                                        FollowUp.kind == FollowUpKind.YUETAN))
    found = rules.year_counts(cases, [(g, d) for g, d in summons], year, today)
    return [(g, found.get(g.id, rules.YearCounts())) for g in grids
            if g.active or found.get(g.id, rules.YearCounts()) != rules.YearCounts()]


def overdue_cases(grid_ids: list[int], today: date) -> dict[int, int]:
    """Open cases past their deadline, per grid (the digest and the weekly report count them)."""
    if not grid_ids:
        return {}
    return {gid: n for gid, n in db.session.execute(
        select(Company.grid_id, func.count(SupervisionCase.id)).join(Company, Company.id == SupervisionCase.company_id)
        .where(Company.grid_id.in_(grid_ids), SupervisionCase.status == CaseStatus.OPEN,
               SupervisionCase.deadline < today).group_by(Company.grid_id))}


def company_days(company_ids: set[int], first: date, last: date) -> dict[int, dict[date, Day]]:
    """The companies' rollup days from `first` to `last`, by company and date."""
    found: dict[int, dict[date, Day]] = defaultdict(dict)
    if company_ids:
        for row in db.session.execute(select(*DAY_COLUMNS).where(
                CompanyDay.company_id.in_(company_ids), CompanyDay.day >= first, CompanyDay.day <= last)):
            found[row.company_id][row.day] = _day(row)
    return found


@dataclass(frozen=True)
class FollowUpView:
    follow_up: FollowUp
    effect: rules.Effect


@dataclass(frozen=True)
class CaseView:
    case: SupervisionCase
    company: Company
    grid: Grid
    follow_ups: list[FollowUpView]  # newest first
    owner: StaffUser | None = None
    overdue: bool = False  # open, and its deadline has passed (supervision.rules.is_overdue)
    quiet: incident_figures.Quiet | None = None  # the grid's months without a case (the list and the ledger)

    @property
    def latest(self) -> FollowUpView | None:
        return self.follow_ups[0] if self.follow_ups else None


def _views(cases: list[SupervisionCase], today: date, reader: StaffUser | None = None) -> list[CaseView]:
    """Cases with their companies, grids and follow-ups, each follow-up with the participation
    around it: a handful of queries whatever the number of cases. With a `reader`, each case's grid
    also carries how long it has gone without a case this month, as the incidents page reads it
    (incidents.figures.quiet_grids, one read for every grid listed)."""
    if not cases:
        return []
    companies = {c.id: c for c in db.session.scalars(select(Company).where(
        Company.id.in_({c.company_id for c in cases})))}
    grids = {g.id: g for g in db.session.scalars(select(Grid).where(
        Grid.id.in_({c.grid_id for c in companies.values()})))}
    follow_ups: dict[int, list[FollowUp]] = defaultdict(list)
    for f in db.session.scalars(select(FollowUp).where(FollowUp.case_id.in_([c.id for c in cases]))
                                .order_by(FollowUp.happened_on.desc(), FollowUp.id.desc())):
        follow_ups[f.case_id].append(f)
    dates = [f.happened_on for fs in follow_ups.values() for f in fs]
    days = {}
    if dates:
        days = company_days({c.company_id for c in cases if follow_ups[c.id]},
                            shift_day(min(dates), -rules.EFFECT_DAYS), shift_day(max(dates), rules.EFFECT_DAYS))
    owner_ids = {c.owner_id for c in cases if c.owner_id is not None}
    owners = {u.id: u for u in db.session.scalars(select(StaffUser).where(StaffUser.id.in_(owner_ids)))}
    quiet = incident_figures.quiet_grids(reader, today, today, list(grids)) if reader is not None else {}
    return [CaseView(c, companies[c.company_id], grids[companies[c.company_id].grid_id],
                     [FollowUpView(f, rules.effect(f.happened_on, days.get(c.company_id, {}), today))
                      for f in follow_ups[c.id]],
                     owners.get(c.owner_id) if c.owner_id is not None else None,
                     rules.is_overdue(c.status, c.deadline, today), quiet.get(companies[c.company_id].grid_id))
            for c in cases]


def list_cases(actor: StaffUser, status: CaseStatus, today: date) -> list[CaseView]:
    """Open cases (newest first) or closed ones (most recently closed first) of the actor's grids'
    companies, a deactivated company's too."""
    query = select(SupervisionCase).where(SupervisionCase.company_id.in_(scope.supervised_company_ids(actor)),
                                          SupervisionCase.status == status)
    order = (SupervisionCase.closed_on.desc(),) if status == CaseStatus.CLOSED else ()
    return _views(list(db.session.scalars(query.order_by(*order, SupervisionCase.opened_on.desc(),
                                                          SupervisionCase.id.desc()))), today, actor)


def case_view(case: SupervisionCase, today: date) -> CaseView:
    return _views([case], today)[0]


# --- the ledger (台账) --------------------------------------------------------------------------

def export_ledger(actor: StaffUser, status: CaseStatus | None, fmt: str, today: date) -> list[CaseView]:
    """Every case of the actor's grids (open, closed or both) with its follow-ups, oldest first,
    for the ledger's file (supervision.sheets.ledger); the export is written to the audit log."""
    query = select(SupervisionCase).where(SupervisionCase.company_id.in_(scope.supervised_company_ids(actor)))
    if status is not None:
        query = query.where(SupervisionCase.status == status)
    views = _views(list(db.session.scalars(query.order_by(SupervisionCase.opened_on, SupervisionCase.id))), today,
                   actor)
    audit.record(actor, "export_ledger", {"format": fmt, "status": status or "all"})
    return views
