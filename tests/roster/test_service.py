"""Roster use cases (quizapp.roster.service): an import is a preview until confirmed, then all of
it or none of it; re-imports update by employee number; hand edits; tenant scoping."""

from datetime import date, datetime, time, timedelta

import pytest
from sqlalchemy import func, select

from quizapp.extensions import db
from quizapp.models import Company, Employee, RosterImport, Shift, StaffUser
from quizapp.roster import service
from quizapp.rules.errors import Conflict, Invalid, NotFound, Problems
from quizapp.signin import service as accounts
from tests.factories import make_employee

pytestmark = pytest.mark.usefixtures("ctx")

TODAY = date(2026, 3, 2)
NOW = datetime(2026, 3, 2, 1, 0)


def staff(username="staff-a") -> StaffUser:
    return db.session.scalar(select(StaffUser).where(StaffUser.username == username))


def roster_of(company_id) -> dict[str, Employee]:
    return {e.employee_no: e for e in db.session.scalars(select(Employee).where(Employee.company_id == company_id))}


def csv(*lines: str) -> bytes:
    return ("工号,姓名,班组,班次\n" + "\n".join(lines) + "\n").encode("utf-8-sig")


def preview_and_apply(actor, data, deactivate=False):
    record = service.start_import(actor, "r.csv", data)
    plan = service.apply_import(actor, record.id, service.plan_for(record).fingerprint(), deactivate, TODAY, NOW)
    db.session.commit()
    return record, plan


def test_an_import_is_only_a_preview_until_confirmed(town):
    actor = staff()
    before = roster_of(town.company_a)
    record = service.start_import(actor, "花名册.csv", csv("A001,王小明,二车间,早班", "A100,新员工,一车间,早班", "A101,,一车间,早班"))
    db.session.commit()
    assert (record.status, record.company_id, record.created_by, record.filename) == (
        "preview", town.company_a, actor.id, "花名册.csv")
    assert [r["employee_no"] for r in record.rows] == ["A001", "A100"]
    assert [(e["row"], e["reason"]) for e in record.errors] == [(4, "empty_name")]
    after = roster_of(town.company_a)
    assert set(after) == set(before) and after["A001"].team == "一车间"
    plan = service.plan_for(record)
    assert len(plan.added) == 1 and len(plan.changed) == 1 and [w.employee_no for w in plan.missing] == ["A002"]


def test_applying_adds_updates_and_deactivates_the_missing_when_asked(town):
    actor = staff()
    record, plan = preview_and_apply(actor, csv("A001,王小明,二车间,晚班", "A100,新员工,一车间,早班"), deactivate=True)
    workers = roster_of(town.company_a)
    assert workers["A001"].team == "二车间" and workers["A001"].shift == "晚班"
    assert workers["A001"].pin_hash is not None  # an update keeps the PIN
    assert workers["A100"].active and workers["A100"].company_id == town.company_a
    assert not workers["A002"].active and workers["A002"].active_until == TODAY
    assert (record.status, record.applied_at) == ("applied", NOW)


def test_missing_workers_stay_unless_asked(town):
    preview_and_apply(staff(), csv("A001,王小明,一车间,早班"), deactivate=False)
    assert roster_of(town.company_a)["A002"].active


def test_a_worker_who_reappears_is_reactivated(town):
    actor = staff()
    preview_and_apply(actor, csv("A001,王小明,一车间,早班"), deactivate=True)
    assert not roster_of(town.company_a)["A002"].active
    _, plan = preview_and_apply(actor, csv("A001,王小明,一车间,早班", "A002,张新来,一车间,早班"))
    assert plan.changed[0].reactivates
    again = roster_of(town.company_a)["A002"]
    assert again.active and again.active_until is None


