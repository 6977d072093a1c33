"""Migration 0031 (towns): a single-town installation upgrades into a city with one town, losing
nothing: its grids, accounts, settings (the common-set secret among them), API tokens, alerts and
audit rows all belong to that town afterwards; a grid's code is unique within its town from then
on; the downgrade puts the one-town schema back with every row, and refuses once there are two
towns or a city admin. Runs on SQLite and, in the test command's second pass, on PostgreSQL."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import func, select, text
from sqlalchemy.exc import IntegrityError

from quizapp.alerts import service as alerts
from quizapp.extensions import db
from quizapp.models import (
    Alert,
    ApiToken,
    AuditLog,
    City,
    Grid,
    StaffUser,
    Topic,
    Town,
    TownSetting,
)
from quizapp.quiz.service import TOWN_SEED_KEY, town_seed
from tests.alerts import drafts
from tests.factories import make_grid, make_staff, make_town_row

DAY = date(2026, 11, 24)


def _count(table: str, where: str = "") -> int:
    return db.session.scalar(text(f"SELECT count(*) FROM {table} {where}"))


@pytest.fixture
def installation(app, town):
    """The `town` fixture's town with a draft alert, downgraded to 0030 (one town, no city), and
    then given what an installation of that time kept: settings, an API token, audit rows."""
    with app.app_context():
        officer = db.session.scalar(select(StaffUser).where(StaffUser.username == "officer-1"))
        grid_id = officer.grids[0].id
        alerts.save_draft(officer, drafts.draft(), alerts.Target(db.session.scalar(select(Topic.id)), [grid_id], DAY),
                          DAY, datetime(2026, 11, 24, 9))
        db.session.commit()
        db.session.remove()  # no transaction of the test may hold a table the migration copies
        downgrade(revision="0030")
        try:
            db.session.execute(text("INSERT INTO town_setting (key, value) VALUES "
                                    "('town_seed', '{\"seed\": \"old-secret\"}'), "
                                    "('participation_target', '{\"share\": 0.9}')"))
            db.session.execute(text("INSERT INTO api_token (name, token_hash, hint, created_at) "
                                    "VALUES ('analysis', :h, 'abcd', '2026-11-01 08:00:00')"), {"h": "a" * 64})
            db.session.execute(text("INSERT INTO audit_log (action, detail, times, at) "
                                    "VALUES ('export.dashboard', '{}', 1, '2026-11-02 08:00:00')"))
            db.session.commit()
            assert "town" not in db.inspect(db.engine).get_table_names()
        finally:
            db.session.remove()
            upgrade()
    return town


def test_a_single_town_installation_becomes_a_city_with_one_town_losing_nothing(app, installation):
    with app.app_context():
        (city,) = db.session.scalars(select(City)).all()
        (town,) = db.session.scalars(select(Town)).all()
        assert (city.name, town.code, town.name, town.city_id) == ("本市", "town-1", "本镇", city.id)
        for table in ("grid", "staff_user", "town_setting", "api_token", "audit_log", "alert"):
            assert _count(table) > 0, table
            assert _count(table, f"WHERE town_id = {town.id}") == _count(table), table
        settings = {s.key: s.value for s in db.session.scalars(select(TownSetting))}
        assert settings == {"town_seed": {"seed": "old-secret"}, "participation_target": {"share": 0.9}}
        # The town's common sets go on as before the upgrade: the same secret, now the town's.
        assert town_seed(None, installation.company_a) == "old-secret"
        assert db.session.get(TownSetting, (town.id, TOWN_SEED_KEY)).value == {"seed": "old-secret"}
        assert db.session.scalar(select(ApiToken.town_id)) == town.id
        assert set(db.session.scalars(select(AuditLog.town_id))) == {town.id}
        assert db.session.scalar(select(Alert.town_id)) == town.id
        # New rows get ids past the migrated ones (PostgreSQL's sequences saw no explicit id).
        second = make_town_row("second", "第二镇")
        make_grid("g1", "第二镇网格一", town=second)  # a code the first town has: codes are per town
        db.session.commit()
        assert second.id != town.id and db.session.scalar(select(func.count(Grid.id)).where(Grid.code == "g1")) == 2


def test_a_grid_code_is_unique_within_its_town_and_an_account_needs_a_town(app, installation):
    with app.app_context():
        town_id = db.session.scalar(select(Town.id))
        with pytest.raises(IntegrityError):
            with db.session.begin_nested():
                db.session.add(Grid(code="g1", name="重复", town_id=town_id))
                db.session.flush()
        with pytest.raises(IntegrityError):
            with db.session.begin_nested():
                db.session.execute(text("UPDATE staff_user SET town_id = NULL WHERE username = 'admin'"))
        db.session.rollback()
        make_staff("city", "city_admin")  # the city admin alone has no town
        db.session.commit()


def test_the_downgrade_keeps_every_row_of_one_town_and_refuses_two_towns_or_a_city_admin(app, installation):
    with app.app_context():
        counts = {t: _count(t) for t in ("grid", "staff_user", "town_setting", "api_token", "audit_log", "alert")}
        db.session.remove()
        downgrade(revision="0030")
        try:
            assert {t: _count(t) for t in counts} == counts
            assert db.session.execute(text("SELECT key FROM town_setting ORDER BY key")).scalars().all() == [
                "participation_target", "town_seed"]
        finally:
            db.session.remove()
            upgrade()
        make_town_row("second", "第二镇")
        db.session.commit()
        db.session.remove()
        with pytest.raises(SystemExit):  # Flask-Migrate logs the migration's RuntimeError and exits
            downgrade(revision="0030")
        db.session.remove()
        assert _count("town") == 2  # the refused downgrade changed nothing
        # The later revisions it stepped down through first (0032 and on) come back, as they were.
        upgrade()
        assert "town_day" in db.inspect(db.engine).get_table_names()
