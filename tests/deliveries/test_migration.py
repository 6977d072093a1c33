"""Migration 0025 (delivery.once_key): digests and reminders recorded before it get their key from
their payload; should two rows already share one (the old check-then-insert lost a race), the sent
one keeps it and the other stays, keyless; tests get none; the key is unique from then on."""

import json

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from quizapp.extensions import db


def _insert(kind: str, status: str, key: str, company_id=None, staff_user_id=None, channel="webhook") -> int:
    return db.session.execute(text(
        "INSERT INTO delivery (company_id, staff_user_id, kind, channel, target, payload, status, attempts, created_at)"
        " VALUES (:c, :s, :k, :ch, 'x', :p, :st, 1, '2026-11-24 13:00:00') RETURNING id"),
        {"c": company_id, "s": staff_user_id, "k": kind, "ch": channel, "p": json.dumps({"key": key}),
         "st": status}).scalar_one()


def test_old_digests_and_reminders_get_their_key_and_a_lost_race_keeps_the_sent_one(app, town):
    with app.app_context():
        officer = db.session.execute(text("SELECT id FROM staff_user WHERE role = 'grid_officer'")).scalar_one()
        db.session.remove()
        downgrade(revision="0024")
        try:
            pending = _insert("digest", "failed", "digest:2026-11-24", staff_user_id=officer, channel="email")
            sent = _insert("digest", "sent", "digest:2026-11-24", staff_user_id=officer, channel="email")
            webhook = _insert("digest", "sent", "digest:2026-11-24", staff_user_id=officer)
            reminder = _insert("reminder", "sent", "2026-11-24/早班", company_id=town.company_a)
            trial = _insert("digest-test", "sent", "digest-test:2026-11-24T21:00", staff_user_id=officer)
            db.session.commit()
        finally:
            db.session.remove()
            upgrade()
        keys = dict(db.session.execute(text("SELECT id, once_key FROM delivery")).all())
        assert keys == {pending: None, sent: f"digest:2026-11-24/staff {officer}/email",
                        webhook: f"digest:2026-11-24/staff {officer}/webhook",
                        reminder: f"reminder:2026-11-24/早班/company {town.company_a}", trial: None}
        with pytest.raises(IntegrityError):
            db.session.execute(text("UPDATE delivery SET once_key = :k WHERE id = :id"),
                               {"k": keys[sent], "id": pending})
        db.session.rollback()
