"""The register import's use cases against the database: a preview changes nothing, apply writes
exactly the plan (grids, companies, moves, settings, shifts) all or none in the caller's
transaction, deactivates what the file leaves out only when asked (closing open cases, deleting
nothing), refuses a forged or stale fingerprint, a file with problems, another admin's import, a
second apply; the export imports back unchanged."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from quizapp.clock import utcnow
from quizapp.extensions import db
from quizapp.models import (
    AuditLog,
    Company,
    Employee,
    Grid,
    Incident,
    Shift,
    StaffUser,
    SupervisionCase,
    TownImport,
)
from quizapp.previews import service as previews
from quizapp.register import service
from quizapp.register.rules.file import sheet_rows, to_csv, to_xlsx
from quizapp.retention.service import purge_town
from quizapp.rules.errors import Conflict, Forbidden, Invalid, NotFound
from quizapp.rules.vocab import CaseStatus, ImportStatus
from tests.factories import first_town, make_staff, make_town_row

TODAY = date(2026, 11, 24)
NOW = datetime(2026, 11, 24, 2, 0)
HEAD = "网格编码,网格名称,企业编码,企业名称,每次题数,工作日,班次,启用\n"
REASON = "Closed because the town admin deactivated the company."


def staff(username: str) -> StaffUser:
    return db.session.scalar(select(StaffUser).where(StaffUser.username == username))


def start(text: str, who: str = "admin"):
    return service.start_import(staff(who), "register.csv", text.encode(), NOW)


def apply(record, deactivate: bool = False, fingerprint: str | None = None, who: str = "admin",
          confirm_most: bool = False):
    actor = staff(who)
    if fingerprint is None:
        fingerprint = service.plan_for(actor, record, TODAY).fingerprint()
    return service.apply_import(actor, record.id, fingerprint, deactivate, TODAY, NOW, REASON, confirm_most)


def company(code: str) -> Company:
    return db.session.scalar(select(Company).where(Company.code == code))


def shifts_of(code: str) -> list[tuple[str, time]]:
    return [tuple(r) for r in db.session.execute(select(Shift.name, Shift.starts_at).join(Company)
                                   .where(Company.code == code).order_by(Shift.starts_at)).all()]


def snapshot() -> list:
    grids = db.session.execute(select(Grid.code, Grid.name, Grid.active).order_by(Grid.code)).all()
    companies = db.session.execute(select(Company.code, Company.name, Company.grid_id, Company.questions_per_quiz,
                                          Company.workdays, Company.active).order_by(Company.code)).all()
    shifts = db.session.execute(select(Shift.company_id, Shift.name, Shift.starts_at).order_by(Shift.id)).all()
    return [grids, companies, shifts]


pytestmark = pytest.mark.usefixtures("ctx")


def test_a_preview_changes_nothing_and_applying_writes_the_plan(town):
    before = snapshot()
    record = start(HEAD + "G7,新网格,newco001,新厂,6,1-5,早班 07:30; 夜班 19:30,\n"
                          "g2,网格二改名,acme,甲厂新名,,,中班 14:00,\n"
                          "g2,,bolt,乙厂,,,,\n")
    assert snapshot() == before and record.status == ImportStatus.PREVIEW
    plan = apply(record)
    db.session.commit()
    new = company("newco001")
    assert (new.name, new.grid.code, new.grid.name, new.questions_per_quiz, new.workdays, new.active) == (
        "新厂", "G7", "新网格", 6, "12345", True)
    assert shifts_of("newco001") == [("早班", time(7, 30)), ("夜班", time(19, 30))]
    acme = company("acme")
    assert (acme.name, acme.grid.code, acme.grid.name, acme.questions_per_quiz) == ("甲厂新名", "g2", "网格二改名", 5)
    assert shifts_of("acme") == [("中班", time(14, 0))]
    assert record.status == ImportStatus.APPLIED and len(plan.moved) == 1
    # Grid g1 lost its only company but was not deactivated: nobody asked.
    assert db.session.scalar(select(Grid.active).where(Grid.code == "g1")) is True
    detail = db.session.scalar(select(AuditLog.detail).where(AuditLog.action == "register.import"))
    assert '"companies_added": 1' in detail and '"companies_moved": 1' in detail and '"grids_added": 1' in detail


def test_a_move_takes_open_cases_along_and_leaves_incident_records_in_the_old_grid(town):
    acme = company("acme")
    g1 = acme.grid_id
    db.session.add_all([SupervisionCase(company_id=acme.id, rule="manual", reason="test", opened_on=TODAY),
                        Incident(grid_id=g1, company_id=acme.id, month=date(2026, 11, 1), fraud_type="shuadan",
                                 cases=1, loss_yuan=10)])
    db.session.commit()
    apply(start(HEAD + "g2,,acme,甲厂,,,,\n"))
    db.session.commit()
    assert company("acme").grid.code == "g2"
    assert db.session.scalar(select(Incident.grid_id)) == g1
    assert db.session.scalar(select(SupervisionCase.status)) == CaseStatus.OPEN


def test_deactivating_what_the_file_leaves_out_closes_cases_and_deletes_nothing(town):
    db.session.add(SupervisionCase(company_id=town.company_b, rule="manual", reason="test", opened_on=TODAY))
    db.session.commit()
    record = start(HEAD + "g1,,acme,甲厂,,,,\n")
    plan = service.plan_for(staff("admin"), record, TODAY)
    assert [c.code for c in plan.missing_companies] == ["bolt"] and [g.code for g in plan.missing_grids] == ["g2"]
    apply(record, deactivate=True)
    db.session.commit()
    bolt = company("bolt")
    assert bolt is not None and bolt.active is False and bolt.grid.active is False
    case = db.session.scalar(select(SupervisionCase))
    assert (case.status, case.close_reason, case.closed_on) == (CaseStatus.CLOSED, REASON, TODAY)
    assert db.session.scalar(select(func.count(Employee.id)).where(Employee.company_id == bolt.id)) == 1
    assert '"companies_deactivated": 1' in db.session.scalar(
        select(AuditLog.detail).where(AuditLog.action == "register.import"))


def test_left_alone_unless_asked(town):
    apply(start(HEAD + "g1,,acme,甲厂,,,,\n"), deactivate=False)
    db.session.commit()
    assert company("bolt").active is True


def test_a_file_with_problems_applies_nothing(town):
    before = snapshot()
    record = start(HEAD + "G7,新网格,newco001,新厂,,,,\n" + "G9,,newco002,没有网格的厂,,,,\n")
    plan = service.plan_for(staff("admin"), record, TODAY)
    assert [(p["row"], p["column"], p["reason"]) for p in plan.problems] == [(3, "网格编码", "unknown_grid")]
    with pytest.raises(Conflict) as refused:
        apply(record, fingerprint=plan.fingerprint())
    assert refused.value.code == "register.has_problems"
    db.session.rollback()
    assert snapshot() == before


def test_a_forged_or_stale_fingerprint_applies_nothing(town):
    before = snapshot()
    record = start(HEAD + "g1,,acme,甲厂,7,,,\n")
    seen = service.plan_for(staff("admin"), record, TODAY).fingerprint()
    with pytest.raises(Conflict) as forged:
        apply(record, fingerprint="0" * 32)
    assert forged.value.code == "register.plan_changed"
    company("acme").questions_per_quiz = 6  # the town changes after the preview
    db.session.commit()
    with pytest.raises(Conflict):
        apply(record, fingerprint=seen)
    db.session.rollback()
    assert snapshot()[0] == before[0] and company("acme").questions_per_quiz == 6


def test_only_the_admin_who_uploaded_it_applies_it_and_only_once(town):
    make_staff("admin-2", "town_admin")
    db.session.commit()
    record = start(HEAD + "g1,,acme,甲厂,7,,,\n")
    with pytest.raises(NotFound):
        apply(record, who="admin-2")
    assert service.find_import(staff("admin-2"), record.id) is None
    with pytest.raises(Forbidden):
        start(HEAD + "g1,,acme,甲厂,7,,,\n", who="staff-a")
    apply(record)
    db.session.commit()
    with pytest.raises(Conflict) as again:
        apply(record)
    assert again.value.code == "register.import_closed"
    cancelled = start(HEAD + "g1,,acme,甲厂,8,,,\n")
    service.cancel_import(staff("admin"), cancelled.id, utcnow())
    with pytest.raises(Conflict):
        apply(cancelled)


def test_a_cancel_that_loses_the_race_to_a_confirmation_leaves_the_import_applied(town):
    """Both found the import waiting; the confirmation claimed it first. The cancel is refused and
    never marks an import whose changes were written cancelled."""
    from quizapp.rules.vocab import ImportKind

    record = start(HEAD + "g1,,acme,甲厂,7,,,\n")
    found = previews.waiting(staff("admin"), ImportKind.REGISTER, record.id, "cancel", utcnow())
    apply(record)
    with pytest.raises(Conflict) as refused:
        previews.cancel(found)
    assert refused.value.code == "register.import_closed"
    db.session.commit()
    assert service.find_import(staff("admin"), record.id).status == ImportStatus.APPLIED


# --- what an import keeps of its file once it can no longer be applied (docs/privacy.md) ----------

def stored(record_id: int) -> TownImport:
    """The import as the database holds it now, not as this session loaded it."""
    db.session.expire_all()
    return db.session.get(TownImport, record_id)


def test_applying_empties_the_import_s_rows_and_keeps_its_record(town):
    record = start(HEAD + "g1,,acme,甲厂,7,,,\nG7,新网格,newco001,新厂,,,,\n")
    db.session.commit()
    assert stored(record.id).rows
    plan = apply(record)
    db.session.commit()
    assert len(plan.new_companies) == 1 and company("acme").questions_per_quiz == 7
    applied = stored(record.id)
    assert (applied.rows, applied.errors) == ([], [])
    assert (applied.status, applied.filename, applied.created_by, applied.created_at, applied.applied_at) == (
        ImportStatus.APPLIED, "register.csv", staff("admin").id, NOW, NOW)
    # A second confirmation of the emptied import: "already applied", never an empty import.
    with pytest.raises(Conflict) as closed:
        apply(record, deactivate=True, fingerprint=plan.fingerprint(), confirm_most=True)
    assert closed.value.data == {"status": "applied", "action": "apply"}
    assert company("bolt").active  # nothing deactivated by an empty file


def test_cancelling_empties_the_import_s_rows_and_keeps_its_record(town):
    record = start(HEAD + "g1,,acme,甲厂,7,,,\n")
    fingerprint = service.plan_for(staff("admin"), record, TODAY).fingerprint()
    service.cancel_import(staff("admin"), record.id, NOW)
    db.session.commit()
    cancelled = stored(record.id)
    assert (cancelled.rows, cancelled.errors, cancelled.status, cancelled.filename, cancelled.applied_at) == (
        [], [], ImportStatus.CANCELLED, "register.csv", None)
    with pytest.raises(Conflict) as closed:
        apply(record, fingerprint=fingerprint)
    assert (closed.value.code, closed.value.data) == ("register.import_closed",
                                                      {"status": "cancelled", "action": "apply"})
    assert company("acme").questions_per_quiz != 7


def test_a_preview_past_the_keeping_time_has_expired_and_the_town_s_retention_empties_it(town):
    admin = staff("admin")
    old = start(HEAD + "g1,,acme,甲厂,7,,,\n")
    young = service.start_import(admin, "young.csv", (HEAD + "g1,,acme,甲厂,8,,,\n").encode(),
                                 NOW + timedelta(hours=1))
    humen_admin = make_staff("admin-hm", "town_admin", town=make_town_row("hm", "虎门镇"))
    elsewhere = service.start_import(humen_admin, "hm.csv", (HEAD + "h1,虎门网格,hm-co,虎门厂,,,,\n").encode(), NOW)
    db.session.commit()
    fingerprint = service.plan_for(admin, old, TODAY).fingerprint()
    late = NOW + previews.MAX_AGE + timedelta(seconds=1)
    with pytest.raises(Conflict) as expired:
        service.apply_import(admin, old.id, fingerprint, False, TODAY, late, REASON)
    assert (expired.value.code, expired.value.data) == ("register.import_expired", {"hours": 2})

    result = purge_town(first_town().id, TODAY, 12, ZoneInfo("Asia/Shanghai"), late)
    db.session.commit()
    assert result.imports_emptied == 1 and result.register_imports == 0
    emptied = stored(old.id)
    assert (emptied.rows, emptied.errors, emptied.status, emptied.filename) == ([], [], ImportStatus.PREVIEW,
                                                                                "register.csv")
    assert stored(young.id).rows and stored(elsewhere.id).rows  # younger, and the other town's run's
    # Its confirmation still says "expired: upload again", even by a clock that makes it young.
    for now in (late, NOW):
        with pytest.raises(Conflict, match="register.import_expired"):
            service.apply_import(admin, old.id, fingerprint, True, TODAY, now, REASON, True)
    assert company("acme").questions_per_quiz != 7 and company("bolt").active
    service.apply_import(admin, young.id, service.plan_for(admin, young, TODAY).fingerprint(), False, TODAY, late,
                         REASON)
    assert company("acme").questions_per_quiz == 8


def test_a_shift_workers_are_on_is_a_problem_and_others_may_go(town):
    acme = company("acme")
    db.session.add_all([Shift(company_id=acme.id, name="早班", starts_at=time(8)),
                        Shift(company_id=acme.id, name="夜班", starts_at=time(20))])
    db.session.get(Employee, town.worker_a).shift = "早班"
    db.session.commit()
    busy = service.plan_for(staff("admin"), start(HEAD + "g1,,acme,甲厂,,,清空,\n"), TODAY)
    assert [(p["row"], p["reason"], p["detail"]) for p in busy.problems] == [(2, "shift_has_workers", "早班")]
    apply(start(HEAD + "g1,,acme,甲厂,,,早班 07:45,\n"))
    db.session.commit()
    assert shifts_of("acme") == [("早班", time(7, 45))]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_export_imports_back_unchanged(town, fmt):
    apply(start(HEAD + "G7,新网格,newco001,新厂,6,1-5,早班 07:30; 夜班 19:30,否\nG8,空网格,,,,,,\n"))
    db.session.commit()
    rows = service.export_register(staff("admin"))
    assert [r.get("company_code") for r in rows] == ["acme", "bolt", "newco001", None]
    table = sheet_rows(rows)
    data = to_csv(table) if fmt == "csv" else to_xlsx(table)
    record = service.start_import(staff("admin"), f"export.{fmt}", data, NOW)
    plan = service.plan_for(staff("admin"), record, TODAY)
    assert service.file_problems(record) == [] and plan.problems == []
    assert (plan.new_grids, plan.changed_grids, plan.new_companies, plan.changed_companies) == ([], [], [], [])
    assert (plan.unchanged_companies, plan.missing_companies, plan.missing_grids) == (3, [], [])


def _town_of_five(town) -> list[int]:
    """Five companies in four grids (acme and bolt, three more), and an open case on each of the five;
    the case ids."""
    g1, g2 = company("acme").grid_id, company("bolt").grid_id
    grids = [Grid(code=f"g{i}", name=f"网格{i}", active=True, town_id=company("acme").grid.town_id) for i in (3, 4)]
    db.session.add_all(grids)
    db.session.flush()
    db.session.add_all([Company(code=code, name=name, grid_id=grid, questions_per_quiz=5, workdays="12345",
                                active=True) for code, name, grid in (
        ("cocoa01", "丙厂", grids[0].id), ("dune001", "丁厂", grids[1].id), ("echo001", "戊厂", g1))])
    db.session.flush()
    cases = [SupervisionCase(company_id=c.id, rule="manual", reason="test", opened_on=TODAY)
             for c in db.session.scalars(select(Company).order_by(Company.code))]
    db.session.add_all(cases)
    db.session.commit()
    assert g2 != g1
    return [c.id for c in cases]


def test_deactivating_most_of_the_town_takes_the_second_tick_and_closes_exactly_the_cases_listed(town):
    case_ids = _town_of_five(town)
    before = snapshot()
    record = start(HEAD + "g2,,bolt,乙厂,,,,\n")  # a file of one company
    db.session.commit()
    plan = service.plan_for(staff("admin"), record, TODAY)
    assert (len(plan.missing_companies), plan.active_companies, len(plan.missing_grids), plan.active_grids) == (
        4, 5, 3, 4)
    assert plan.deactivates_most
    bolt = company("bolt").id
    assert sorted(c.id for c in plan.cases_closed_if_deactivated) == sorted(
        db.session.scalars(select(SupervisionCase.id).where(SupervisionCase.company_id != bolt)))
    with pytest.raises(Invalid) as refused:
        apply(record, deactivate=True)
    assert refused.value.code == "register.confirm_most" and refused.value.data == {
        "companies": 4, "grids": 3, "active_companies": 5, "active_grids": 4}
    db.session.rollback()
    assert snapshot() == before and db.session.get(TownImport, record.id).status == ImportStatus.PREVIEW
    # Without the tick to deactivate, nothing is deactivated and no second tick is needed.
    apply(record, deactivate=False)
    db.session.rollback()
    apply(record, deactivate=True, confirm_most=True)
    db.session.commit()
    assert [c.active for c in db.session.scalars(select(Company).order_by(Company.code))] == [
        False, True, False, False, False]
    closed = set(db.session.scalars(select(SupervisionCase.id).where(SupervisionCase.status == CaseStatus.CLOSED)))
    assert closed == {c.id for c in plan.cases_closed_if_deactivated} and len(closed) == 4
    assert set(case_ids) - closed == set(db.session.scalars(select(SupervisionCase.id).where(
        SupervisionCase.company_id == bolt)))


def test_a_case_opened_after_the_preview_is_not_closed_unseen(town):
    record = start(HEAD + "g1,,acme,甲厂,,,,\n")
    db.session.commit()
    seen = service.plan_for(staff("admin"), record, TODAY).fingerprint()
    db.session.add(SupervisionCase(company_id=town.company_b, rule="manual", reason="test", opened_on=TODAY))
    db.session.commit()
    with pytest.raises(Conflict) as refused:
        apply(record, deactivate=True, fingerprint=seen)
    assert refused.value.code == "register.plan_changed"
    db.session.rollback()
    assert db.session.scalar(select(SupervisionCase.status)) == CaseStatus.OPEN and company("bolt").active
