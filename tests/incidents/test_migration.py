"""Migration 0034 (incident key): one record per grid, company (or whole grid), month and fraud
type, held by a unique index. An installation that already holds two records of one key is not
merged unseen: the upgrade stops and names them, and goes through once an officer has merged them.
Runs on SQLite and, in the test command's second pass, on PostgreSQL."""

from __future__ import annotations

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import func, select, text
from sqlalchemy.exc import IntegrityError

from quizapp.extensions import db
from quizapp.models import Grid, Incident

INSERT = text("INSERT INTO incident (grid_id, company_id, month, fraud_type, cases, raw_reports, loss_yuan) "
              "VALUES (:grid, :company, '2026-10-01', 'alpha', :cases, 0, 0)")


def test_an_upgrade_over_two_records_of_one_key_stops_and_names_them_until_they_are_merged(app, town, capfd):
    with app.app_context():
        g1 = db.session.scalar(select(Grid.id).where(Grid.code == "g1"))
        db.session.remove()  # no transaction of the test may hold the table the migration indexes
        downgrade(revision="0033")
        try:
            for cases in (1, 2):  # a whole grid's record, twice: as two racing confirmations left it
                db.session.execute(INSERT, {"grid": g1, "company": None, "cases": cases})
            db.session.execute(INSERT, {"grid": g1, "company": town.company_a, "cases": 3})
            db.session.commit()
            db.session.remove()
            with pytest.raises(SystemExit):  # `quizapp db upgrade` exits 1 with the message (Flask-Migrate)
                upgrade()
            said = capfd.readouterr().err
            assert "1 keys have more than one record" in said
            assert f"grid id {g1}, company id (whole grid), month 2026-10-01, fraud type alpha: 2 records" in said
            db.session.remove()
            # Nothing was changed: both records are there, for the officer to merge.
            assert db.session.scalar(select(func.count(Incident.id)).where(Incident.company_id.is_(None))) == 2
            db.session.execute(text("DELETE FROM incident WHERE company_id IS NULL AND cases = 1"))
            db.session.commit()
        finally:
            db.session.remove()
            upgrade()
        # Merged, it upgrades; from then on the database refuses a second record of a key.
        assert db.session.scalar(select(func.count(Incident.id))) == 2
        for company in (None, town.company_a):
            with pytest.raises(IntegrityError):
                db.session.execute(INSERT, {"grid": g1, "company": company, "cases": 9})
            db.session.rollback()