def test_an_import_applies_once_and_a_cancelled_one_never(town):
    actor = staff()
    record, _ = preview_and_apply(actor, csv("A100,新员工,一车间,早班"))
    with pytest.raises(Conflict) as closed:
        service.apply_import(actor, record.id, "anything", False, TODAY, NOW)
    assert (closed.value.code, closed.value.data) == ("roster.import_closed", {"status": "applied", "action": "apply"})
    other = service.start_import(actor, "r.csv", csv("A200,另一个,一车间,早班"))
    fingerprint = service.plan_for(other).fingerprint()
    service.cancel_import(actor, other.id)
    db.session.commit()
    with pytest.raises(Conflict, match="roster.import_closed"):
        service.apply_import(actor, other.id, fingerprint, False, TODAY, NOW)
    with pytest.raises(Conflict) as closed:
        service.cancel_import(actor, other.id)
    assert closed.value.data == {"status": "cancelled", "action": "cancel"}
    assert "A200" not in roster_of(town.company_a)


def test_a_plan_that_changed_since_the_preview_is_not_applied(town):
    actor = staff()
    record = service.start_import(actor, "r.csv", csv("A001,王小明,一车间,早班"))
    db.session.commit()
    seen = service.plan_for(record).fingerprint()
    make_employee(db.session.get(Company, town.company_a), "A050", "刚加的")  # someone adds a worker by hand
    with pytest.raises(Conflict, match="roster.plan_changed"):
        service.apply_import(actor, record.id, seen, True, TODAY, NOW)
    db.session.rollback()
    assert db.session.get(RosterImport, record.id).status == "preview"


def test_all_or_nothing_when_applying_fails_midway(town, monkeypatch):
    actor = staff()
    record = service.start_import(actor, "r.csv", csv("A001,王小明,二车间,早班", "A100,新员工,一车间,早班"))
    db.session.commit()
    fingerprint = service.plan_for(record).fingerprint()

    def broken(change):
        raise RuntimeError("disk full")

    monkeypatch.setattr(service, "_changed_worker", broken)  # fails after the new workers were inserted
    with pytest.raises(RuntimeError):
        service.apply_import(actor, record.id, fingerprint, True, TODAY, NOW)
    db.session.rollback()  # what the error handler does
    workers = roster_of(town.company_a)
    assert "A100" not in workers and workers["A001"].team == "一车间" and workers["A002"].active
    assert db.session.get(RosterImport, record.id).status == "preview"


def test_another_companys_employee_numbers_become_our_own_workers(town):
    # Company B's worker B001 appears in company A's file: A gets its own B001; B's is untouched.
    preview_and_apply(staff("staff-a"), csv("A001,王小明,一车间,早班", f"{town.worker_b_no},同号不同人,一车间,早班"),
                      deactivate=True)
    mine = roster_of(town.company_a)[town.worker_b_no]
    theirs = db.session.get(Employee, town.worker_b)
    assert mine.id != theirs.id and mine.name == "同号不同人"
    assert (theirs.company_id, theirs.name, theirs.active, theirs.team) == (town.company_b, "李小红", True, "一车间")


def test_imports_and_workers_of_another_company_are_not_found(town):
    record = service.start_import(staff("staff-a"), "r.csv", csv("A100,新员工,一车间,早班"))
    other = staff("staff-b")
    assert service.find_import(other, record.id) is None
    assert service.find_worker(other, town.worker_a) is None
    assert service.recent_imports(other) == []
    with pytest.raises(NotFound, match="roster.import_not_found"):
        service.apply_import(other, record.id, service.plan_for(record).fingerprint(), True, TODAY, NOW)
    with pytest.raises(NotFound, match="roster.import_not_found"):
        service.cancel_import(other, record.id)
    assert [w.employee_no for w in service.list_workers(other).workers] == [town.worker_b_no]


def test_shifts_are_checked_once_the_company_has_them(town):
    db.session.add_all([Shift(company_id=town.company_a, name="早班", starts_at=time(8)),
                        Shift(company_id=town.company_a, name="夜班", starts_at=time(20))])
    record = service.start_import(staff(), "r.csv", csv("A001,王小明,一车间,夜班", "A100,新,一车间,中班"))
    assert [(e["row"], e["reason"], e["detail"]) for e in record.errors] == [(3, "unknown_shift", "早班 / 夜班")]


