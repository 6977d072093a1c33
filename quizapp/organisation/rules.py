"""The town's organisation as the town admin edits it: the rules for grid and company codes, names,
workdays and quiz length, how a company code is generated, and the old → new summary of a change.

Used by the admin's organisation forms (quizapp/admin/forms_org.py) and organisation.service.
Pure: no Flask, no database. Problems are returned as keys (PROBLEM_*), which the forms turn into
translated messages.

Why company codes are random: the QR poster on the workshop wall holds /c/<code>, and anyone who
knows a code can try the company's employee numbers there. A code made from the company's name
("acme") is guessed by the next factory over; eight characters from a 31-letter alphabet are not
(31⁸ ≈ 8.5 × 10¹¹). The alphabet leaves out 0/o, 1/l/i, so a code read aloud or typed from a
printed poster is not mistyped.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import NamedTuple

from quizapp.rules.inputs import plain_text, row_id

# Lower case only: the code is part of a URL, and the incident import matches codes case-blind.
CODE_ALPHABET = "23456789abcdefghjkmnpqrstuvwxyz"
GENERATED_LENGTH = 8

GRID_CODE_MAX = 16  # short: it is typed into CSV imports and shown in narrow columns
GRID_NAME_MAX = 100  # Grid.name
COMPANY_CODE_MIN = 6  # a new or changed code; codes from before this rule are kept as they are
COMPANY_CODE_MAX = 32  # Company.code
COMPANY_NAME_MAX = 200  # Company.name
PER_QUIZ_MIN, PER_QUIZ_MAX, PER_QUIZ_DEFAULT = 3, 8, 5
WORKDAYS_DEFAULT = "123456"  # Monday to Saturday, the usual factory week

PROBLEM_EMPTY = "empty"
PROBLEM_TOO_LONG = "too_long"
PROBLEM_TOO_SHORT = "too_short"
PROBLEM_CHARACTERS = "characters"
PROBLEM_EDGE_HYPHEN = "edge_hyphen"

_CODE_CHARACTERS = re.compile(r"^[A-Za-z0-9-]+$")


def clean_text(value: str | None) -> str:
    """A name as typed, with surrounding space removed and inner runs of space made single."""
    return re.sub(r"\s+", " ", value or "").strip()


def name_key(name: str) -> str:
    """What makes two names "the same" for the duplicate check: case and spacing ignored."""
    return re.sub(r"\s+", "", name).casefold()


def _code_problem(code: str, longest: int, shortest: int = 1) -> str | None:
    if not code:
        return PROBLEM_EMPTY
    if len(code) > longest:
        return PROBLEM_TOO_LONG
    if not _CODE_CHARACTERS.match(code):
        return PROBLEM_CHARACTERS
    if code.startswith("-") or code.endswith("-"):
        return PROBLEM_EDGE_HYPHEN
    if len(code) < shortest:
        return PROBLEM_TOO_SHORT
    return None


def grid_code_problem(code: str) -> str | None:
    """A grid code is 1 to 16 letters, digits or hyphens, not starting or ending with a hyphen."""
    return _code_problem(code, GRID_CODE_MAX)


def normalise_company_code(code: str | None) -> str:
    """Company codes are stored in lower case: the QR code's URL then has one spelling."""
    return (code or "").strip().lower()


def company_code_problem(code: str) -> str | None:
    """A new or changed company code is 6 to 32 letters, digits or hyphens (not at either end)."""
    return _code_problem(code, COMPANY_CODE_MAX, COMPANY_CODE_MIN)


def name_problem(name: str, longest: int) -> str | None:
    if not name:
        return PROBLEM_EMPTY
    if len(name) > longest:
        return PROBLEM_TOO_LONG
    return None


def generate_code(choose: Callable[[str], str] = secrets.choice, length: int = GENERATED_LENGTH) -> str:
    """A random company code from the unambiguous alphabet (the caller checks it is unused)."""
    return "".join(choose(CODE_ALPHABET) for _ in range(length))


def normalise_workdays(days: Iterable[str]) -> str:
    """ISO weekdays ("1" Monday … "7" Sunday) as the model stores them: sorted, no repeats.
    Anything else is dropped."""
    return "".join(sorted({d for d in days if d in "1234567" and len(d) == 1}))


def per_quiz_ok(value: int | None) -> bool:
    return value is not None and PER_QUIZ_MIN <= value <= PER_QUIZ_MAX


class NameList(NamedTuple):
    """A few names to quote in a message, and how many more there are."""

    shown: list[str]
    more: int


def name_list(names: Iterable[str], limit: int = 5) -> NameList:
    """The first `limit` names, and how many more there are."""
    names = list(names)
    return NameList(names[:limit], max(len(names) - limit, 0))


def changes(before: Mapping[str, object], after: Mapping[str, object]) -> dict[str, dict]:
    """The fields that changed, each as {"old": …, "new": …} (the audit log's detail for an update,
    which audit.log puts into words)."""
    return {key: {"old": before.get(key), "new": after[key]} for key in after if before.get(key) != after[key]}


@dataclass(frozen=True)
class CompanyQuery:
    """The company list's search, filters and page, read from the URL (so it works without JS)."""

    q: str = ""
    grid: int | None = None
    status: str = "active"  # "active", "inactive" or "all"
    page: int = 1

    def args(self, **override: object) -> dict:
        """URL arguments for this query, with `override` applied; defaults left out."""
        values = {"q": self.q, "grid": self.grid, "status": self.status, "page": self.page, **override}
        defaults = {"q": "", "grid": None, "status": "active", "page": 1}
        return {k: v for k, v in values.items() if v != defaults[k]}


STATUSES = ("active", "inactive", "all")


def _positive_int(value: object) -> int | None:
    return row_id(value)


def parse_company_query(args: Mapping[str, str]) -> CompanyQuery:
    """Anything malformed falls back to the default: a bad link still shows a list."""
    status = args.get("status", "active")
    return CompanyQuery(q=clean_text(plain_text(args.get("q"))), grid=_positive_int(args.get("grid")),
                        status=status if status in STATUSES else "active",
                        page=_positive_int(args.get("page")) or 1)
