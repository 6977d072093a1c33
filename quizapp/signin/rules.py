"""Pure rules of a worker's sign-in: how a typed PIN or one-time code is read, which PINs are too
easy to guess, how long a guesser waits, and what a one-time set-up code looks like.

Used by signin.service (and signin.forms for the reasons shown at the field). The numbers here are
the ones docs/privacy.md documents ("Signing in"). No Flask, no SQLAlchemy.
"""

from __future__ import annotations

import math
import re
import secrets
import unicodedata
from datetime import datetime, timedelta

PIN_PATTERN = re.compile(r"^[0-9]{4,6}$")
CODE_LENGTH = 8
CODE_PATTERN = re.compile(rf"^[0-9]{{{CODE_LENGTH}}}$")
CODE_DAYS = 14  # a one-time set-up code works this long after staff made it

# Wrong PINs typed on a phone that has signed in as this worker before (the worker's own phone):
# the fifth wrong try in a row locks that track for 15 minutes.
OWN_DEVICE_TRIES = 5
OWN_DEVICE_LOCK = timedelta(minutes=15)
# Wrong PINs or codes from any other phone or browser are counted apart, so a colleague's guesses
# never lock the worker's own phone: the first STRANGER_FREE_TRIES - 1 wrong tries are free, the
# STRANGER_FREE_TRIES-th and each later one make the next try wait 1, 2, 4, ... 32, then 60 minutes.
STRANGER_FREE_TRIES = 3
STRANGER_WAITS = tuple(timedelta(minutes=m) for m in (1, 2, 4, 8, 16, 32, 60))

# The ten most common four- and six-digit PINs (published counts of leaked PINs), refused outright.
COMMON_PINS = frozenset({
    "1234", "1111", "0000", "1212", "7777", "1004", "2000", "4444", "2222", "6969",
    "123456", "654321", "111111", "000000", "123123", "666666", "121212", "112233", "789456", "159753",
})


def typed_digits(text: str | None) -> str:
    """A PIN or code as typed, read the way the worker meant it: full-width digits from a Chinese
    keyboard (１２３４) are the digits 1234, and spaces around it are dropped."""
    return unicodedata.normalize("NFKC", text or "").strip()


def typed_company_code(text: str | None) -> str:
    """A company code typed by hand, read the way the worker meant it: the code itself, or the whole
    address printed under the poster's QR code (what follows /c/), in any case or width."""
    typed = unicodedata.normalize("NFKC", text or "").strip()
    if "/c/" in typed:
        typed = typed.split("/c/", 1)[1]
    return re.split(r"[/?#\s]", typed, maxsplit=1)[0].lower()


def is_pin(text: str) -> bool:
    """4 to 6 ASCII digits (after typed_digits)."""
    return PIN_PATTERN.match(text) is not None


def weak_pin(pin: str) -> str | None:
    """Why a PIN is too easy to guess, or None: "same" (one digit repeated, 0000), "run" (digits
    going up or down by one, 1234, 4321, 123456) or "common" (one of the ten most common)."""
    if len(set(pin)) == 1:
        return "same"
    steps = {int(b) - int(a) for a, b in zip(pin, pin[1:], strict=False)}
    if steps in ({1}, {-1}):
        return "run"
    if pin in COMMON_PINS:
        return "common"
    return None


def new_code() -> str:
    """A one-time set-up code: 8 random digits (typed on the phone's number pad)."""
    return "".join(secrets.choice("0123456789") for _ in range(CODE_LENGTH))


def code_expires(now: datetime) -> datetime:
    return now + timedelta(days=CODE_DAYS)


def minutes_left(until: datetime, now: datetime) -> int:
    """A wait as the page says it: whole minutes, rounded up, at least 1."""
    return max(1, math.ceil((until - now).total_seconds() / 60))


def stranger_wait(failures: int) -> timedelta | None:
    """How long other phones must wait after the `failures`-th wrong try in a row from them: none
    for the first STRANGER_FREE_TRIES - 1, then 1, 2, 4, ... 60 minutes."""
    if failures < STRANGER_FREE_TRIES:
        return None
    index = min(failures - STRANGER_FREE_TRIES, len(STRANGER_WAITS) - 1)
    return STRANGER_WAITS[index]

