"""`quizapp retention`: old answers, attempts, leavers, roster and register import previews go; the
rollups, an applied import's audit row and everything inside the retention period stay; a rollup of a
purged day can no longer be rebuilt."""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from quizapp import clock
from quizapp.extensions import db
from quizapp.models import (
    Answer,
    Attempt,
    AuditLog,
    CompanyDay,
    Employee,
    Lead,
    LeadReport,
    RosterImport,
    StaffUser,
    TownImport,
)
from quizapp.previews import service as previews
from quizapp.register import service as register
from quizapp.retention.service import purge, purge_town
from quizapp.rollups.service import RecordGone, kept_from, rebuild_company_day
from quizapp.rules.vocab import ImportKind, ImportStatus
from tests.factories import (
    first_town,
    make_company,
    make_employee,
    make_grid,
    make_lead,
    make_staff,
    make_town_row,
    take_quiz,
)

pytestmark = pytest.mark.usefixtures("ctx")

TODAY = date(2026, 11, 24)
NOW = datetime(2026, 11, 24, 2, 0)  # the run's moment (UTC): 10:00 in the town
ZONE = ZoneInfo("Asia/Shanghai")
OLD = date(2025, 10, 13)  # before the 12-month cutoff (2025-11-24)
RECENT = date(2026, 11, 23)


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


@pytest.fixture
def history(town):
    worker = db.session.get(Employee, town.worker_a)
    leaver = make_employee(worker.company, "A900", "离职者")
    take_quiz(worker, OLD)
    take_quiz(worker, RECENT)
    take_quiz(leaver, OLD)
    leaver.active, leaver.active_until = False, OLD + timedelta(days=3)
    stayer_who_left_lately = make_employee(worker.company, "A901", "刚离职")
    stayer_who_left_lately.active, stayer_who_left_lately.active_until = False, RECENT
    staff = db.session.scalar(select(StaffUser).where(StaffUser.username == "staff-a"))
    old_import = RosterImport(company_id=worker.company_id, created_by=staff.id, filename="old.csv",
                              rows=[{"name": "离职者"}], errors=[])
    db.session.add(old_import)
    db.session.flush()
    old_import.created_at = datetime_of(OLD)
    rebuild_company_day(worker.company, OLD, TODAY)
    make_lead(worker, text="去年的可疑短信内容", day=OLD)  # a worker's report, last reported long ago
    make_lead(worker, text="昨天的可疑短信内容", day=RECENT)
    db.session.commit()
    return worker


def datetime_of(day: date) -> datetime:
    return datetime.combine(day, time(9))


def test_a_dry_run_counts_and_deletes_nothing(history):
    result = purge(TODAY, 12, ZONE, NOW, dry_run=True)
    assert (result.cutoff, result.attempts, result.workers, result.roster_imports, result.leads) == (
        date(2025, 11, 24), 2, 1, 1, 1)
    assert result.answers > 0
    assert count(Attempt) == 3 and kept_from(first_town().id) is None


def test_old_records_go_and_the_rollups_and_recent_records_stay(history):
    rollup_before = db.session.get(CompanyDay, (history.company_id, OLD))
    completed = rollup_before.completed
    result = purge(TODAY, 12, ZONE, NOW)
    db.session.commit()
    assert result.attempts == 2 and result.workers == 1 and result.roster_imports == 1
    assert [a.local_date for a in db.session.scalars(select(Attempt))] == [RECENT]
    old_answers = select(func.count(Answer.id)).join(Attempt).where(Attempt.local_date < OLD + timedelta(days=1))
    assert db.session.scalar(old_answers) == 0
    names = set(db.session.scalars(select(Employee.name)))
    assert "离职者" not in names and {"王小明", "刚离职"} <= names  # a recent leaver still counts in kept days
    assert db.session.get(CompanyDay, (history.company_id, OLD)).completed == completed == 2
    assert count(RosterImport) == 0
    assert result.leads == 1 and list(db.session.scalars(select(Lead.last_reported_on))) == [RECENT]
    assert list(db.session.scalars(select(LeadReport.reporter_key))) == [None]  # a past day's hash: erased
    logged = db.session.scalar(select(AuditLog).where(AuditLog.action == "retention.purge"))
    assert '"attempts": 2' in logged.detail


