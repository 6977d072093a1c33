"""The security trail: roster edits and imports, incident edits and deletions, supervision cases
opened and closed are in the audit log, naming workers by record id only (the town admin reads
the log and sees neither names nor employee numbers); every action the code writes has a label and is described in
docs/admin.md."""

import ast
import json
import re
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import select

from quizapp.audit.wording import ACTION_LABELS
from quizapp.extensions import db
from quizapp.incidents import service as incidents
from quizapp.incidents.service import IncidentInput
from quizapp.models import AuditLog, Employee, StaffUser
from quizapp.roster import service as roster
from quizapp.supervision import service as supervision

ROOT = Path(__file__).resolve().parents[2]
TODAY = date(2026, 11, 24)
NOW = datetime(2026, 11, 24, 1, 0)


def staff(username: str) -> StaffUser:
    return db.session.scalar(select(StaffUser).where(StaffUser.username == username))


def trail(prefix: str) -> list[tuple[str, dict, int | None]]:
    return [(r.action, json.loads(r.detail), r.actor_id) for r in db.session.scalars(
        select(AuditLog).where(AuditLog.action.like(prefix + "%")).order_by(AuditLog.id))]


@pytest.mark.usefixtures("ctx")
def test_roster_edits_and_imports_are_in_the_trail_without_names(town):
    actor = staff("staff-a")
    added = roster.save_worker(actor, None, {"employee_no": "A300", "name": "新人甲", "team": "一车间",
                                             "shift": "早班", "active_from": None})
    roster.save_worker(actor, added, {"employee_no": "A300", "name": "新人甲", "team": "二车间", "shift": "早班",
                                      "active_from": None})
    roster.save_worker(actor, added, {"employee_no": "A300", "name": "新人甲", "team": "二车间", "shift": "早班",
                                      "active_from": None})  # nothing changed: no row
    worker = db.session.get(Employee, town.worker_a)
    roster.set_active(actor, worker, False, TODAY)
    roster.set_active(actor, worker, True, TODAY)
    roster.sign_out_everywhere(actor, worker)
    data = "工号,姓名,班组,班次\nA001,王小明,三车间,早班\nA400,新人乙,一车间,早班\n".encode("utf-8-sig")
    record = roster.start_import(actor, "花名册.csv", data, NOW)
    roster.apply_import(actor, record.id, roster.plan_for(record).fingerprint(), True, TODAY, NOW,
                        confirm_most=True)  # 2 of the 3 active workers: the second tick
    rows = trail("roster.")
    assert [(action, detail) for action, detail, _ in rows] == [
        ("roster.worker.add", {"company": "acme", "worker": added.id}),
        ("roster.worker.update", {"company": "acme", "worker": added.id, "changed": ["team"]}),
        ("roster.worker.deactivate", {"company": "acme", "worker": worker.id}),
        ("roster.worker.reactivate", {"company": "acme", "worker": worker.id}),
        ("roster.worker.sign_out", {"company": "acme", "worker": worker.id}),
        ("roster.import", {"company": "acme", "filename": "花名册.csv", "added": 1, "changed": 1, "deactivated": 2}),
    ]
    assert {actor_id for _, _, actor_id in rows} == {actor.id}
    assert not re.search("王小明|新人|A001|A300|A400", json.dumps([d for _, d, _ in rows], ensure_ascii=False))


@pytest.mark.usefixtures("ctx")
def test_incident_records_created_changed_and_deleted_are_in_the_trail(town):
    officer = staff("officer-1")
    record = incidents.save_incident(officer, TODAY, IncidentInput(town.company_a, None, date(2026, 10, 1), "alpha", 2,
                                                                   Decimal("1500.50"), "a note"))
    incidents.save_incident(officer, TODAY, IncidentInput(town.company_a, None, date(2026, 10, 1), "alpha", 3,
                                                          Decimal("1500.50"), "a note"), record)
    incidents.delete_incident(officer, record)
    rows = trail("incident.")
    assert [action for action, _, _ in rows] == ["incident.create", "incident.update", "incident.delete"]
    assert rows[0][1] == {"id": record.id, "grid": "g1", "company": "acme", "month": "2026-10",
                          "fraud_type": "alpha", "cases": 2, "loss_yuan": "1500.50", "raw_reports": 0,
                          "note": True}
    assert rows[1][1] == {"id": record.id, "changed": ["cases"], "cases": {"old": 2, "new": 3}}
    assert rows[2][1]["cases"] == 3 and "a note" not in json.dumps([d for _, d, _ in rows])
    assert all(actor_id == officer.id for _, _, actor_id in rows)


@pytest.mark.usefixtures("ctx")
def test_supervision_cases_opened_and_closed_are_in_the_trail(town):
    officer = staff("officer-1")
    case = supervision.open_case(officer, town.company_a, "Complaints from workers", TODAY)
    supervision.add_follow_up(officer, case, "visit", TODAY, "HR", "", "", TODAY)  # a case closes after one
    supervision.close_case(officer, case, "Talked with the manager", TODAY)
    supervision.reopen_case(officer, case, "Complaints again", TODAY)
    assert trail("supervision.case") == [
        ("supervision.case.open", {"case": case.id, "company": "acme", "rule": "manual"}, officer.id),
        ("supervision.case.close", {"case": case.id, "company": "acme", "rule": "manual"}, officer.id),
        ("supervision.case.reopen", {"case": case.id, "company": "acme", "rule": "manual"}, officer.id)]


def written_actions() -> set[str]:
    """Every action code the package writes with audit.record(actor, "<code>", …) or
    audit.record_repeated (failed sign-ins)."""
    found = set()
    for path in (ROOT / "quizapp").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                    and node.func.attr in ("record", "record_repeated")
                    and len(node.args) >= 2):
                for arg in ast.walk(node.args[1]):
                    if isinstance(arg, ast.Constant) and isinstance(arg.value, str) and re.fullmatch(r"[a-z_.]+",
                                                                                                   arg.value):
                        found.add(arg.value)
    return found


def test_every_action_written_has_a_label_and_is_described_in_the_admin_guide():
    written = written_actions()
    assert {"signin.staff.failed", "signin.failed", "roster.import", "incident.delete",
            "supervision.case.close"} <= written
    assert written - set(ACTION_LABELS) == set()
    guide = (ROOT / "docs" / "admin.md").read_text(encoding="utf-8")
    assert sorted(code for code in ACTION_LABELS if f"`{code}`" not in guide) == []