def test_a_bad_file_stores_nothing(town):
    with pytest.raises(service.RosterFileError) as refused:
        service.start_import(staff(), "r.csv", "姓名,电话\n甲,1\n".encode())
    assert refused.value.code == "roster.file.missing_columns"
    assert db.session.scalar(select(func.count(RosterImport.id))) == 0


def test_the_list_searches_filters_and_pages(town):
    company = db.session.get(Company, town.company_a)
    for i in range(130):
        make_employee(company, f"P{i:03d}", f"工人{i}", pin=None, team="二车间" if i % 2 else "一车间",
                      shift="夜班" if i % 3 == 0 else "早班", active=i % 10 != 0)
    actor = staff()
    assert service.list_workers(actor, search="王小明").total == 1
    assert service.list_workers(actor, search="p00").total == 10  # case-insensitive, on the number
    assert service.list_workers(actor, search="100%").total == 0  # wildcards are literal
    page = service.list_workers(actor, team="二车间", shift="夜班")
    assert page.total == len([i for i in range(130) if i % 2 and i % 3 == 0])
    assert service.list_workers(actor, status="inactive").total == 13
    first, last = service.list_workers(actor), service.list_workers(actor, page=99)
    assert (first.total, first.pages, len(first.workers)) == (132, 2, 100)
    assert (last.page, len(last.workers)) == (2, 32)
    assert first.teams == ["一车间", "二车间"] and first.shifts == ["夜班", "早班"]


def test_adding_and_editing_a_worker_by_hand(town):
    actor = staff()
    added = service.save_worker(actor, None, {"employee_no": "Ａ300", "name": " 新人 ", "team": "一车间",
                                              "shift": "早班", "active_from": date(2026, 3, 1)})
    assert (added.employee_no, added.name, added.active_from) == ("A300", "新人", date(2026, 3, 1))
    assert added.active and added.company_id == town.company_a and added.pin_hash is None
    with pytest.raises(Problems) as refused:
        service.save_worker(actor, added, {"employee_no": "A001", "name": "", "team": "=cmd", "shift": "",
                                           "active_from": None})
    assert sorted((p.field, p.code) for p in refused.value.problems) == [
        ("employee_no", "roster.row.taken"), ("name", "roster.row.empty_name"), ("team", "roster.row.formula")]
    assert added.employee_no == "A300" and added.team == "一车间"  # nothing changed
    db.session.add_all([Shift(company_id=town.company_a, name="早班", starts_at=time(8)),
                        Shift(company_id=town.company_a, name="夜班", starts_at=time(20))])
    with pytest.raises(Invalid) as refused:
        service.save_worker(actor, added, {"employee_no": "A301", "name": "新人", "team": "二车间", "shift": "午班",
                                           "active_from": None})
    assert (refused.value.field, refused.value.code, refused.value.data) == (
        "shift", "roster.row.unknown_shift", {"value": "午班", "detail": "早班 / 夜班"})
    edited = service.save_worker(actor, added, {"employee_no": "A301", "name": "新人", "team": "二车间",
                                                "shift": "早班", "active_from": None})
    assert (edited.employee_no, edited.team) == ("A301", "二车间")
    # Another company's employee number is free for us.
    other = service.save_worker(actor, None, {"employee_no": town.worker_b_no, "name": "乙", "team": "",
                                              "shift": "", "active_from": None})
    assert other.company_id == town.company_a


def test_deactivate_reactivate_and_reset_pin(town):
    worker = db.session.get(Employee, town.worker_a)
    service.set_active(worker, False, TODAY)
    assert not worker.active and worker.active_until == TODAY
    service.set_active(worker, True, TODAY)
    assert worker.active and worker.active_until is None
    worker.pin_failures, worker.locked_until = 3, NOW + timedelta(minutes=10)
    service.reset_pin(worker)
    assert (worker.pin_hash, worker.pin_failures, worker.locked_until) == (None, 0, None)
    # The worker then takes the first-time path: name and a new PIN.
    assert accounts.verify_pin(worker, "2468", NOW).error == "no_pin"
    assert accounts.register_pin(worker, "王小明", "1357", NOW).account is worker
