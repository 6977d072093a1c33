"""This phone's own wrong tries, per employee number typed: a signed cookie, so that a phone that
is not the worker's own (after "not my phone", a new phone, a colleague's) is told "too many tries,
try again in N minutes" while its own typos keep it waiting, instead of "wrong" for the right PIN.

Why a cookie and not the worker's row: the row's wait (signin.workers, stranger_until) exists only
for numbers on the roster, so telling a phone about it would tell a stranger which numbers are
real. The cookie counts every number typed, on the roster or not, on the same schedule
(rules.stranger_wait): a phone learns only what it did itself. It chooses the words only, never
the verdict: the try is still checked by signin.workers as any other (so staff's unlock lets the
worker in at once, and a phone that drops the cookie gains nothing). The numbers in it are keyed
(HMAC), never written out. Used by signin.views.
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import UTC, datetime, timedelta

from flask import after_this_request, current_app, request
from itsdangerous import BadData, URLSafeSerializer

from quizapp.roster import rules as roster
from quizapp.signin import rules

COOKIE = "tries"
KEPT = timedelta(days=1)  # a number's count is forgotten a day after its last wrong try here
NUMBERS = 10  # the most numbers one phone keeps counts for


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="worker-tries")


def _key(company_id: int, number_typed: str) -> str:
    message = f"{company_id}:{roster.number_key(number_typed)}".encode()
    return hmac.new(str(current_app.config["SECRET_KEY"]).encode(), message, hashlib.sha256).hexdigest()[:20]


def _epoch(moment: datetime) -> int:
    return int(moment.replace(tzinfo=UTC).timestamp())


def _moment(epoch: int) -> datetime:
    return datetime.fromtimestamp(epoch, UTC).replace(tzinfo=None)


def _read(now: datetime) -> dict[str, list[int]]:
    """{key: [wrong tries in a row, waiting until (epoch, 0 for none), last try (epoch)]}, the
    stale ones dropped."""
    try:
        found = _serializer().loads(request.cookies.get(COOKIE, ""))
    except BadData:
        return {}
    if not isinstance(found, dict):
        return {}
    oldest = _epoch(now - KEPT)
    return {k: v for k, v in found.items() if isinstance(k, str) and isinstance(v, list) and len(v) == 3
            and all(isinstance(n, int) for n in v) and v[2] >= oldest}


def waiting_until(company_id: int, number_typed: str, now: datetime) -> datetime | None:
    """Until when this phone must wait before its next try for this number (UTC), or None."""
    entry = _read(now).get(_key(company_id, number_typed))
    if entry is None or entry[1] <= _epoch(now):
        return None
    return _moment(entry[1])


def _keep(entries: dict[str, list[int]]) -> None:
    kept = dict(sorted(entries.items(), key=lambda item: item[1][2])[-NUMBERS:])

    @after_this_request
    def write(response):
        if not kept:
            response.delete_cookie(COOKIE)
        else:
            response.set_cookie(COOKIE, _serializer().dumps(kept), max_age=int(KEPT.total_seconds()),
                                httponly=True, samesite="Lax", secure=current_app.config["SESSION_COOKIE_SECURE"])
        return response


def wrong(company_id: int, number_typed: str, now: datetime) -> datetime | None:
    """One more wrong try here for this number; until when the phone must now wait, or None."""
    entries = _read(now)
    key = _key(company_id, number_typed)
    count = entries.get(key, [0, 0, 0])[0] + 1
    wait = rules.stranger_wait(count)
    until = now + wait if wait is not None else None
    entries[key] = [count, _epoch(until) if until is not None else 0, _epoch(now)]
    _keep(entries)
    return until


def right(company_id: int, number_typed: str, now: datetime) -> None:
    """Signed in or set up: this number's count here starts again."""
    entries = _read(now)
    if entries.pop(_key(company_id, number_typed), None) is not None or request.cookies.get(COOKIE):
        _keep(entries)