def test_retention_runs_town_by_town_each_with_its_own_cutoff_and_audit_row(history):
    other = make_town_row("hm", "虎门镇")
    elsewhere = make_employee(make_company(make_grid("h1", "虎门网格", town=other), "hm-co", "虎门厂"), "H001", "陈一")
    take_quiz(elsewhere, OLD)
    purge_town(first_town().id, TODAY, 12, ZONE, NOW)
    db.session.commit()
    assert [a.local_date for a in db.session.scalars(select(Attempt).where(Attempt.employee_id == elsewhere.id))] == [
        OLD]  # the other town's record is the other town's run's
    assert kept_from(first_town().id) == date(2025, 11, 24) and kept_from(other.id) is None
    result = purge(TODAY, 12, ZONE, NOW)
    db.session.commit()
    assert result.attempts == 1 and count(Attempt) == 1 and kept_from(other.id) == date(2025, 11, 24)
    rows = {row.town_id: row.detail for row in db.session.scalars(
        select(AuditLog).where(AuditLog.action == "retention.purge"))}
    assert set(rows) == {first_town().id, other.id} and '"attempts": 1' in rows[other.id]


def test_a_purged_day_cannot_be_rebuilt_but_a_kept_day_can(history):
    purge(TODAY, 12, ZONE, NOW)
    db.session.commit()
    assert kept_from(first_town().id) == date(2025, 11, 24)
    with pytest.raises(RecordGone) as gone:
        rebuild_company_day(history.company, OLD, TODAY)
    assert (gone.value.code, gone.value.data) == ("rollups.record_gone", {"day": OLD, "kept_from": date(2025, 11, 24)})
    assert rebuild_company_day(history.company, RECENT, TODAY).completed == 1


def test_a_shorter_run_never_moves_the_cutoff_back(history):
    purge(TODAY, 6, ZONE, NOW)
    purge(TODAY, 12, ZONE, NOW)
    db.session.commit()
    assert kept_from(first_town().id) == date(2026, 5, 24)


def test_the_command_reports_and_refuses_nonsense(runner, history):
    result = runner.invoke(args=["retention", "--months", "0"])
    assert result.exit_code == 2 and "1 to 120 months" in result.output
    result = runner.invoke(args=["retention", "--dry-run"])
    assert result.exit_code == 0 and "would delete" in result.output and "2 quizzes" in result.output
    assert count(Attempt) == 3


def test_the_rollup_command_refuses_a_purged_day(runner, history):
    purge(TODAY, 12, ZONE, NOW)
    db.session.commit()
    result = runner.invoke(args=["rollup", "--date", OLD.isoformat()])
    assert result.exit_code == 1 and "cannot be rebuilt" in result.output


# --- the town admin's register import previews --------------------------------------------------

REGISTER = "网格编码,网格名称,企业编码,企业名称,每次题数,工作日,班次,启用\ng1,,acme,甲厂,,,,\ng2,,bolt,乙厂,,,,\n"


def _register_import(username: str, uploaded: date, applied: bool = False, cancelled: bool = False) -> int:
    """An import of the register as it is (so it applies cleanly), uploaded on `uploaded`."""
    admin = db.session.scalar(select(StaffUser).where(StaffUser.username == username))
    record = register.start_import(admin, f"{username}-{uploaded}.csv", REGISTER.encode(), datetime_of(uploaded))
    if applied:
        plan = register.plan_for(admin, record, uploaded)
        register.apply_import(admin, record.id, plan.fingerprint(), False, uploaded, datetime_of(uploaded), "closed")
    elif cancelled:
        register.cancel_import(admin, record.id, datetime_of(uploaded))
    record.created_at = datetime_of(uploaded)
    db.session.flush()
    return record.id


@pytest.fixture
def register_imports(town):
    """Old and recent register imports of this town (waiting, applied, cancelled) and an old one of
    another town's admin."""
    other = make_town_row("hm", "虎门镇")
    make_company(make_grid("g1", "虎门网格", town=other), "hm-co", "虎门厂")
    make_staff("admin-hm", "town_admin", town=other)
    ids = {"old_waiting": _register_import("admin", OLD), "old_applied": _register_import("admin", OLD, applied=True),
           "old_cancelled": _register_import("admin", OLD, cancelled=True),
           "recent": _register_import("admin", RECENT),
           "recent_applied": _register_import("admin", RECENT, applied=True),
           "other_town_old": _register_import("admin-hm", OLD)}
    db.session.commit()
    return ids, other


def _register_ids() -> set[int]:
    return set(db.session.scalars(select(TownImport.id)))


