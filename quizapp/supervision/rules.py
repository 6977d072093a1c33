"""The supervision list's rules (督办清单) as pure functions: the configurable thresholds, the three
rules that flag a company, and the participation around a follow-up that shows whether it worked.

Used by supervision.service. Every rule and default is documented in docs/supervision.md; figures
follow docs/metrics.md (participation = done ÷ active headcount on workdays, from the daily rollup).
No Flask and no database here.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, fields
from datetime import date, timedelta

from quizapp.incidents.rules import add_months, month_start
from quizapp.rules import metrics
from quizapp.rules.inputs import shift_day
from quizapp.rules.metrics import is_workday
from quizapp.rules.vocab import CaseRule

EFFECT_DAYS = 14  # two weeks before and after a follow-up
# How far back a company's workdays are searched: a company with one workday a week still finds 30.
MAX_LOOKBACK_DAYS = 400


@dataclass(frozen=True)
class Rules:
    """The thresholds the town admin can change (TownSetting "supervision_rules")."""

    participation_target: float = 0.6  # a workday under this share counts against the company
    participation_workdays: int = 5  # ... this many workdays in a row
    knowledge_days: int = 30  # the window compared with the one before it
    knowledge_drop: float = 0.10  # flagged when the knowledge index falls by more than this
    knowledge_min_answers: int = 30  # common answers needed in each window
    incident_months: int = 3  # months compared with the same months a year before
    incident_min_cases: int = 2  # cases needed in those months
    # The company's grid's heat index (metrics.heat_index) the incidents rule also needs; 0: any
    # (the default, so the heat index changes nothing unless the town sets it).
    incident_min_heat: float = 0.0

    # (lowest, highest) accepted for each threshold: the settings form checks against these.
    BOUNDS = {
        "participation_target": (0.01, 1.0), "participation_workdays": (1, 30), "knowledge_days": (7, 90),
        "knowledge_drop": (0.01, 1.0), "knowledge_min_answers": (1, 100_000), "incident_months": (1, 12),
        "incident_min_cases": (1, 10_000), "incident_min_heat": (0.0, 100_000.0),
    }

    @classmethod
    def from_json(cls, value: Mapping | None) -> Rules:
        """Stored values over the defaults; a missing, mistyped or out-of-range value keeps its
        default, so a bad setting can never switch a rule off by accident."""
        defaults = cls()
        chosen = {}
        for f in fields(cls):
            raw = (value or {}).get(f.name)
            kind = type(getattr(defaults, f.name))
            try:
                number = kind(raw)
            except (TypeError, ValueError, OverflowError):  # OverflowError: int(inf)
                continue
            low, high = cls.BOUNDS[f.name]
            numeric = isinstance(raw, (int, float)) and not isinstance(raw, bool)
            if numeric and number == raw and low <= number <= high:
                chosen[f.name] = number
        return cls(**chosen)

    def to_json(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class Day:
    """One company's day from the CompanyDay rollup."""

    day: date
    workday: bool
    headcount: int
    completed: int
    common_correct: int = 0
    common_answered: int = 0

    @property
    def participation(self) -> float | None:
        """Done ÷ active headcount on a workday (metrics.day_tally); none on a day off or with
        nobody on the roster."""
        return self.figures().participation

    def figures(self) -> metrics.Tally:
        return metrics.day_tally(self.workday, self.headcount, self.completed, self.common_correct,
                                 self.common_answered)


@dataclass(frozen=True)
class Flag:
    """A rule that fired, with the figures that made it fire (services put them into words)."""

    rule: CaseRule
    figures: dict


def last_workdays(today: date, workdays: str, count: int) -> list[date]:
    """The company's last `count` workdays before today (today is still counting), oldest first."""
    found: list[date] = []
    day = today - timedelta(days=1)
    while len(found) < count and (today - day).days <= MAX_LOOKBACK_DAYS:
        if is_workday(day, workdays):
            found.append(day)
        day -= timedelta(days=1)
    return found[::-1]


