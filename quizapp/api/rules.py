"""The read-only API's rules, pure: which query parameters each endpoint takes and how they are
checked (ISO dates, a range of at most 366 days not after today, ids, flags, paging), the bearer
token header, and how figures are written in JSON (counts as integers, shares as 0..1 floats
rounded to 4 places or null when nothing was expected, money summed as decimals, dates ISO 8601).

Used by quizapp/api/views.py and api.service. Every refusal is a ParameterError naming the
parameter and a reason code; the API layer turns it into a 400 with a message. The figures follow
docs/metrics.md through rules.metrics.Tally (participation, knowledge index); docs/api.md
documents every field.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from quizapp.rules.errors import Invalid
from quizapp.rules.inputs import shift_day
from quizapp.rules.metrics import Span, Tally

MAX_DAYS = 366  # a leap year: one year of history in one request
DEFAULT_DAYS = 30  # no range given: the 30 days ending today, as the dashboard's 30 days
DEFAULT_LIMIT = 100
MAX_LIMIT = 1000
MAX_ID = 2**31 - 1  # larger ids cannot exist (and would overflow PostgreSQL's integer)
SHARE_PLACES = 4  # 0.8333: a hundredth of a percentage point; the counts are given for exact sums
FEN = Decimal("0.01")
HINT_LENGTH = 8  # the first characters of a token, shown to recognise it
TOKEN_BYTES = 32  # secrets.token_urlsafe(32): 43 characters, 256 bits

RANGE = ("from", "to")
PAGING = ("limit", "offset")

# Why a parameter was refused (the API layer words each one for people).
REASONS = ("unknown", "repeated", "empty", "not_a_date", "future", "after_to", "too_long", "not_an_id",
           "not_a_flag", "not_a_number", "out_of_range", "not_a_month")


class ParameterError(Invalid):
    """A query parameter the endpoint cannot use: `parameter` names it, `reason` is one of REASONS
    (the code is "api.<reason>"), `detail` carries a number the message quotes (a limit, a date).
    The answer's JSON carries `parameter` and `reason` as they are: clients rely on them."""

    def __init__(self, parameter: str, reason: str, detail: object = None):
        super().__init__(f"api.{reason}", field=parameter, name=parameter, detail=detail)
        self.parameter, self.reason, self.detail = parameter, reason, detail


@dataclass(frozen=True, order=True)
class DateRange(Span):
    """Local dates `first` to `last`, both included (the API's `from` and `to`): a metrics Span."""

    def months(self) -> tuple[date, date]:
        """The first and the last month the range touches (first days of months)."""
        return self.first.replace(day=1), self.last.replace(day=1)


@dataclass(frozen=True)
class Paging:
    limit: int = DEFAULT_LIMIT
    offset: int = 0

    def next_offset(self, total: int) -> int | None:
        """Where the next page starts, or None when this page is the last."""
        following = self.offset + self.limit
        return following if following < total else None


@dataclass(frozen=True)
class Query:
    """An endpoint's checked query: only the parts it accepts are set."""

    range: DateRange | None = None
    grid_id: int | None = None
    active: bool | None = None
    paging: Paging | None = None
    month: date | None = None  # the first day of the month asked for (`month`, default this month)
    days: int | None = None  # `days`: a period of complete days (the towns' figures), one of PERIODS


def _one(args: Mapping[str, Sequence[str]], name: str) -> str | None:
    values = args.get(name)
    if not values:
        return None
    if len(values) > 1:
        raise ParameterError(name, "repeated")
    value = values[0].strip()
    if not value:
        raise ParameterError(name, "empty")
    return value


_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$", re.ASCII)


def parse_date(name: str, text: str) -> date:
    """An ISO 8601 calendar date, YYYY-MM-DD (nothing else: no time, no other order)."""
    if not _ISO_DATE.match(text):
        raise ParameterError(name, "not_a_date")
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ParameterError(name, "not_a_date") from None


def parse_range(args: Mapping[str, Sequence[str]], today: date) -> DateRange:
    """`from` and `to`, local dates with both ends included. `to` defaults to today and may not be
    after it (the town's local date); `from` defaults to the 30 days ending at `to`. `from` must not
    be after `to`, and the range is at most 366 days."""
    raw_from, raw_to = _one(args, "from"), _one(args, "to")
    last = parse_date("to", raw_to) if raw_to is not None else today
    # Clamped at the calendar's start: `to=0001-01-01` is a range, not an error.
    first = parse_date("from", raw_from) if raw_from is not None else shift_day(last, -(DEFAULT_DAYS - 1))
    if last > today:
        raise ParameterError("to", "future", today.isoformat())
    if first > last:
        raise ParameterError("from", "after_to")
    if (last - first).days + 1 > MAX_DAYS:
        raise ParameterError("from", "too_long", MAX_DAYS)
    return DateRange(first, last)


_ISO_MONTH = re.compile(r"^(\d{4})-(\d{2})$", re.ASCII)