def test_a_town_s_old_register_import_previews_go_applied_or_not_and_recent_ones_and_other_towns_stay(
        register_imports):
    ids, other = register_imports
    applied_rows = db.session.scalar(select(func.count()).where(AuditLog.action == "register.import"))
    assert applied_rows == 2
    result = purge_town(first_town().id, TODAY, 12, ZONE, NOW)
    db.session.commit()
    assert result.register_imports == 3 and result.roster_imports == 0
    assert _register_ids() == {ids["recent"], ids["recent_applied"], ids["other_town_old"]}
    # What was applied stays applied, and its audit trail stays: only the kept preview data went.
    assert db.session.scalar(select(func.count()).where(AuditLog.action == "register.import")) == applied_rows
    row = db.session.scalar(select(AuditLog).where(AuditLog.action == "retention.purge"))
    assert row.town_id == first_town().id and '"register_imports": 3' in row.detail
    # The other town's old preview is its own run's.
    result = purge(TODAY, 12, ZONE, NOW)
    db.session.commit()
    assert result.register_imports == 1 and _register_ids() == {ids["recent"], ids["recent_applied"]}
    rows = {r.town_id: r.detail for r in db.session.scalars(select(AuditLog).where(AuditLog.action == "retention.purge")
                                                             .order_by(AuditLog.id))}
    assert '"register_imports": 1' in rows[other.id] and '"register_imports": 0' in rows[first_town().id]


def test_register_import_previews_follow_the_roster_previews_rule_of_age(register_imports):
    """Uploaded on the cutoff day itself: kept, as a roster import of that moment is; the day before: gone."""
    ids, _other = register_imports
    cutoff_day = date(2025, 11, 24)
    on_cutoff, day_before = _register_import("admin", cutoff_day), _register_import("admin", cutoff_day - timedelta(1))
    staff = db.session.scalar(select(StaffUser).where(StaffUser.username == "staff-a"))
    for day in (cutoff_day, cutoff_day - timedelta(1)):
        roster = RosterImport(company_id=staff.company_id, created_by=staff.id, filename="r.csv", rows=[], errors=[])
        db.session.add(roster)
        db.session.flush()
        roster.created_at = datetime_of(day)
    db.session.commit()
    result = purge_town(first_town().id, TODAY, 12, ZONE, NOW)
    db.session.commit()
    assert result.register_imports == 4 and result.roster_imports == 1
    assert on_cutoff in _register_ids() and day_before not in _register_ids()


def test_old_incident_and_outreach_previews_go_with_the_register_s(register_imports):
    """Every kind of the town's kept imports follows one rule of age, counted together."""
    ids, _other = register_imports
    officer = db.session.scalar(select(StaffUser).where(StaffUser.username == "officer-1"))
    kept = {}
    for kind, day in ((ImportKind.INCIDENTS, OLD), (ImportKind.OUTREACH, OLD), (ImportKind.OUTREACH, RECENT)):
        record = TownImport(kind=kind, town_id=officer.town_id, created_by=officer.id, filename="f.csv", rows=[],
                            errors=[], created_at=datetime_of(day))
        db.session.add(record)
        db.session.flush()
        kept[(kind, day)] = record.id
    db.session.commit()
    result = purge_town(first_town().id, TODAY, 12, ZONE, NOW)
    db.session.commit()
    assert result.register_imports == 3 + 2
    assert _register_ids() == {ids["recent"], ids["recent_applied"], ids["other_town_old"],
                               kept[(ImportKind.OUTREACH, RECENT)]}


def test_an_upload_s_age_is_told_by_the_town_s_clock(register_imports):
    """Uploaded at 07:00 in Dongguan on the cutoff day (23:00 UTC the day before): kept; at 23:00 in
    Dongguan the day before (15:00 UTC): gone."""
    cutoff_day = date(2025, 11, 24)
    early, late = _register_import("admin", cutoff_day), _register_import("admin", cutoff_day)
    db.session.get(TownImport, early).created_at = datetime(2025, 11, 23, 23, 0)
    db.session.get(TownImport, late).created_at = datetime(2025, 11, 23, 15, 0)
    db.session.commit()
    purge_town(first_town().id, TODAY, 12, ZONE, NOW)
    db.session.commit()
    assert early in _register_ids() and late not in _register_ids()


def test_a_dry_run_counts_register_import_previews_and_the_command_says_how_many(runner, register_imports,
                                                                                  monkeypatch):
    result = purge(TODAY, 12, ZONE, NOW, dry_run=True)
    assert result.register_imports == 4 and count(TownImport) == 6
    monkeypatch.setattr(clock, "local_today", lambda: TODAY)  # the command's today
    output = runner.invoke(args=["retention"]).output
    assert "4 kept imports (register, incidents, outreach)" in output and count(TownImport) == 2