def participation_flag(days: Mapping[date, Day], workdays: str, today: date, rules: Rules,
                       since: date | None = None) -> Flag | None:
    """Participation under the target on each of the last N workdays before today.

    Flags only on evidence: every one of those workdays needs its rollup row with someone on the
    roster. Evidence from on or before `since` (the day a case under this rule was last closed)
    is not used again.
    """
    dates = last_workdays(today, workdays, rules.participation_workdays)
    if len(dates) < rules.participation_workdays or (since and dates[0] <= since):
        return None
    shares = [days[d].participation if d in days else None for d in dates]
    if any(s is None or s >= rules.participation_target for s in shares):
        return None
    return Flag(CaseRule.PARTICIPATION, {"first": dates[0], "last": dates[-1], "shares": shares,
                                "target": rules.participation_target, "workdays": len(dates)})


def knowledge_windows(today: date, rules: Rules) -> tuple[tuple[date, date], tuple[date, date]]:
    """(previous, current): the `knowledge_days` days ending yesterday and the same span before."""
    span = timedelta(days=rules.knowledge_days)
    current = (today - span, today - timedelta(days=1))
    previous = (current[0] - span, current[0] - timedelta(days=1))
    return previous, current


def knowledge_flag(days: Iterable[Day], today: date, rules: Rules, since: date | None = None) -> Flag | None:
    """The knowledge index over the last window fell by more than `knowledge_drop` (in points)
    from the window before, with at least `knowledge_min_answers` common answers in each."""
    (p_first, p_last), (c_first, c_last) = knowledge_windows(today, rules)
    if since and c_first <= since:
        return None
    days = list(days)
    before = metrics.total(d.figures() for d in days if p_first <= d.day <= p_last)
    now = metrics.total(d.figures() for d in days if c_first <= d.day <= c_last)
    answers_before, answers_now = before.common_answered, now.common_answered
    if min(answers_before, answers_now) < rules.knowledge_min_answers:
        return None
    index_before, index_now = metrics.knowledge_index(before), metrics.knowledge_index(now)
    if index_before is None or index_now is None:  # no common answers in a window: nothing to compare
        return None
    drop = round(index_before - index_now, 9)  # 0.7 - 0.6 is 0.0999...; compare points, not float noise
    if drop <= rules.knowledge_drop:
        return None
    return Flag(CaseRule.KNOWLEDGE, {"before": index_before, "now": index_now, "drop": drop,
                                     "answers_before": answers_before, "answers_now": answers_now,
                                     "days": rules.knowledge_days})


def incident_windows(today: date, rules: Rules) -> tuple[tuple[date, date], tuple[date, date]]:
    """(recent, a year before): the last `incident_months` months, this month included."""
    last = month_start(today)
    first = add_months(last, 1 - rules.incident_months)
    return (first, last), (add_months(first, -12), add_months(last, -12))


def incident_flag(cases_by_month: Mapping[date, int], today: date, rules: Rules,
                  since: date | None = None, heat: float | None = None) -> Flag | None:
    """More cases in the last months than in the same months a year before, and at least
    `incident_min_cases` of them (records for a whole grid do not count against a company); with
    `incident_min_heat` set above 0, only in a grid whose heat index (`heat`) is at least that."""
    if rules.incident_min_heat > 0 and (heat is None or heat < rules.incident_min_heat):
        return None
    (first, last), (y_first, y_last) = incident_windows(today, rules)
    if since and first <= month_start(since):
        return None
    now = sum(n for m, n in cases_by_month.items() if first <= m <= last)
    before = sum(n for m, n in cases_by_month.items() if y_first <= m <= y_last)
    if now < rules.incident_min_cases or now <= before:
        return None
    return Flag(CaseRule.INCIDENTS, {"first": first, "last": last, "cases": now, "year_first": y_first,
                            "year_last": y_last, "cases_year_before": before})


@dataclass(frozen=True)
class Effect:
    """Participation in the two weeks before a follow-up and from it on: did it work?"""

    happened_on: date
    before: tuple[tuple[date, float | None], ...]
    after: tuple[tuple[date, float | None], ...]
    participation_before: float | None
    participation_after: float | None
    days_to_come: int  # days of the "after" window still in the future

    @property
    def change(self) -> float | None:
        if self.participation_before is None or self.participation_after is None:
            return None
        return self.participation_after - self.participation_before


def effect_windows(happened_on: date) -> tuple[list[date], list[date]]:
    """The 14 days before the follow-up, and the 14 days from it on (fewer at the very ends of the
    calendar: a stored date of year 1 or 9999 still shows a page)."""
    before = [shift_day(happened_on, -n) for n in range(EFFECT_DAYS, 0, -1)]
    after = [shift_day(happened_on, n) for n in range(EFFECT_DAYS)]
    return before, after


