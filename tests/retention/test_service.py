"""`quizapp retention`: old answers, attempts, leavers and roster previews go; the rollups and
everything inside the retention period stay; a rollup of a purged day can no longer be rebuilt."""

from datetime import date, datetime, time, timedelta

import pytest
from sqlalchemy import func, select

from quizapp.extensions import db
from quizapp.models import Answer, Attempt, AuditLog, CompanyDay, Employee, Lead, LeadReport, RosterImport, StaffUser
from quizapp.retention.service import purge, purge_town
from quizapp.rollups.service import RecordGone, kept_from, rebuild_company_day
from tests.factories import first_town, make_company, make_employee, make_grid, make_lead, make_town_row, take_quiz

pytestmark = pytest.mark.usefixtures("ctx")

TODAY = date(2026, 11, 24)
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
    result = purge(TODAY, 12, dry_run=True)
    assert (result.cutoff, result.attempts, result.workers, result.roster_imports, result.leads) == (
        date(2025, 11, 24), 2, 1, 1, 1)
    assert result.answers > 0
    assert count(Attempt) == 3 and kept_from(first_town().id) is None


def test_old_records_go_and_the_rollups_and_recent_records_stay(history):
    rollup_before = db.session.get(CompanyDay, (history.company_id, OLD))
    completed = rollup_before.completed
    result = purge(TODAY, 12)
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
    purge_town(first_town().id, TODAY, 12)
    db.session.commit()
    assert [a.local_date for a in db.session.scalars(select(Attempt).where(Attempt.employee_id == elsewhere.id))] == [
        OLD]  # the other town's record is the other town's run's
    assert kept_from(first_town().id) == date(2025, 11, 24) and kept_from(other.id) is None
    result = purge(TODAY, 12)
    db.session.commit()
    assert result.attempts == 1 and count(Attempt) == 1 and kept_from(other.id) == date(2025, 11, 24)
    rows = {row.town_id: row.detail for row in db.session.scalars(
        select(AuditLog).where(AuditLog.action == "retention.purge"))}
    assert set(rows) == {first_town().id, other.id} and '"attempts": 1' in rows[other.id]


def test_a_purged_day_cannot_be_rebuilt_but_a_kept_day_can(history):
    purge(TODAY, 12)
    db.session.commit()
    assert kept_from(first_town().id) == date(2025, 11, 24)
    with pytest.raises(RecordGone) as gone:
        rebuild_company_day(history.company, OLD, TODAY)
    assert (gone.value.code, gone.value.data) == ("rollups.record_gone", {"day": OLD, "kept_from": date(2025, 11, 24)})
    assert rebuild_company_day(history.company, RECENT, TODAY).completed == 1


def test_a_shorter_run_never_moves_the_cutoff_back(history):
    purge(TODAY, 6)
    purge(TODAY, 12)
    db.session.commit()
    assert kept_from(first_town().id) == date(2026, 5, 24)


def test_the_command_reports_and_refuses_nonsense(runner, history):
    result = runner.invoke(args=["retention", "--months", "0"])
    assert result.exit_code == 2 and "1 to 120 months" in result.output
    result = runner.invoke(args=["retention", "--dry-run"])
    assert result.exit_code == 0 and "would delete" in result.output and "2 quizzes" in result.output
    assert count(Attempt) == 3


def test_the_rollup_command_refuses_a_purged_day(runner, history):
    purge(TODAY, 12)
    db.session.commit()
    result = runner.invoke(args=["rollup", "--date", OLD.isoformat()])
    assert result.exit_code == 1 and "cannot be rebuilt" in result.output
