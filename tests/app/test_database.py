"""The SQLite connection settings every connection gets (quizapp/database.py): a shift start's many
processes need WAL, a busy timeout, and pages read through a memory map."""

import pytest
from sqlalchemy import text

from quizapp.database import MMAP_BYTES
from quizapp.extensions import db

pytestmark = pytest.mark.sqlite


def test_every_sqlite_connection_is_set_up_for_many_processes(app):
    with app.app_context():
        pragma = {name: db.session.execute(text(f"PRAGMA {name}")).scalar()
                  for name in ("journal_mode", "synchronous", "busy_timeout", "foreign_keys", "mmap_size")}
    assert pragma == {"journal_mode": "wal", "synchronous": 1, "busy_timeout": 10000, "foreign_keys": 1,
                      "mmap_size": MMAP_BYTES}
