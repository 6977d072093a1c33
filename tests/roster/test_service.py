"""Roster use cases (quizapp.roster.service): an import is a preview until confirmed, then all of
it or none of it; re-imports update by employee number; hand edits; tenant scoping."""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from quizapp.extensions import db
from quizapp.models import Company, Employee, RosterImport, Shift, StaffUser
from quizapp.previews import service as previews
from quizapp.retention.service import purge_town
from quizapp.roster import service
from quizapp.rules.errors import Conflict, Invalid, NotFound, Problems
from quizapp.rules.vocab import ImportStatus
from quizapp.signin import workers
from tests.factories import first_town, make_company, make_employee, make_grid, make_staff, make_town_row

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
    record = service.start_import(actor, "r.csv", data, NOW)
    plan = service.apply_import(actor, record.id, service.plan_for(record).fingerprint(), deactivate, TODAY, NOW)
    db.session.commit()
    return record, plan


def test_an_import_is_only_a_preview_until_confirmed(town):
    actor = staff()
    before = roster_of(town.company_a)
    record = service.start_import(actor, "花名册.csv",
                                  csv("A001,王小明,二车间,早班", "A100,新员工,一车间,早班", "A101,,一车间,早班"), NOW)
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
    other = service.start_import(actor, "r.csv", csv("A200,另一个,一车间,早班"), NOW)
    fingerprint = service.plan_for(other).fingerprint()
    service.cancel_import(actor, other.id, NOW)
    db.session.commit()
    with pytest.raises(Conflict, match="roster.import_closed"):
        service.apply_import(actor, other.id, fingerprint, False, TODAY, NOW)
    with pytest.raises(Conflict) as closed:
        service.cancel_import(actor, other.id, NOW)
    assert closed.value.data == {"status": "cancelled", "action": "cancel"}
    assert "A200" not in roster_of(town.company_a)


# --- what an import keeps of its file once it can no longer be applied (docs/privacy.md) ----------

def stored(record_id: int) -> RosterImport:
    """The import as the database holds it now, not as this session loaded it."""
    db.session.expire_all()
    return db.session.get(RosterImport, record_id)


def test_applying_empties_the_import_s_rows_and_problems_and_keeps_its_record(town):
    actor = staff()
    record = service.start_import(actor, "花名册.csv", csv("A100,新员工,一车间,早班", "A101,,一车间,早班"), NOW)
    db.session.commit()
    assert stored(record.id).rows and stored(record.id).errors  # the names, while it is a preview
    plan = service.apply_import(actor, record.id, service.plan_for(record).fingerprint(), False, TODAY, NOW)
    db.session.commit()
    assert [row["employee_no"] for row in plan.added] == ["A100"] and "A100" in roster_of(town.company_a)
    applied = stored(record.id)
    assert (applied.rows, applied.errors) == ([], [])
    assert (applied.status, applied.filename, applied.created_by, applied.created_at, applied.applied_at) == (
        ImportStatus.APPLIED, "花名册.csv", actor.id, NOW, NOW)
    # A second confirmation of the emptied import: "already applied", never an empty import.
    with pytest.raises(Conflict) as closed:
        service.apply_import(actor, record.id, plan.fingerprint(), True, TODAY, NOW)
    assert closed.value.data == {"status": "applied", "action": "apply"}
    assert roster_of(town.company_a)["A001"].active  # nothing deactivated by an empty file


def test_cancelling_empties_the_import_s_rows_and_keeps_its_record(town):
    actor = staff()
    record = service.start_import(actor, "r.csv", csv("A200,另一个,一车间,早班"), NOW)
    fingerprint = service.plan_for(record).fingerprint()
    service.cancel_import(actor, record.id, NOW)
    db.session.commit()
    cancelled = stored(record.id)
    assert (cancelled.rows, cancelled.errors, cancelled.status, cancelled.filename, cancelled.applied_at) == (
        [], [], ImportStatus.CANCELLED, "r.csv", None)
    with pytest.raises(Conflict) as closed:
        service.apply_import(actor, record.id, fingerprint, False, TODAY, NOW)
    assert (closed.value.code, closed.value.data) == ("roster.import_closed",
                                                      {"status": "cancelled", "action": "apply"})
    assert "A200" not in roster_of(town.company_a)


