"""Migration 0016 (one failed sign-in trail): old failed staff sign-ins keep their counts (moved to
the row's `times`) when the signin_failure table goes, and old roster.worker.* rows name the worker
by record id instead of their employee number; the downgrade puts both back."""

import json

from flask_migrate import downgrade, upgrade
from sqlalchemy import text

from quizapp.extensions import db


def _detail(row_id: int) -> tuple[dict, int]:
    detail, times = db.session.execute(text("SELECT detail, times FROM audit_log WHERE id = :id"),
                                       {"id": row_id}).one()
    return json.loads(detail), times


def _insert(action: str, detail: dict) -> int:
    return db.session.execute(text("INSERT INTO audit_log (action, detail, times) VALUES (:a, :d, 1) RETURNING id"),
                              {"a": action, "d": json.dumps(detail, sort_keys=True)}).scalar_one()


def test_old_rows_are_carried_over_and_back(app, town):
    with app.app_context():
        db.session.remove()
        downgrade(revision="0015")
        try:
            failed = _insert("signin.staff.failed", {"account": "admin", "address": "10.0.0.9", "failures": 7,
                                                     "window_start": "2026-12-05T08:00", "window_minutes": 10})
            db.session.execute(text("INSERT INTO signin_failure (username, address, window_start, failures, audit_id)"
                                    " VALUES ('admin', '10.0.0.9', '2026-12-05 08:00:00', 7, :id)"), {"id": failed})
            known = _insert("roster.worker.update", {"company": "acme", "employee_no": "A001", "changed": ["team"]})
            gone = _insert("roster.worker.deactivate", {"company": "acme", "employee_no": "A999"})
            db.session.commit()
        finally:
            db.session.remove()
            upgrade()
        assert _detail(failed) == ({"account": "admin", "address": "10.0.0.9", "window_start": "2026-12-05T08:00",
                                    "window_minutes": 10}, 7)
        assert _detail(known)[0] == {"company": "acme", "worker": town.worker_a, "changed": ["team"]}
        assert _detail(gone)[0] == {"company": "acme", "worker": None}
        assert "signin_failure" not in db.inspect(db.engine).get_table_names()
        db.session.remove()
        downgrade(revision="0015")
        try:
            assert _detail(failed) == ({"account": "admin", "address": "10.0.0.9", "failures": 7,
                                        "window_start": "2026-12-05T08:00", "window_minutes": 10}, 1)
            assert _detail(known)[0] == {"company": "acme", "employee_no": "A001", "changed": ["team"]}
            assert db.session.execute(text("SELECT username, failures, audit_id FROM signin_failure")).all() == [
                ("admin", 7, failed)]
        finally:
            db.session.remove()
            upgrade()