# --- the kept imports' rows, emptied long before their records go ---------------------------------

def _kept(model, status: ImportStatus, uploaded: datetime, **owner) -> tuple:
    """An import holding a worker's name and a problem, as an older version left an applied or
    cancelled one, uploaded at `uploaded` (UTC)."""
    record = model(filename="f.csv", rows=[{"row": 2, "name": "王小明"}], errors=[{"row": 3, "value": "李小红"}],
                   status=status, created_at=uploaded, **owner)
    db.session.add(record)
    db.session.flush()
    return model, record.id


def test_each_run_empties_the_rows_of_the_town_s_imports_that_can_no_longer_be_applied(town, runner, monkeypatch):
    """Applied or cancelled ones still holding rows (closed by a version that kept them) and previews
    older than previews.MAX_AGE, in both tables, lose their rows and keep their records; a younger
    preview and another town's imports keep theirs. The run's audit row and the command count them."""
    staff = db.session.scalar(select(StaffUser).where(StaffUser.username == "staff-a"))
    officer = db.session.scalar(select(StaffUser).where(StaffUser.username == "officer-1"))
    roster = {"company_id": staff.company_id, "created_by": staff.id}
    kept = {"kind": ImportKind.INCIDENTS, "town_id": officer.town_id, "created_by": officer.id}
    other = make_town_row("hm", "虎门镇")
    theirs = {"kind": ImportKind.OUTREACH, "town_id": other.id,
              "created_by": make_staff("admin-hm", "town_admin", town=other).id}
    max_age = previews.MAX_AGE
    spent = {_kept(RosterImport, ImportStatus.APPLIED, NOW - timedelta(days=30), **roster),
             _kept(TownImport, ImportStatus.CANCELLED, NOW - timedelta(days=1), **kept),
             _kept(RosterImport, ImportStatus.PREVIEW, NOW - max_age - timedelta(seconds=1), **roster),
             _kept(TownImport, ImportStatus.PREVIEW, NOW - max_age - timedelta(seconds=1), **kept)}
    young = {_kept(RosterImport, ImportStatus.PREVIEW, NOW - max_age, **roster),
             _kept(TownImport, ImportStatus.PREVIEW, NOW - timedelta(minutes=5), **kept)}
    other_town_s = {_kept(TownImport, ImportStatus.APPLIED, NOW - timedelta(days=1), **theirs),
                    _kept(TownImport, ImportStatus.PREVIEW, NOW - timedelta(days=1), **theirs)}
    db.session.commit()

    def holding() -> set[int]:
        db.session.expire_all()
        return {(model, r.id) for model in (RosterImport, TownImport) for r in db.session.scalars(select(model))
                if r.rows}

    assert purge_town(first_town().id, TODAY, 12, ZONE, NOW, dry_run=True).imports_emptied == 4
    assert holding() == spent | young | other_town_s
    monkeypatch.setattr(clock, "local_today", lambda: TODAY)  # the command's day and moment
    monkeypatch.setattr(clock, "utcnow", lambda: NOW)
    assert "would empty the rows of 6 imports" in runner.invoke(args=["retention", "--dry-run"]).output  # both towns

    result = purge_town(first_town().id, TODAY, 12, ZONE, NOW)
    db.session.commit()
    assert result.imports_emptied == 4 and (result.roster_imports, result.register_imports) == (0, 0)
    assert holding() == young | other_town_s
    assert count(RosterImport) + count(TownImport) == 8  # every record stays: the trail
    emptied = [db.session.get(model, record_id) for model, record_id in spent]
    assert {(r.rows == [], r.errors == [], r.filename) for r in emptied} == {(True, True, "f.csv")}
    assert {r.status for r in emptied} == {ImportStatus.APPLIED, ImportStatus.CANCELLED, ImportStatus.PREVIEW}
    logged = db.session.scalar(select(AuditLog).where(AuditLog.action == "retention.purge"))
    assert '"imports_emptied": 4' in logged.detail
    assert purge_town(first_town().id, TODAY, 12, ZONE, NOW).imports_emptied == 0  # nothing left to empty
    output = runner.invoke(args=["retention"]).output
    assert "emptied the rows of 2 imports applied, cancelled or not confirmed in time" in output  # the other town's
    assert holding() == young
