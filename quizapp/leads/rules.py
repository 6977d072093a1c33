"""The rules of workers' reports (我遇到过类似的骗局): when two reports are the same lead, how a
text is cleaned of its reporter, how a number or link is masked, the daily limit, which inbox
moves are allowed, and the counts by grid and channel. Pure: no Flask, no SQLAlchemy.

Used by leads.service (and its pages, the periodic report and the API through it).
"""

from __future__ import annotations

import hashlib
import hmac
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from quizapp.alerts.rules import SMALL_COMPANY
from quizapp.rules.vocab import LeadChannel, LeadStatus

# Reports a worker may send in one local day, duplicates included (the abuse limit).
DAILY_LIMIT = 5
TEXT_MIN, TEXT_MAX = 4, 300
CONTACT_MAX = 100
NOTE_MAX = 300
# What stands in for the reporter's own name or employee number in a stored text.
REDACTED = "＊＊"

_SPACE = re.compile(r"\s+")
_DIGIT_RUN = re.compile(r"\d{7,}")


def tidy(text: str) -> str:
    """The text as it is stored and shown: format characters such as zero-width spaces dropped,
    every run of whitespace one space, trimmed; Chinese punctuation and widths as typed."""
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Cf")
    return _SPACE.sub(" ", text).strip()


def normalised(text: str) -> str:
    """The text as it is compared: `tidy` after NFKC (full-width letters, digits and punctuation
    become their ordinary forms, the ideographic space a space)."""
    return tidy(unicodedata.normalize("NFKC", text))


def _any_width(word: str) -> str:
    """A pattern matching `word` with each ASCII character typed half or full width (Ａ００１)."""
    return "".join(f"[{re.escape(ch)}{re.escape(chr(ord(ch) + 0xFEE0))}]" if "!" <= ch <= "~" else re.escape(ch)
                   for ch in word)


def same_text_key(text: str) -> str:
    """The key under which two reports are one lead. Two texts are **the same** when they are equal
    after `normalised` (NFKC: ＡＢＣ１２３ is ABC123), case folding (Abc is abc) and removing all
    whitespace (an SMS pasted with its line breaks, or with spaces between the characters, is the
    one typed without them). Punctuation and wording still count: "加我微信" and "加我微信!" are
    two texts. The key is the SHA-256 of that form (64 hex characters); within one grid, one key
    is one lead."""
    folded = _SPACE.sub("", normalised(text).casefold())
    return hashlib.sha256(folded.encode("utf-8")).hexdigest()


def without_reporter(text: str, name: str, employee_no: str) -> str:
    """The text (tidied) with the reporter's own name and employee number taken out, whatever their
    case and width, so a worker who signs their report does not reach the officers by name. A name
    of one character is left alone (it would blank out ordinary words)."""
    text = tidy(text)
    for word in (normalised(name), normalised(employee_no)):
        if len(word) >= 2:
            text = re.sub(_any_width(word), REDACTED, text, flags=re.IGNORECASE)
    return text


def reporter_key(secret: bytes, worker_id: int, day: date) -> str:
    """A worker's key for one local day: HMAC-SHA256 of the worker's id and the day under the app's
    secret. It tells one worker's reports of that day apart from another's (the daily limit, a
    repeat counted once) without storing who; another day's key of the same worker differs, and
    the service erases the keys of past days."""
    return hmac.new(secret, f"lead-reporter:{worker_id}:{day.isoformat()}".encode(), hashlib.sha256).hexdigest()


def _mask_middle(text: str, keep_start: int, keep_end: int) -> str:
    hidden = len(text) - keep_start - keep_end
    if hidden <= 0:
        return text
    return text[:keep_start] + "*" * min(hidden, 6) + (text[-keep_end:] if keep_end else "")


def mask_contact(contact: str | None) -> str:
    """A number or link as officers see it: enough to recognise, not to dial or open.

    - a link (it has a scheme, or a dot or a slash between letters): the host's first 3 characters,
      *** and the host's last label (abc***.top), the rest of the address as "/…";
    - a number (digits, spaces, dashes, brackets, a +86 before a mobile number): the first 3 and
      last 2 digits (138******78); up to 6 digits (a
      hotline, 95588, 96110) is shown whole, because it is public;
    - anything else (a WeChat or QQ id): the first 2 and the last character."""
    value = normalised(contact or "")
    if not value:
        return ""
    link = re.match(r"^(?:[a-z][a-z0-9+.-]*://)?([^/\s?#]+)(.*)$", value, re.IGNORECASE)
    if link and ("://" in value or re.search(r"[a-z]\.[a-z]", value, re.IGNORECASE)):
        host, rest = link.group(1), link.group(2)
        labels = host.split(".")
        shown = (host[:3] + "***." + labels[-1]) if len(labels) > 1 else _mask_middle(host, 3, 0)
        return shown + ("/…" if rest.strip("/") else "")
    digits = re.sub(r"^(?:86|0086)(?=1\d{10}$)", "", re.sub(r"[\s\-+()]", "", value))  # +86: China's code
    if digits.isdigit():
        return digits if len(digits) <= 6 else _mask_middle(digits, 3, 2)
    return _mask_middle(value, 2, 1)


