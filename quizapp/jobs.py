"""One run of a cron job at a time, across processes and servers: `quizapp digest`, `remind`,
`rollup`, `supervise` and `retention` take their job's lock before anything else (`one_at_a_time`),
so cron may start them on every app server at once. A run that finds the lock held prints
"<job>: another run holds the job …" and exits 0, having done nothing; the run that holds it does
the work, and a later run finds it done (sent digests and reminders are skipped, rollups and
cases come out the same).

PostgreSQL: a session-level advisory lock, pg_try_advisory_lock(NAMESPACE, the job's number), taken
on a connection of its own and held for the whole run (the run itself commits as it goes, which
would end a transaction-level lock). It is released at the end of the run, or by the server when
the run's process dies and its connection drops: a killed run never leaves the job locked.

SQLite (one machine): an exclusive flock(2) on a file beside the database file,
`<database>.<job>.lock`, released by the kernel when the run ends or its process dies. It holds
between processes on that machine only, which is all SQLite is for. An in-memory database belongs
to one process: nothing to lock.

Delivery rows carry a unique `once_key` besides (models.messaging): even a run that bypassed the
lock could not record a digest or reminder twice.
"""

from __future__ import annotations

import fcntl
import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import click
from sqlalchemy import text

from quizapp.extensions import db

NAMESPACE = 0x717A  # "qz": the first key of quizapp's advisory locks, apart from any other program's
JOBS = {"rollup": 1, "supervise": 2, "remind": 3, "digest": 4, "retention": 5, "partitions": 6}


def held_message(job: str) -> str:
    return (f"{job}: another run holds the job (on this server or another); this run did nothing. "
            "Nothing to do: the run holding it does the work.")


@contextmanager
def exclusive(job: str) -> Iterator[bool]:
    """Hold `job`'s lock for the block if no other run holds it: yields True, or False (at once,
    without waiting) when another run holds it."""
    number = JOBS[job]
    engine = db.engine
    if engine.dialect.name == "postgresql":
        with engine.connect() as conn:
            mine = bool(conn.execute(text("SELECT pg_try_advisory_lock(:ns, :job)"),
                                     {"ns": NAMESPACE, "job": number}).scalar())
            conn.commit()  # the lock is the session's: no transaction stays open while the job runs
            try:
                yield mine
            finally:
                if mine:
                    conn.execute(text("SELECT pg_advisory_unlock(:ns, :job)"), {"ns": NAMESPACE, "job": number})
                    conn.commit()
        return
    path = engine.url.database or ""
    if engine.dialect.name != "sqlite" or path in ("", ":memory:") or "mode=memory" in str(engine.url):
        yield True
        return
    with open(f"{path}.{job}.lock", "a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            mine = False
        else:
            mine = True
        try:
            yield mine
        finally:
            if mine:
                fcntl.flock(handle, fcntl.LOCK_UN)


def one_at_a_time(job: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """For a click command (inside `with_appcontext`): run it holding `job`'s lock, or say that
    another run holds it and return (exit status 0)."""
    def wrap(command: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(command)
        def run(*args: Any, **kwargs: Any) -> Any:
            with exclusive(job) as mine:
                if not mine:
                    click.echo(held_message(job))
                    return None
                return command(*args, **kwargs)
        return run
    return wrap