def test_a_refused_confirmation_keeps_the_preview_and_its_rows(town):
    """Refused before it is claimed (the roster changed since the preview): nothing is emptied."""
    actor = staff()
    record = service.start_import(actor, "r.csv", csv("A001,王小明,二车间,早班"), NOW)
    with pytest.raises(Conflict, match="roster.plan_changed"):
        service.apply_import(actor, record.id, "not the plan seen", False, TODAY, NOW)
    kept = stored(record.id)
    assert kept.status == ImportStatus.PREVIEW and kept.rows


def test_a_preview_past_the_keeping_time_has_expired_and_the_town_s_retention_empties_it(town):
    actor = staff()
    old = service.start_import(actor, "old.csv", csv("A100,新员工,一车间,早班"), NOW)
    young = service.start_import(actor, "young.csv", csv("A101,新员工二,一车间,早班"), NOW + timedelta(hours=1))
    humen = make_company(make_grid("h1", "虎门网格", town=make_town_row("hm", "虎门镇")), "hm-co", "虎门厂")
    elsewhere = service.start_import(make_staff("staff-hm", "company_staff", company=humen), "hm.csv",
                                     csv("H001,陈一,一车间,早班"), NOW)
    db.session.commit()
    fingerprint = service.plan_for(old).fingerprint()
    late = NOW + previews.MAX_AGE + timedelta(seconds=1)
    with pytest.raises(Conflict) as expired:
        service.apply_import(actor, old.id, fingerprint, False, TODAY, late)
    assert (expired.value.code, expired.value.data) == ("roster.import_expired", {"hours": 2})

    result = purge_town(first_town().id, TODAY, 12, ZoneInfo("Asia/Shanghai"), late)
    db.session.commit()
    assert result.imports_emptied == 1 and result.roster_imports == 0
    emptied = stored(old.id)
    assert (emptied.rows, emptied.errors, emptied.status, emptied.filename) == ([], [], ImportStatus.PREVIEW,
                                                                                "old.csv")
    assert stored(young.id).rows and stored(elsewhere.id).rows  # younger, and the other town's run's
    # Its confirmation still says "expired: upload again", even by a clock that makes it young.
    for now in (late, NOW):
        with pytest.raises(Conflict, match="roster.import_expired"):
            service.apply_import(actor, old.id, fingerprint, True, TODAY, now)
    assert "A100" not in roster_of(town.company_a) and roster_of(town.company_a)["A001"].active
    service.apply_import(actor, young.id, service.plan_for(young).fingerprint(), False, TODAY, late)
    assert "A101" in roster_of(town.company_a)


def test_a_plan_that_changed_since_the_preview_is_not_applied(town):
    actor = staff()
    record = service.start_import(actor, "r.csv", csv("A001,王小明,一车间,早班"), NOW)
    db.session.commit()
    seen = service.plan_for(record).fingerprint()
    make_employee(db.session.get(Company, town.company_a), "A050", "刚加的")  # someone adds a worker by hand
    with pytest.raises(Conflict, match="roster.plan_changed"):
        service.apply_import(actor, record.id, seen, True, TODAY, NOW)
    db.session.rollback()
    assert db.session.get(RosterImport, record.id).status == "preview"


def test_all_or_nothing_when_applying_fails_midway(town, monkeypatch):
    actor = staff()
    record = service.start_import(actor, "r.csv", csv("A001,王小明,二车间,早班", "A100,新员工,一车间,早班"), NOW)
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
    record = service.start_import(staff("staff-a"), "r.csv", csv("A100,新员工,一车间,早班"), NOW)
    other = staff("staff-b")
    assert service.find_import(other, record.id) is None
    assert service.find_worker(other, town.worker_a) is None
    assert service.recent_imports(other) == []
    with pytest.raises(NotFound, match="roster.import_not_found"):
        service.apply_import(other, record.id, service.plan_for(record).fingerprint(), True, TODAY, NOW)
    with pytest.raises(NotFound, match="roster.import_not_found"):
        service.cancel_import(other, record.id, NOW)
    assert [w.employee_no for w in service.list_workers(other).workers] == [town.worker_b_no]


