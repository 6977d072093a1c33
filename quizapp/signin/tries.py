"""This phone's own wrong tries, per employee number typed: a signed cookie, so that a phone that
is not the worker's own (after "not my phone", a new phone, a colleague's) is told "too many tries,
try again in N minutes" while its own typos keep it waiting, instead of "wrong" for the right PIN.

Why a cookie and not the worker's row: the row's wait (signin.workers, stranger_until) exists only
for numbers on the roster, so telling a phone about it would tell a stranger which numbers are
real. The cookie counts every number typed, on the roster or not, on the same schedule
(rules.stranger_wait): a phone learns only what it did itself. It chooses the words only, never
the verdict: the try is still checked by signin.workers as any other (so staff's unlock lets the
worker in at once, and a phone that drops the cookie gains nothing). The numbers in it are keyed
(HMAC), never written out. Used by signin.views, which reads and writes the cookie.
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import UTC, datetime, timedelta

from itsdangerous import BadData, URLSafeSerializer

from quizapp.roster import rules as roster
from quizapp.signin import rules

COOKIE = "tries"
KEPT = timedelta(days=1)  # a number's count is forgotten a day after its last wrong try here
NUMBERS = 10  # the most numbers one phone keeps counts for


def _epoch(moment: datetime) -> int:
    return int(moment.replace(tzinfo=UTC).timestamp())


def _moment(epoch: int) -> datetime:
    return datetime.fromtimestamp(epoch, UTC).replace(tzinfo=None)


class PhoneTries:
    """The counts a phone's cookie holds: {key: [wrong tries in a row, waiting until (epoch, 0 for
    none), last try (epoch)]}, read at `now` (stale ones dropped). `changed`: the cookie must be
    written again (value(): its new text, or None to delete it)."""

    def __init__(self, secret: str, cookie: str | None, now: datetime):
        self._secret, self._now = str(secret), now
        self._serializer = URLSafeSerializer(self._secret, salt="worker-tries")
        self.changed = False
        try:
            found = self._serializer.loads(cookie or "")
        except BadData:
            found = {}
        oldest = _epoch(now - KEPT)
        self._entries: dict[str, list[int]] = {
            k: v for k, v in (found.items() if isinstance(found, dict) else ())
            if isinstance(k, str) and isinstance(v, list) and len(v) == 3
            and all(isinstance(n, int) for n in v) and v[2] >= oldest}

    def _key(self, company_id: int, number_typed: str) -> str:
        message = f"{company_id}:{roster.number_key(number_typed)}".encode()
        return hmac.new(self._secret.encode(), message, hashlib.sha256).hexdigest()[:20]

    def waiting_until(self, company_id: int, number_typed: str) -> datetime | None:
        """Until when this phone must wait before its next try for this number (UTC), or None."""
        entry = self._entries.get(self._key(company_id, number_typed))
        if entry is None or entry[1] <= _epoch(self._now):
            return None
        return _moment(entry[1])

    def wrong(self, company_id: int, number_typed: str) -> datetime | None:
        """One more wrong try here for this number; until when the phone must now wait, or None."""
        key = self._key(company_id, number_typed)
        count = self._entries.get(key, [0, 0, 0])[0] + 1
        wait = rules.stranger_wait(count)
        until = self._now + wait if wait is not None else None
        self._entries[key] = [count, _epoch(until) if until is not None else 0, _epoch(self._now)]
        self.changed = True
        return until

    def right(self, company_id: int, number_typed: str) -> None:
        """Signed in or set up: this number's count here starts again."""
        if self._entries.pop(self._key(company_id, number_typed), None) is not None:
            self.changed = True

    def value(self) -> str | None:
        kept = dict(sorted(self._entries.items(), key=lambda item: item[1][2])[-NUMBERS:])
        return self._serializer.dumps(kept) if kept else None
