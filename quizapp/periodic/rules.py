"""Weekly and monthly reports as pure rules: which week or month a report covers, the one before
it, what each line (a company, a grid, the town) shows against the previous period, and how
incidents and supervision activity are totalled (docs/reports.md).

Used by periodic.service. A week is Monday to Sunday (the town's local dates); a month is a
calendar month. A report covers complete periods only: the default is the last one that has
ended before today, and nothing later can be asked for. Incidents are recorded per month, so a
weekly report counts the month or months its days fall in. No Flask and no database here.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import astuple, dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from quizapp.incidents.rules import add_months
from quizapp.rules import metrics
from quizapp.rules.metrics import Span, Tally, change
from quizapp.supervision import rules as sv_rules

KINDS = ("week", "month")
EARLIEST = date(2000, 1, 1)  # nothing older is asked for; keeps date arithmetic in range


# --- periods ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Period:
    """A week (Monday to Sunday) or a calendar month, both ends included."""

    kind: str
    first: date
    last: date

    @property
    def span(self) -> Span:
        return Span(self.first, self.last)

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1

    def previous(self) -> Period:
        return containing(self.kind, self.first - timedelta(days=1))

    def next(self) -> Period:
        return containing(self.kind, self.last + timedelta(days=1))

    def months(self) -> list[date]:
        """The first days of the months the period's days fall in (a week: one or two)."""
        months = [self.first.replace(day=1)]
        if self.last.replace(day=1) != months[0]:
            months.append(self.last.replace(day=1))
        return months

    @property
    def key(self) -> str:
        """How the period is named in URLs and file names: a week by its Monday, a month as YYYY-MM."""
        return self.first.isoformat() if self.kind == "week" else f"{self.first:%Y-%m}"


def containing(kind: str, day: date) -> Period:
    """The week (Monday to Sunday) or the calendar month that `day` falls in."""
    if kind == "week":
        monday = day - timedelta(days=day.weekday())
        return Period("week", monday, monday + timedelta(days=6))
    if kind == "month":
        first = day.replace(day=1)
        return Period("month", first, add_months(first, 1) - timedelta(days=1))
    raise ValueError(kind)


def last_complete(kind: str, today: date) -> Period:
    """The latest week or month that ended before today (today is still counting)."""
    return containing(kind, today).previous()


def is_complete(period: Period, today: date) -> bool:
    return period.last < today


_DATE = re.compile(r"^(\d{4})-(\d{1,2})(?:-(\d{1,2}))?$")


def chosen(kind: str, text: str | None, today: date) -> Period:
    """The period a URL asks for (?start=YYYY-MM-DD, or YYYY-MM for a month; any day inside the
    period names it). Unreadable, too old or not yet complete: the last complete period."""
    default = last_complete(kind, today)
    found = _DATE.match((text or "").strip())
    if not found:
        return default
    year, month, day = int(found[1]), int(found[2]), int(found[3] or 1)
    try:
        picked = containing(kind, date(year, month, day))
    except (ValueError, OverflowError):  # no such date, or a week running past year 9999
        return default
    if picked.first < EARLIEST or not is_complete(picked, today):
        return default
    return picked


# --- figures ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Line:
    """A company, a grid or the town in a report: its rollup sums over the period and the one
    before, active workers at each period's end (None: no day of the period has data), and (for a
    grid or the town) how many companies."""

    name: str
    now: Tally
    before: Tally
    headcount: int | None = None
    headcount_before: int | None = None
    grid_name: str = ""
    code: str = ""
    companies: int = 1
    below_count: int | None = 0  # a grid or the town: its companies below target (None: no data)
    comparable: bool = True  # a grid or the town: the same companies have data in both periods

    @property
    def headcount_change(self) -> int | None:
        """The difference in active workers; None when either period has no data, or when a grid's
        companies with data differ between the periods (a company new to quizapp is not a hire)."""
        return metrics.count_change(self.headcount, self.headcount_before) if self.comparable else None

    @property
    def participation(self) -> float | None:
        return self.now.participation

    @property
    def participation_before(self) -> float | None:
        return self.before.participation

    @property
    def participation_change(self) -> float | None:
        return change(self.now.participation, self.before.participation)

    @property
    def knowledge(self) -> float | None:
        return self.now.knowledge

    @property
    def knowledge_before(self) -> float | None:
        return self.before.knowledge

    @property
    def knowledge_change(self) -> float | None:
        return change(self.now.knowledge, self.before.knowledge)

    def below(self, target: float) -> bool:
        """Below target: participation over the period under the town's target; a line with
        nothing expected is never below."""
        value = self.now.participation
        return value is not None and value < target