def test_shifts_are_checked_once_the_company_has_them(town):
    db.session.add_all([Shift(company_id=town.company_a, name="早班", starts_at=time(8)),
                        Shift(company_id=town.company_a, name="夜班", starts_at=time(20))])
    record = service.start_import(staff(), "r.csv", csv("A001,王小明,一车间,夜班", "A100,新,一车间,中班"), NOW)
    assert [(e["row"], e["reason"], e["detail"]) for e in record.errors] == [(3, "unknown_shift", "早班 / 夜班")]


def test_an_old_preview_is_refused_once_its_shift_was_renamed_and_nothing_is_applied(town):
    from quizapp.settings.service import SettingsChange, ShiftRow, settings_of, update_settings

    actor = staff()
    db.session.add_all([Shift(company_id=town.company_a, name="早班", starts_at=time(8)),
                        Shift(company_id=town.company_a, name="夜班", starts_at=time(20))])
    db.session.commit()
    record = service.start_import(actor, "r.csv", csv("NEW70001,新员工,一车间,早班", "NEW70002,夜班的,一车间,夜班",
                                                      "A001,王小明,二车间,早班"), NOW)
    db.session.commit()
    seen = service.plan_for(record).fingerprint()
    company, shifts = settings_of(actor)  # the staff member renames 早班 to 白班 in the settings
    update_settings(actor, SettingsChange(company.name, company.questions_per_quiz, company.workdays,
                                          [ShiftRow(s.id, "白班" if s.name == "早班" else s.name, s.starts_at)
                                           for s in shifts], None, company.remind_minutes), TODAY)
    db.session.commit()
    before = {no: (e.team, e.shift) for no, e in roster_of(town.company_a).items()}
    with pytest.raises(Conflict) as refused:
        service.apply_import(actor, record.id, seen, True, TODAY, NOW)
    assert (refused.value.code, refused.value.data) == ("roster.shifts_changed", {"rows": 2})
    db.session.rollback()
    # All or none: not even the 夜班 worker, whose shift is still there.
    assert {no: (e.team, e.shift) for no, e in roster_of(town.company_a).items()} == before
    assert db.session.get(RosterImport, record.id).status == "preview"
    plan = service.plan_for(record)  # the preview, shown again, says which rows and why
    assert [(p["row"], p["reason"], p["value"]) for p in plan.stale] == [(2, "shift_gone", "早班"),
                                                                          (4, "shift_gone", "早班")]
    with pytest.raises(Conflict, match="roster.shifts_changed"):
        service.apply_import(actor, record.id, plan.fingerprint(), True, TODAY, NOW)


def test_a_bad_file_stores_nothing(town):
    with pytest.raises(service.RosterFileError) as refused:
        service.start_import(staff(), "r.csv", "姓名,电话\n甲,1\n".encode(), NOW)
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
    assert first.teams == ["一车间", "二车间"] and first.shifts == ["早班", "夜班"]  # in the order of the day


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
    # The same number in another case or width is the same worker: taken.
    with pytest.raises(Invalid) as refused:
        service.save_worker(actor, None, {"employee_no": "ａ001", "name": "乙", "team": "一车间", "shift": "早班",
                                          "active_from": None})
    assert (refused.value.field, refused.value.code) == ("employee_no", "roster.row.taken")
    # Another company's employee number is free for us.
    other = service.save_worker(actor, None, {"employee_no": town.worker_b_no, "name": "乙", "team": "一车间",
                                              "shift": "夜班", "active_from": None})
    assert other.company_id == town.company_a


def test_a_worker_added_by_hand_needs_a_team_and_a_shift_as_a_file_s_new_row_does(town):
    actor = staff()
    with pytest.raises(Problems) as refused:
        service.save_worker(actor, None, {"employee_no": "A300", "name": "新人", "team": " ", "shift": "",
                                          "active_from": None})
    assert sorted((p.field, p.code) for p in refused.value.problems) == [
        ("shift", "roster.row.new_without_shift"), ("team", "roster.row.new_without_team")]
    # One problem per field: a team refused for itself is not also said to be blank.
    with pytest.raises(Invalid) as one:
        service.save_worker(actor, None, {"employee_no": "A300", "name": "新人", "team": "=cmd", "shift": "早班",
                                          "active_from": None})
    assert (one.value.field, one.value.code) == ("team", "roster.row.formula")
    assert db.session.scalar(select(Employee.id).where(Employee.employee_no == "A300")) is None
    # Editing a worker on the roster may leave them empty, as a file's clear marker may (roster.rules).
    worker = db.session.get_one(Employee, town.worker_a)
    service.save_worker(actor, worker, {"employee_no": worker.employee_no, "name": worker.name, "team": "",
                                        "shift": "", "active_from": None})
    assert (worker.team, worker.shift) == ("", "")


