"""The daily digest (`quizapp digest`) as pure rules: the day's figures of a grid (or the town),
the once-per-day key, the local day as UTC instants, how amounts and shares are written, how a
message is cut to what a WeChat Work robot accepts, and what an officer's e-mail address and a
shown robot address look like.

Used by digest.service, the officers' digest page (reports.digest) and the town admin's list of
messages sent (admin.deliveries). Figures are defined in docs/digest.md. Aggregates only: a
GridDay holds counts, sums and company names, never a worker.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from urllib.parse import parse_qsl, urlsplit

from quizapp.incidents.rules import YearOnYear
from quizapp.rules import metrics
from quizapp.rules.metrics import OutreachTotals, Tally

KEY_PREFIX = "digest:"
TRIAL_PREFIX = "test:"
FLAGGED_SHOWN = 10  # company names listed per grid; the rest are counted ("and 3 more")
# user@host.tld, no spaces, one "@": what a digest can be sent to (the SMTP server has the last word).
EMAIL = re.compile(r"^[^@\s]+@[^@\s.]+(\.[^@\s.]+)+$")
MAX_EMAIL = 254


@dataclass(frozen=True)
class GridDay:
    """One grid's (or the town's) numbers for one local date.

    `day` is the grid's companies' tally of the date, added up (rollups.figures: the rollup for a
    past date, live for today); `below_target` counts companies whose 30-day participation is under
    the town's target, as the grid dashboard does; the incidents are the records of the date's month
    (the month the cases happened, as the incidents page counts them).
    """

    name: str
    companies: int = 0
    below_target: int = 0
    day: Tally = Tally()
    flagged: tuple[str, ...] = ()  # companies newly on the supervision list that day, by name
    cases_month: int = 0
    loss_month: Decimal = Decimal(0)
    outreach_month: OutreachTotals = OutreachTotals()  # the outreach ledger's, the date's month to the date
    overdue: int = 0  # open supervision cases past their deadline on the date
    raw_month: int = 0  # raw reports (原始警情) of the date's month
    months_without_case: int | None = None  # a grid's (metrics.months_without_case), at the date's month
    zero_months: int | None = None  # a grid's "连续 N 个月零发案" (metrics.zero_case_months)

    @property
    def expected(self) -> int:
        return self.day.expected

    @property
    def done(self) -> int:
        return self.day.done

    @property
    def has_data(self) -> bool:
        """Some company of the grid has figures for the date (a past date without a rollup row has none)."""
        return self.day.days > 0

    @property
    def participation(self) -> float | None:
        """Done ÷ expected on the day; None when nobody was expected (a day off, or no data)."""
        return self.day.participation


def town_total(name: str, grids: Iterable[GridDay]) -> GridDay:
    """The grids added up: shares are divided once over the sums, so every worker counts the same.
    (The outreach totals are the town's own, digest.service reads them with the grids'.)"""
    grids = list(grids)
    return GridDay(name=name, companies=sum(g.companies for g in grids),
                   below_target=sum(g.below_target for g in grids), day=metrics.total(g.day for g in grids),
                   flagged=tuple(n for g in grids for n in g.flagged),
                   cases_month=sum(g.cases_month for g in grids),
                   loss_month=sum((g.loss_month for g in grids), Decimal(0)),
                   overdue=sum(g.overdue for g in grids), raw_month=sum(g.raw_month for g in grids))


@dataclass(frozen=True)
class Digest:
    """What one officer (or the town admin) is sent for one date."""

    day: date
    target: float
    grids: tuple[GridDay, ...]
    total: GridDay | None = None  # the town's totals, for the town admin (named by the words)
    link: str | None = None  # the dashboard, when the site's address is configured
    scope: str = ""  # the grids' names, for the subject ("whole town" in words, for the town admin)
    town: bool = False  # the town admin's digest: every grid and the town's totals
    declines: YearOnYear | None = None  # the three figures of the date's month and year against a year before

    @property
    def month(self) -> date:
        """The month whose incidents the digest counts: the date's."""
        return self.day.replace(day=1)


def digest_key(day: date) -> str:
    """What makes a digest unique for an officer and channel: one per local date."""
    return f"{KEY_PREFIX}{day.isoformat()}"


def once_key(day: date, staff_user_id: int, channel: str) -> str:
    """The day's digest to one account by one channel (Delivery.once_key, unique in the database)."""
    return f"{digest_key(day)}/staff {staff_user_id}/{channel}"


def trial_key(local_now: datetime) -> str:
    """A test sent from the digest page (at this local time): its own key, so it never counts as
    the day's digest."""
    return f"{TRIAL_PREFIX}{local_now.replace(microsecond=0, tzinfo=None).isoformat(timespec='minutes')}"


def key_label(key: str) -> str:
    """What a delivery's key says, for people: the digest's date, or a test's local date and time."""
    for prefix in (KEY_PREFIX, TRIAL_PREFIX):
        if key.startswith(prefix):
            return key.removeprefix(prefix).replace("T", " ")
    return key


def yuan(amount: Decimal | float | int) -> str:
    """An amount of yuan with thousands separators, without needless decimals: 12,500 or 99.50."""
    value = Decimal(str(amount)).quantize(Decimal("0.01"))
    return f"{value:,.0f}" if value == value.to_integral_value() else f"{value:,.2f}"


def fit(lines: list[str], footer: list[str], max_bytes: int) -> str:
    """The lines and the footer joined, dropping lines from the end (and writing "…") until the
    text fits in `max_bytes` of UTF-8: the heading and the link in the footer always go out."""
    kept = list(lines)
    text = "\n".join([*kept, *footer])
    while len(kept) > 1 and len(text.encode()) > max_bytes:
        kept.pop()
        text = "\n".join([*kept, "…", *footer])
    return text


def is_email(text: str) -> bool:
    """An address of the shape user@host.tld, at most 254 characters, with no spaces."""
    return len(text) <= MAX_EMAIL and bool(EMAIL.match(text))


def masked_target(target: str) -> str:
    """A delivery's address as the town admin's list shows it: an e-mail address in full; a robot
    address with its key cut to the first 4 characters (the key alone lets anyone post to the group)."""
    if "://" not in target:
        return target
    parts = urlsplit(target)
    key = dict(parse_qsl(parts.query)).get("key")
    shown = f"{parts.scheme}://{parts.netloc}{parts.path}"
    return f"{shown}?key={key[:4]}…" if key else shown
