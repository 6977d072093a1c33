"""Database connection settings that SQLAlchemy URLs cannot carry, and the one dialect-specific
statement quizapp needs (an upsert)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import event
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


def upsert(model, dialect: str | None = None):
    """INSERT ... ON CONFLICT for the current database (SQLite and PostgreSQL both have it)."""
    dialect = dialect or db.session.get_bind().dialect.name
    return (postgresql.insert if dialect == "postgresql" else sqlite.insert)(model)


def register(app: Flask) -> None:
    with app.app_context():
        engine = db.engine
        if engine.dialect.name == "sqlite" and not event.contains(engine, "connect", _sqlite_pragmas):
            event.listen(engine, "connect", _sqlite_pragmas)
