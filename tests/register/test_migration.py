"""Migration 0033: the register's kept imports move into town_import with their ids (the preview
pages' addresses stay), in their uploader's town, and new imports number on after them; the
outreach receipts go. Downgrading brings the register's imports back. SQLite and PostgreSQL."""

from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, select, text

from quizapp.clock import utcnow
from quizapp.extensions import db
from quizapp.models import StaffUser, TownImport
from quizapp.register import service as register
from quizapp.rules.vocab import ImportKind, ImportStatus
from tests.factories import first_town

REGISTER = "网格编码,网格名称,企业编码,企业名称,每次题数,工作日,班次,启用\ng1,,acme,甲厂,,,,\n"
OLD = "INSERT INTO register_import (id, created_by, filename, rows, errors, status) VALUES (:id, :by, :name, " \
      "'[{\"grid_code\": \"g9\"}]', '[]', :status)"


def test_the_register_s_imports_move_into_town_import_and_back(app, town):
    with app.app_context():
        admin = db.session.scalar(select(StaffUser.id).where(StaffUser.username == "admin"))
        db.session.remove()  # no transaction of the test may hold a table the migration changes
        downgrade(revision="0032")
        try:
            db.session.execute(text(OLD), {"id": 41, "by": admin, "name": "waiting.csv", "status": "preview"})
            db.session.execute(text(OLD), {"id": 40, "by": admin, "name": "applied.csv", "status": "applied"})
            db.session.execute(text("INSERT INTO outreach_import (nonce, created_by, rows) VALUES ('n1', :by, 3)"),
                               {"by": admin})
            db.session.commit()
        finally:
            db.session.remove()
            upgrade()
        tables = inspect(db.engine).get_table_names()
        assert "town_import" in tables and "register_import" not in tables and "outreach_import" not in tables
        moved = db.session.scalars(select(TownImport).order_by(TownImport.id)).all()
        kept = [{"grid_code": "g9"}]
        assert [(r.id, r.kind, r.town_id, r.created_by, r.filename, r.status, r.rows) for r in moved] == [
            (40, ImportKind.REGISTER, first_town().id, admin, "applied.csv", ImportStatus.APPLIED, kept),
            (41, ImportKind.REGISTER, first_town().id, admin, "waiting.csv", ImportStatus.PREVIEW, kept)]
        # Still the admin's to open, and a new upload numbers on after them.
        actor = db.session.get(StaffUser, admin)
        assert register.find_import(actor, 41) is not None
        assert register.start_import(actor, "new.csv", REGISTER.encode(), utcnow()).id == 42
        db.session.commit()
        db.session.remove()
        downgrade(revision="0032")
        try:
            back = db.session.execute(text("SELECT id, filename FROM register_import ORDER BY id")).all()
            assert [tuple(row) for row in back] == [(40, "applied.csv"), (41, "waiting.csv"), (42, "new.csv")]
        finally:
            db.session.remove()
            upgrade()