def mask_numbers(text: str) -> str:
    """Runs of 7 digits or more in a text (a phone number, a card or ID number) masked as a
    number is (mask_contact): the text stays readable, the number does not."""
    return _DIGIT_RUN.sub(lambda m: _mask_middle(m.group(0), 3, 2), text)


# A lead's channel as the alert drafting form's scene (alerts.forms.SCENE_LABELS); an app or other: none.
SCENES = {LeadChannel.SMS: "sms", LeadChannel.CHAT: "wechat", LeadChannel.CALL: "call"}
ALERT_TITLE_CHARS = 30


def alert_prefill(lead_id: int, grid_id: int, channel: LeadChannel, text: str, title_prefix: str) -> dict:
    """The drafting form's query for a draft alert made from a lead (the seam quizapp/alerts
    offers: reports.alert_new opens prefilled from it): a title of the prefix and the text's start,
    the scene the channel names, the text as the scammer's line with its long numbers masked (an
    alert never carries a real number: the bank's rules want safe ones), the lead's grid, and the
    lead's id, so the draft saved from it marks the lead (leads.service.draft_saved)."""
    shown = mask_numbers(tidy(text))
    short = shown if len(shown) <= ALERT_TITLE_CHARS else shown[:ALERT_TITLE_CHARS] + "…"
    query: dict = {"title": f"{title_prefix}{short}", "scene_zh": f"them: {shown}", "grid": grid_id,
                   "lead": lead_id}
    if channel in SCENES:
        query["scene"] = SCENES[channel]
    return query


def is_small(active_workers: int) -> bool:
    """A company with fewer active workers than SMALL_COMPANY (20: the alerts' reach table's
    threshold, reused) is not named with a lead, only its grid: one of a handful of workers would
    be easy to pick out."""
    return active_workers < SMALL_COMPANY


def over_limit(sent_today: int) -> bool:
    """Whether a worker who has sent `sent_today` reports today may send no more."""
    return sent_today >= DAILY_LIMIT


# status -> the statuses an officer may move a lead to from it
MOVES: dict[LeadStatus, frozenset[LeadStatus]] = {
    LeadStatus.NEW: frozenset({LeadStatus.REVIEWED, LeadStatus.ALERTED, LeadStatus.DISMISSED}),
    LeadStatus.REVIEWED: frozenset({LeadStatus.ALERTED, LeadStatus.DISMISSED}),
    LeadStatus.ALERTED: frozenset(),
    LeadStatus.DISMISSED: frozenset({LeadStatus.REVIEWED}),  # dismissed by mistake: back in the inbox
}


def may_move(status: LeadStatus, to: LeadStatus) -> bool:
    """New leads may be reviewed, turned into a draft alert or dismissed; reviewed ones turned into
    an alert or dismissed; a dismissed one restored as reviewed; an alerted one stays."""
    return to in MOVES[status]


# --- the counts -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class ReportRow:
    """One report received: of which lead, in which grid, by which channel, money lost or not."""

    lead_id: int
    grid_id: int
    channel: LeadChannel
    money_lost: bool


@dataclass
class LeadTally:
    """Over a span: leads with a report in it, reports received, and leads with a money-lost report
    (docs/metrics.md, "Workers' reports")."""

    leads: int = 0
    reports: int = 0
    money_lost: int = 0


@dataclass
class LeadCounts:
    total: LeadTally = field(default_factory=LeadTally)
    by_grid: dict[int, LeadTally] = field(default_factory=dict)
    by_channel: dict[LeadChannel, LeadTally] = field(default_factory=dict)
    by_grid_channel: dict[tuple[int, LeadChannel], LeadTally] = field(default_factory=dict)


def _tally(rows: list[ReportRow]) -> LeadTally:
    return LeadTally(leads=len({r.lead_id for r in rows}), reports=len(rows),
                     money_lost=len({r.lead_id for r in rows if r.money_lost}))


def count(rows: Iterable[ReportRow]) -> LeadCounts:
    """The reports of a span counted in all, by grid, by channel and by grid and channel: a lead
    reported three times is one lead and three reports. Only groups with a report are present."""
    rows = list(rows)
    by: dict[str, dict] = {"grid": {}, "channel": {}, "both": {}}
    for row in rows:
        by["grid"].setdefault(row.grid_id, []).append(row)
        by["channel"].setdefault(row.channel, []).append(row)
        by["both"].setdefault((row.grid_id, row.channel), []).append(row)
    return LeadCounts(total=_tally(rows),
                      by_grid={k: _tally(v) for k, v in by["grid"].items()},
                      by_channel={k: _tally(v) for k in LeadChannel if (v := by["channel"].get(k))},
                      by_grid_channel={k: _tally(v) for k, v in by["both"].items()})