def companies_below(participations: Iterable[float | None], target: float) -> int | None:
    """How many of the participations are under the target; None (shown "–", never 0, which would
    read as "all met the target") when none had anything expected: no data (docs/metrics.md)."""
    known = [value for value in participations if value is not None]
    return sum(1 for value in known if value < target) if known else None


def count_below(lines: Iterable[Line], target: float) -> int | None:
    """Lines below target over the period (Line.below); None when none has data."""
    return companies_below((line.participation for line in lines), target)


def _known_sum(values: Iterable[int | None]) -> int | None:
    known = [v for v in values if v is not None]
    return sum(known) if known else None


def combine(name: str, lines: list[Line], target: float, **extra: Any) -> Line:
    """A grid or the town from its companies: sums added first and divided once, so every
    worker counts the same, whatever the size of their company. Active workers add up over the
    companies with data; the change only when the same companies have data in both periods."""
    return Line(name=name, now=metrics.total(line.now for line in lines),
                before=metrics.total(line.before for line in lines),
                headcount=_known_sum(line.headcount for line in lines),
                headcount_before=_known_sum(line.headcount_before for line in lines), companies=len(lines),
                below_count=count_below(lines, target),
                comparable=all((line.headcount is None) == (line.headcount_before is None) for line in lines),
                **extra)


@dataclass(frozen=True)
class Behaviour:
    """"Did you do it" answers over a period and how many said "done" (docs/metrics.md)."""

    answered: int = 0
    done: int = 0

    @property
    def share(self) -> float | None:
        return metrics.share(self.done, self.answered)


def lowest_first(lines: Iterable[Line]) -> list[Line]:
    """Lowest participation first (the companies to look at), those with nothing expected last,
    ties by name."""
    known = [line for line in lines if line.participation is not None]
    unknown = [line for line in lines if line.participation is None]
    return (sorted(known, key=lambda line: (line.participation, line.name))
            + sorted(unknown, key=lambda line: line.name))


def top_and_bottom(lines: Iterable[Line], count: int = 5) -> tuple[list[Line], list[Line]]:
    """The `count` highest and lowest by participation (nothing expected: left out; the bottom
    list starts with the lowest); with fewer than 2 × count, one list (metrics.top_and_bottom)."""
    return metrics.top_and_bottom(lines, lambda line: line.participation, count)


# --- incidents ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class IncidentRecord:
    """One stored incident row, as the report needs it."""

    month: date
    fraud_type: str
    company_id: int | None
    cases: int
    loss_yuan: Decimal
    raw_reports: int = 0


@dataclass(frozen=True)
class TypeTotal:
    fraud_type: str
    cases: int
    loss_yuan: Decimal
    raw_reports: int = 0


@dataclass(frozen=True)
class IncidentSummary:
    months: list[date]
    cases: int = 0
    loss_yuan: Decimal = Decimal("0")
    raw_reports: int = 0
    companies_with_a_case: int = 0
    grid_wide_cases: int = 0  # records for a whole grid, not a company
    by_type: list[TypeTotal] = field(default_factory=list)  # most cases first