def test_deactivate_reactivate_and_reset_pin(town):
    worker = db.session.get(Employee, town.worker_a)
    service.set_active(staff(), worker, False, TODAY)
    assert not worker.active and worker.active_until == TODAY
    service.set_active(staff(), worker, True, TODAY)
    assert worker.active and worker.active_until is None
    worker.pin_failures, worker.locked_until = 3, NOW + timedelta(minutes=10)
    db.session.flush()
    code = service.reset_pin(staff(), worker, NOW)
    assert (worker.pin_hash, worker.pin_failures, worker.locked_until) == (None, 0, None)
    assert worker.setup_code_expires == NOW + timedelta(days=14) and code not in worker.setup_code_hash
    service.sign_out_everywhere(staff(), worker)
    assert worker.session_generation == 4  # each of the four ended every session the worker had
    # The worker then sets a new PIN with the code, not with the old PIN.
    assert workers.sign_in(worker.company, "A001", "2468", [worker.id], "10.0.0.1", NOW).refusal == "no_pin"
    assert workers.set_up(worker.company, "A001", code, "1357", [], "10.0.0.1", NOW).employee is worker


# --- blank cells, the clear marker, and apply = preview ---------------------------------------------

OPTIONAL = ("team", "shift", "active_from")
VALUES = {"team": ["一车间", "二车间", "包装组"], "shift": ["早班", "晚班"],
          "active_from": [date(2024, 3, 1), date(2025, 10, 31), date(2026, 12, 1)]}
EMPTY = {"team": "", "shift": "", "active_from": None}


def _cell_text(value) -> str:
    return value.isoformat() if isinstance(value, date) else value


@st.composite
def re_imports(draw):
    """Workers on the roster, and a file naming some of them and some new ones, each optional cell
    blank, the clear marker, or a value (which may be the one the roster has)."""
    existing = [{"no": f"W{i:02d}", "name": draw(st.sampled_from(["王一", "李二"])),
                 **{f: draw(st.sampled_from([EMPTY[f], *VALUES[f]])) for f in OPTIONAL},
                 "active": draw(st.booleans())} for i in range(draw(st.integers(0, 6)))]
    numbers = draw(st.lists(st.sampled_from([w["no"] for w in existing] + ["N01", "N02", "N03"]), unique=True,
                            max_size=9))
    rows = []
    for no in numbers:
        cells = {}
        for f in OPTIONAL:
            kind = draw(st.sampled_from(["blank", "marker", "value"]))
            cells[f] = ("value", draw(st.sampled_from(VALUES[f]))) if kind == "value" else (kind, None)
        rows.append({"no": no, "name": draw(st.sampled_from(["王一", "李二"])), "cells": cells})
    return existing, draw(st.booleans()), rows


def _file(rows, with_start: bool) -> bytes:
    columns = OPTIONAL if with_start else OPTIONAL[:2]
    lines = [",".join(["工号", "姓名", "班组", "班次", "入职日期"][:2 + len(columns)])]
    for r in rows:
        cells = [_cell_text(value) if kind == "value" else {"blank": "", "marker": "清空"}[kind]
                 for kind, value in (r["cells"][f] for f in columns)]
        lines.append(",".join([r["no"], r["name"], *cells]))
    return ("\n".join(lines) + "\n").encode("utf-8-sig")