def parse_month(name: str, text: str | None, today: date) -> date:
    """A calendar month, YYYY-MM (its first day), not after today's month; none given: this month."""
    if text is None:
        return today.replace(day=1)
    found = _ISO_MONTH.match(text)
    if not found or not 1 <= int(found[2]) <= 12 or int(found[1]) < 1:
        raise ParameterError(name, "not_a_month")
    month = date(int(found[1]), int(found[2]), 1)
    if month > today.replace(day=1):
        raise ParameterError(name, "future", today.strftime("%Y-%m"))
    return month


def parse_id(name: str, text: str) -> int:
    """A row id: a whole number from 1."""
    if not text.isascii() or not text.isdigit() or not 1 <= int(text) <= MAX_ID:
        raise ParameterError(name, "not_an_id")
    return int(text)


FLAGS = {"true": True, "1": True, "false": False, "0": False}


def parse_flag(name: str, text: str) -> bool:
    """true/false (or 1/0)."""
    try:
        return FLAGS[text.lower()]
    except KeyError:
        raise ParameterError(name, "not_a_flag") from None


def _whole(name: str, text: str, low: int, high: int) -> int:
    if not text.isascii() or not text.isdigit():
        raise ParameterError(name, "not_a_number")
    value = int(text)
    if not low <= value <= high:
        raise ParameterError(name, "out_of_range", f"{low}–{high}")
    return value


def parse_paging(args: Mapping[str, Sequence[str]]) -> Paging:
    """`limit` 1–1000 (default 100) and `offset` from 0 (default 0)."""
    limit, offset = _one(args, "limit"), _one(args, "offset")
    return Paging(DEFAULT_LIMIT if limit is None else _whole("limit", limit, 1, MAX_LIMIT),
                  0 if offset is None else _whole("offset", offset, 0, MAX_ID))


PERIODS = (7, 30, 90)  # the towns' figures: complete days before today (citycompare.rules.PERIODS)


def parse_days(text: str | None, default: int = 30) -> int:
    """`days`: 7, 30 or 90 (complete days before today); none given: the default."""
    if text is None:
        return default
    value = _whole("days", text, 1, max(PERIODS))
    if value not in PERIODS:
        raise ParameterError("days", "out_of_range", "7, 30, 90")
    return value


def parse_query(args: Mapping[str, Sequence[str]], accepted: Collection[str], today: date) -> Query:
    """An endpoint's query parameters, checked: one the endpoint does not take is refused (a
    misspelt filter such as `grid=` must not quietly answer for the whole town), and each one it
    takes must be given once and be well formed."""
    for name in sorted(args):
        if name not in accepted:
            raise ParameterError(name, "unknown", ", ".join(accepted) or "-")
    grid_id = _one(args, "grid_id") if "grid_id" in accepted else None
    active = _one(args, "active") if "active" in accepted else None
    return Query(range=parse_range(args, today) if "from" in accepted else None,
                 grid_id=None if grid_id is None else parse_id("grid_id", grid_id),
                 active=None if active is None else parse_flag("active", active),
                 paging=parse_paging(args) if "limit" in accepted else None,
                 month=parse_month("month", _one(args, "month"), today) if "month" in accepted else None,
                 days=parse_days(_one(args, "days")) if "days" in accepted else None)


# --- the token header ---------------------------------------------------------------------------

_BEARER = re.compile(r"^Bearer +([A-Za-z0-9._~+/-]+=*) *$", re.IGNORECASE)


def parse_bearer(header: str | None) -> str | None:
    """The token of an `Authorization: Bearer <token>` header (RFC 6750), or None."""
    match = _BEARER.match(header or "")
    return match.group(1) if match else None


def token_digest(token: str) -> str:
    """What is stored of a token: its SHA-256, hex. A token is 256 random bits, so a plain hash
    cannot be reversed or guessed; no salt or slow hash is needed (unlike a password)."""
    return hashlib.sha256(token.encode()).hexdigest()


def token_hint(token: str) -> str:
    return token[:HINT_LENGTH]


# --- figures as JSON ----------------------------------------------------------------------------

def share(value: float | None) -> float | None:
    return None if value is None else round(value, SHARE_PLACES)


def figures(tally: Tally) -> dict:
    """A period's (or a day's) figures: expected quizzes (active workers summed over workdays with
    data), done (official quizzes done on those workdays, each day capped at its headcount),
    participation = done ÷ expected, the common daily set's right answers, answers and knowledge
    index = right ÷ answers, and the company-days with data (docs/metrics.md)."""
    return {"expected": tally.expected, "done": tally.done, "participation": share(tally.participation),
            "common_correct": tally.common_correct, "common_answered": tally.common_answered,
            "knowledge_index": share(tally.knowledge), "days_with_data": tally.days}


def month_text(month: date) -> str:
    """A month as ISO 8601 writes it: 2026-03, and 0598-11 (strftime's %Y drops the leading zeros of an
    early year, which the OpenAPI document's YYYY-MM refuses; schemathesis found it)."""
    return f"{month.year:04d}-{month.month:02d}"


def money(amount: Decimal) -> float:
    """An amount of yuan as a JSON number: added up as decimals (never floats), rounded to the fen,
    and only then made a float. Up to 15 significant digits (any amount under 10^13 yuan) the
    float's shortest form, which is what JSON writes, is the decimal itself: 0.10 + 0.20 is 0.3."""
    return float(amount.quantize(FEN))
