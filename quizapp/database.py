"""Database connection settings that SQLAlchemy URLs cannot carry, the one dialect-specific
statement quizapp needs (an upsert), and how many rows a bulk UPDATE or DELETE changed."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import CursorResult, Executable, event
from sqlalchemy.dialects import postgresql, sqlite

from quizapp.extensions import db

if TYPE_CHECKING:  # services import upsert from here: no Flask at run time
    from flask import Flask


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    # WAL lets readers run while a writer commits; NORMAL sync is durable at checkpoints and
    # far cheaper per commit; the busy timeout makes writers queue instead of failing at a burst.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def rows_changed(statement: Executable) -> int:
    """Run a bulk UPDATE or DELETE in the session and say how many rows it changed."""
    result = db.session.execute(statement)
    if not isinstance(result, CursorResult):  # what SQLAlchemy answers a DML statement with
        raise TypeError(f"not an UPDATE or DELETE: {statement}")
    return result.rowcount


def commit_keeping_loaded() -> None:
    """Commit without expiring what the session has loaded. Only for a request whose loaded objects
    hold what it wrote: Core statements that keep them in step, or ORM changes (flushed as they
    are). The quiz's answer, which then shows a page naming the signed-in worker's company, and a
    worker's sign-in, which then writes the account's id into the session cookie. A plain commit
    would expire the account and its company and read both again (two statements)."""
    session = db.session()
    session.expire_on_commit = False
    try:
        session.commit()
    finally:
        session.expire_on_commit = True


def upsert(model, dialect: str | None = None):
    """INSERT ... ON CONFLICT for the current database (SQLite and PostgreSQL both have it)."""
    dialect = dialect or db.session.get_bind().dialect.name
    return (postgresql.insert if dialect == "postgresql" else sqlite.insert)(model)


def register(app: Flask) -> None:
    with app.app_context():
        engine = db.engine
        if engine.dialect.name == "sqlite" and not event.contains(engine, "connect", _sqlite_pragmas):
            event.listen(engine, "connect", _sqlite_pragmas)