def effect(happened_on: date, days: Mapping[date, Day], today: date) -> Effect:
    """Daily participation around a follow-up (a day off or a day without a rollup shows none)
    and the participation over each window. Days after `today` have not happened yet."""
    before, after = effect_windows(happened_on)
    after_past = [d for d in after if d < today]

    def series(dates: list[date]) -> tuple[tuple[date, float | None], ...]:
        return tuple((d, days[d].participation if d in days else None) for d in dates)

    def overall(dates: list[date]) -> float | None:
        return metrics.total(days[d].figures() for d in dates if d in days).participation

    return Effect(happened_on, series(before), series(after), overall(before), overall(after_past),
                  days_to_come=len(after) - len(after_past))


# --- owner, deadline, closing and the year's counts ---------------------------------------------

DEADLINE_DAYS = 30  # a new or reopened case's deadline, unless its owner sets another
MAX_DEADLINE_DAYS = 366  # a deadline further off than a year is a typing mistake
RESULT_MAX = 500  # a case's result: a short text
SUMMONED_MAX = 100  # a 约谈's summoned person: name, role (free text)
PLACE_MAX = 200


def default_deadline(day: date) -> date:
    """The deadline a case gets when it is opened or reopened on `day`."""
    return day + timedelta(days=DEADLINE_DAYS)


def is_overdue(status: str, deadline: date | None, today: date) -> bool:
    """Overdue: still open and its deadline has passed (the deadline day itself is still in time)."""
    return status == "open" and deadline is not None and deadline < today


def deadline_problem(deadline: date, opened_on: date, today: date) -> str | None:
    """Why a deadline cannot be set, or None: not before today (nor the case's opening), and not
    more than a year ahead."""
    if deadline < max(today, opened_on):
        return "supervision.deadline_past"
    if deadline > today + timedelta(days=MAX_DEADLINE_DAYS):
        return "supervision.deadline_far"
    return None


def summons_problems(kind: str, name: str, role: str, place: str) -> list[tuple[str, str]]:
    """(code, field) for each part of a 约谈's record that is missing or too long: who was summoned
    (name and role of the company's person) and where. Other kinds need none of them."""
    problems = []
    if kind == "yuetan":
        for value, field, limit in ((name, "summoned_name", SUMMONED_MAX), (role, "summoned_role", SUMMONED_MAX),
                                    (place, "place", PLACE_MAX)):
            if not value.strip():
                problems.append(("supervision.summons_needed", field))
            elif len(value.strip()) > limit:
                problems.append(("supervision.too_long", field))
    return problems


def close_problems(follow_ups: int, result: str) -> list[tuple[str, str | None]]:
    """(code, field) for each reason a case cannot be closed: no follow-up yet, no result, or a
    result longer than a short text."""
    problems: list[tuple[str, str | None]] = []
    if follow_ups < 1:
        problems.append(("supervision.close_needs_follow_up", None))
    if not result.strip():
        problems.append(("supervision.close_reason_needed", "reason"))
    elif len(result.strip()) > RESULT_MAX:
        problems.append(("supervision.too_long", "reason"))
    return problems


@dataclass
class YearCounts:
    """One grid's supervision in a calendar year: 约谈 held, cases opened and closed; and open
    cases overdue today."""

    summons: int = 0
    opened: int = 0
    closed: int = 0
    overdue: int = 0


def year_counts(cases: Iterable, summons_days: Iterable[tuple[int, date]], year: int,
                today: date) -> dict[int, YearCounts]:
    """Per grid: `cases` are anything with grid_id, opened_on, closed_on, status and deadline;
    `summons_days` (grid id, day) for each 约谈. Counted by the day it happened in `year`."""
    found: dict[int, YearCounts] = {}
    for c in cases:
        row = found.setdefault(c.grid_id, YearCounts())
        row.opened += c.opened_on.year == year
        row.closed += c.closed_on is not None and c.closed_on.year == year and c.status == "closed"
        row.overdue += is_overdue(c.status, c.deadline, today)
    for grid_id, day in summons_days:
        found.setdefault(grid_id, YearCounts()).summons += day.year == year
    return found