def summarise_incidents(records: Iterable[IncidentRecord], months: list[date]) -> IncidentSummary:
    """Cases and losses of the months counted (metrics.incident_totals: by the month the cases
    happened), by fraud type (most cases, then most loss, first), the companies with at least one
    case, and the cases recorded for a grid as a whole."""
    records = [r for r in records if r.month in months]
    types: dict[str, list[IncidentRecord]] = {}
    for r in records:
        types.setdefault(r.fraud_type, []).append(r)
    by_type = sorted((TypeTotal(t, *astuple(metrics.incident_totals(rs))) for t, rs in types.items()),
                     key=lambda t: (-t.cases, -t.loss_yuan, t.fraud_type))
    totals = metrics.incident_totals(records, months)
    return IncidentSummary(
        months=months, cases=totals.cases, loss_yuan=totals.loss_yuan, raw_reports=totals.raw_reports,
        companies_with_a_case=len({r.company_id for r in records if r.company_id is not None and r.cases > 0}),
        grid_wide_cases=sum(r.cases for r in records if r.company_id is None), by_type=by_type)


# --- supervision --------------------------------------------------------------------------------

@dataclass(frozen=True)
class CaseDates:
    """A supervision case's dates, as the report needs them."""

    company_id: int
    rule: str
    opened_on: date
    closed_on: date | None
    deadline: date | None = None


@dataclass(frozen=True)
class Activity:
    """Supervision over a period: cases opened, follow-ups logged, cases closed, and cases still
    open at the period's end."""

    opened: int = 0
    follow_ups: int = 0
    closed: int = 0
    open_at_end: int = 0
    overdue_at_end: int = 0  # of those, past their deadline on the period's last day

    def __add__(self, other: Activity) -> Activity:
        return Activity(self.opened + other.opened, self.follow_ups + other.follow_ups,
                        self.closed + other.closed, self.open_at_end + other.open_at_end,
                        self.overdue_at_end + other.overdue_at_end)

    @property
    def any(self) -> bool:
        return bool(self.opened or self.follow_ups or self.closed or self.open_at_end)


def supervision_activity(cases: Iterable[CaseDates], follow_up_dates: Iterable[tuple[int, date]],
                         period: Period) -> dict[int, Activity]:
    """Per company: cases opened in the period, follow-ups that happened in it (by their date,
    not when they were typed in), cases closed in it, and cases open at its last day (opened by
    then and not closed by then: a case closed later still counts as open at the end), and of
    those the ones past their deadline that day (supervision.rules.is_overdue)."""
    found: dict[int, Activity] = {}

    def add(company_id: int, **counts: int) -> None:
        found[company_id] = found.get(company_id, Activity()) + Activity(**counts)

    def inside(day: date | None) -> bool:
        return day is not None and period.first <= day <= period.last

    for case in cases:
        still_open = case.opened_on <= period.last and (case.closed_on is None or case.closed_on > period.last)
        add(case.company_id, opened=int(inside(case.opened_on)), closed=int(inside(case.closed_on)),
            open_at_end=int(still_open), overdue_at_end=int(still_open and sv_rules.is_overdue(
                "open", case.deadline, period.last)))
    for company_id, happened_on in follow_up_dates:
        if inside(happened_on):
            add(company_id, follow_ups=1)
    return {cid: activity for cid, activity in found.items() if activity.any}


def total_activity(activities: Iterable[Activity]) -> Activity:
    total = Activity()
    for activity in activities:
        total = total + activity
    return total


# --- file names ---------------------------------------------------------------------------------

_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f]+')


def filename(report_name: str, scope_name: str, period: Period) -> str:
    """The XLSX download's name, e.g. 周报-网格一-2026-11-16.xlsx or 月报-全镇-2026-11.xlsx; characters
    a file system refuses become "_"."""
    parts = [_UNSAFE.sub("_", part).strip() or "_" for part in (report_name, scope_name)]
    return f"{parts[0]}-{parts[1]}-{period.key}.xlsx"


def ascii_filename(scope_code: str | None, period: Period) -> str:
    """The same name in ASCII, for browsers that ignore the UTF-8 one: the kind of report, the
    grid's code (or "town") and the period, e.g. weekly-g1-2026-11-16.xlsx or monthly-town-2026-11.xlsx."""
    kind = "weekly" if period.kind == "week" else "monthly"
    return f"{kind}-{scope_code or 'town'}-{period.key}.xlsx"