def _snapshot(company_id) -> dict[str, dict]:
    return {e.employee_no: {"name": e.name, "team": e.team, "shift": e.shift, "active_from": e.active_from,
                            "active": e.active}
            for e in roster_of(company_id).values() if e.employee_no[0] in "WN"}


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(re_imports())
def test_apply_writes_exactly_what_the_preview_listed_for_every_column(town, case):
    existing, with_start, rows = case
    actor = staff()
    try:
        for w in existing:
            db.session.add(Employee(company_id=town.company_a, employee_no=w["no"], name=w["name"], team=w["team"],
                                    shift=w["shift"], active_from=w["active_from"], active=w["active"]))
        db.session.flush()
        before = _snapshot(town.company_a)
        if not rows:
            return
        record = service.start_import(actor, "r.csv", _file(rows, with_start), NOW)
        assert record.errors == []
        plan = service.plan_for(record)
        service.apply_import(actor, record.id, plan.fingerprint(), False, TODAY, NOW)
        after = _snapshot(town.company_a)

        # What apply wrote is the roster as it was with the preview's changes, and nothing else.
        listed = {c.current.employee_no: c.fields for c in plan.changed}
        for no, was in before.items():
            expected = dict(was)
            for name, old, new in listed.get(no, []):
                assert expected[name] == old
                expected[name] = new
            assert after[no] == expected, no
        added = {r["employee_no"]: r for r in plan.added}
        assert set(after) == set(before) | set(added)

        # And the preview is what the file says: blank keeps, the marker empties (listed as emptied),
        # a value is written; a new worker's blank or marked cell is empty.
        left_out = {p["employee_no"] for p in plan.incomplete}
        for r in rows:
            no = r["no"]
            if no not in before:  # a new worker: added only with both a team and a shift (NEEDED_FOR_NEW)
                filled_in = all(r["cells"][f][0] == "value" for f in ("team", "shift"))
                assert (no in added, no in left_out) == (filled_in, not filled_in), no
                if not filled_in:
                    assert no not in after
                    continue
            changed = {name: new for name, _old, new in listed.get(no, [])}
            emptied = next((c.emptied for c in plan.changed if c.current.employee_no == no), [])
            for f in OPTIONAL:
                kind, value = r["cells"][f] if with_start or f != "active_from" else ("blank", None)
                if no in added:
                    assert after[no][f] == (value if kind == "value" else EMPTY[f])
                    continue
                want = {"blank": before[no][f], "marker": EMPTY[f], "value": value}[kind]
                assert after[no][f] == want, (no, f, kind)
                assert (f in changed) == (want != before[no][f])
                assert (f in emptied) == (kind == "marker" and before[no][f] != EMPTY[f])
            assert after[no]["name"] == r["name"] and after[no]["active"]
    finally:
        db.session.rollback()


def test_re_importing_the_roster_with_the_start_date_blank_keeps_the_start_dates(town):
    actor = staff()
    workers = roster_of(town.company_a)
    workers["A001"].active_from, workers["A002"].active_from = date(2025, 10, 31), date(2026, 12, 1)
    db.session.commit()
    record, plan = preview_and_apply(actor, ("工号,姓名,班组,班次,入职日期\nA001,王小明,一车间,早班,\n"
                                             "A002,张新来,一车间,早班,\n").encode())
    assert plan.changed == [] and plan.unchanged == 2
    workers = roster_of(town.company_a)
    assert (workers["A001"].active_from, workers["A002"].active_from) == (date(2025, 10, 31), date(2026, 12, 1))

    record, plan = preview_and_apply(actor, "工号,姓名,班组,班次,入职日期\nA002,张新来,一车间,早班,清空\n".encode())
    assert [(c.current.employee_no, c.emptied) for c in plan.changed] == [("A002", ["active_from"])]
    workers = roster_of(town.company_a)
    assert (workers["A001"].active_from, workers["A002"].active_from) == (date(2025, 10, 31), None)


def test_a_new_worker_needs_a_team_and_a_shift_and_may_leave_the_start_date_blank(town):
    # The import page calls 班组 and 班次 required: a new worker has no roster value to keep, and one added
    # without a shift showed on the board as 无班次. Each blank is a row problem; the row is not applied.
    file = "工号,姓名,班组,班次,入职日期\nA300,新人,,,\nA301,又一个,一车间,清空,\nA302,第三个,一车间,早班,清空\n"
    _, plan = preview_and_apply(staff(), file.encode())
    assert [r["employee_no"] for r in plan.added] == ["A302"]
    assert [(p["row"], p["column"], p["reason"]) for p in plan.incomplete] == [
        (2, "班组", "new_without_team"), (2, "班次", "new_without_shift"), (3, "班次", "new_without_shift")]
    workers = roster_of(town.company_a)
    assert "A300" not in workers and "A301" not in workers
    assert (workers["A302"].team, workers["A302"].shift, workers["A302"].active_from) == ("一车间", "早班", None)
