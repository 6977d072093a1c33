"""Workers' reports as use cases: one lead per grid and text, the daily limit, no reporter stored,
small companies not named, the inbox scoped to grids, its moves audit-logged, the counts and
retention."""

import threading
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from quizapp.extensions import db
from quizapp.leads import rules, service
from quizapp.models import AuditLog, Company, Employee, Lead, LeadReport, StaffUser
from quizapp.rules.errors import Conflict, Invalid
from quizapp.rules.metrics import Span
from quizapp.rules.vocab import LeadChannel, LeadStatus
from tests.factories import LEAD_SECRET, make_employee, make_lead

pytestmark = pytest.mark.usefixtures("ctx")

TODAY = date(2026, 12, 5)


def staff(username: str) -> StaffUser:
    return db.session.scalar(select(StaffUser).where(StaffUser.username == username))


def worker(town, which: str = "a") -> Employee:
    return db.session.get(Employee, town.worker_a if which == "a" else town.worker_b)


def grow(company_id: int, workers: int) -> None:
    company = db.session.get(Company, company_id)
    for i in range(workers):
        make_employee(company, f"X{company_id}{i:03d}", f"工人{i}")


def test_a_report_starts_a_lead_of_the_worker_s_grid_with_no_worker_in_it(town):
    me = worker(town)
    lead = make_lead(me, text="我是王小明，有人说我中奖了要先交税", contact="13812345678", money_lost=True, day=TODAY)
    assert lead.grid_id == me.company.grid_id and lead.status == LeadStatus.NEW
    assert lead.reports == 1 and lead.money_lost and lead.contact == "13812345678"  # as given
    assert "王小明" not in lead.text and "中奖" in lead.text
    assert lead.company_id is None  # 2 workers: a small company is not named
    report = db.session.scalar(select(LeadReport))
    assert report.reported_on == TODAY and report.reporter_key == rules.reporter_key(LEAD_SECRET, me.id, TODAY)
    # No column anywhere holds the worker's id.
    for table in (Lead.__table__, LeadReport.__table__):
        assert not any(fk.column.table.name == "employee" for fk in table.foreign_keys)


def test_a_company_of_20_workers_or_more_is_named(town):
    grow(town.company_a, rules.SMALL_COMPANY - 2)  # 2 already: 20 in all
    assert make_lead(worker(town), day=TODAY).company_id == town.company_a


def test_the_same_text_twice_is_one_lead_and_a_worker_s_repeat_counts_once(town):
    a = worker(town)
    other = make_employee(a.company, "A050", "赵六")
    first = make_lead(a, text="加微信 领取 补贴", day=TODAY)
    again = make_lead(a, text="加微信领取补贴", channel="call", day=TODAY)  # the same worker, the same day
    assert again.id == first.id and first.reports == 1
    make_lead(other, text="加微信领取补贴 ", money_lost=True, day=TODAY)
    make_lead(a, text="加微信领取补贴", day=TODAY + timedelta(days=1))  # another day counts again
    assert first.reports == 3 and first.money_lost and first.channel == LeadChannel.SMS
    assert first.last_reported_on == TODAY + timedelta(days=1)
    # Another grid's worker with the same text: their own grid's lead.
    assert make_lead(worker(town, "b"), text="加微信领取补贴", day=TODAY).id != first.id


def test_at_most_the_daily_limit_of_reports_per_worker_per_day(town):
    a = worker(town)
    for n in range(rules.DAILY_LIMIT):
        make_lead(a, text=f"第{n}条可疑短信内容", day=TODAY)
    with pytest.raises(Conflict) as refused:
        make_lead(a, text="再一条可疑短信内容", day=TODAY)
    assert refused.value.code == "leads.daily_limit"
    make_lead(a, text="明天的可疑短信内容", day=TODAY + timedelta(days=1))  # a new day
    make_lead(worker(town, "b"), text="另一个工人的短信", day=TODAY)  # another worker


def test_a_text_left_too_short_is_refused(town):
    with pytest.raises(Invalid) as refused:
        make_lead(worker(town), text="王小明", day=TODAY)  # nothing but the name
    assert refused.value.field == "text"


def test_past_days_reporter_keys_are_erased(town):
    make_lead(worker(town), text="昨天的可疑电话", day=TODAY - timedelta(days=1))
    make_lead(worker(town, "b"), text="今天的可疑电话", day=TODAY)
    keys = dict(db.session.execute(select(LeadReport.reported_on, LeadReport.reporter_key)).all())
    assert keys[TODAY - timedelta(days=1)] is None and keys[TODAY] is not None


def test_the_inbox_is_the_officer_s_grids_and_the_admin_s_whole_town(town):
    mine = make_lead(worker(town), text="网格一的可疑短信", day=TODAY)
    theirs = make_lead(worker(town, "b"), text="网格二的可疑短信", day=TODAY)
    officer, admin = staff("officer-1"), staff("admin")
    assert [v.lead.id for v in service.inbox(officer, LeadStatus.NEW).leads] == [mine.id]
    assert {v.lead.id for v in service.inbox(admin, LeadStatus.NEW).leads} == {mine.id, theirs.id}
    assert service.find_lead(officer, theirs.id) is None and service.find_lead(admin, theirs.id) is not None
    assert service.find_lead(staff("staff-a"), mine.id) is None
    assert service.inbox(officer, LeadStatus.NEW).waiting[LeadStatus.NEW] == 1
    shown = service.inbox(officer, LeadStatus.NEW).leads[0]
    assert shown.contact == "138******78" and shown.company_name is None


def test_review_dismiss_and_restore_are_audit_logged(town):
    lead = make_lead(worker(town), day=TODAY)
    officer = staff("officer-1")
    service.mark_reviewed(officer, lead, TODAY)
    with pytest.raises(Invalid):
        service.dismiss(officer, lead, "  ", TODAY)
    service.dismiss(officer, lead, "测试，不是诈骗", TODAY)
    assert lead.status == LeadStatus.DISMISSED and lead.note == "测试，不是诈骗" and lead.handled_by == officer.id
    service.mark_reviewed(officer, lead, TODAY)  # brought back
    with pytest.raises(Conflict):
        service.mark_reviewed(officer, lead, TODAY)
    actions = list(db.session.scalars(select(AuditLog.action).order_by(AuditLog.id)))
    assert actions == ["lead.reviewed", "lead.dismissed", "lead.reviewed"]


def test_the_counts_by_grid_and_channel_over_a_span(town):
    a, b = worker(town), worker(town, "b")
    make_lead(a, text="短信一号内容", day=TODAY)
    make_lead(make_employee(a.company, "A060", "孙七"), text="短信一号内容", money_lost=True, day=TODAY)
    make_lead(a, text="电话一号内容", channel="call", day=TODAY)
    make_lead(b, text="短信二号内容", day=TODAY)
    make_lead(b, text="上个月的短信", day=TODAY - timedelta(days=40))
    span = Span(TODAY - timedelta(days=6), TODAY)
    town_view = service.summary(staff("admin"), span)
    assert (town_view.total.leads, town_view.total.reports, town_view.total.money_lost) == (3, 4, 1)
    assert [(g.code, t.leads, t.reports) for g, t in town_view.by_grid] == [("g1", 2, 3), ("g2", 1, 1)]
    assert [(c, t.reports) for c, t in town_view.by_channel] == [(LeadChannel.CALL, 1), (LeadChannel.SMS, 3)]
    officer_view = service.summary(staff("officer-1"), span)
    assert [g.code for g, _t in officer_view.by_grid] == ["g1"] and officer_view.total.reports == 3
    assert service.summary(staff("admin"), span, grid_id=b.company.grid_id).total.reports == 1


def test_retention_forgets_old_leads(town):
    make_lead(worker(town), text="很久以前的短信", day=TODAY - timedelta(days=400))
    kept = make_lead(worker(town), text="最近的短信内容", day=TODAY)
    cutoff = TODAY - timedelta(days=365)
    assert service.forget(cutoff, TODAY, dry_run=True) == 1
    assert service.forget(cutoff, TODAY) == 1
    assert list(db.session.scalars(select(Lead.id))) == [kept.id]
    assert db.session.scalar(select(db.func.count(LeadReport.id))) == 1


def test_the_demo_town_s_leads_go_through_the_real_use_case(town):
    """The demo's handful of leads (quizapp demo): several reported by more than one worker, two
    with money lost, the oldest of the officer's grids reviewed. The whole demo is seeded by
    tests/app/test_cli.py; this checks its leads on a small town of the demo's company codes."""
    import random

    from quizapp.demo import service as demo
    from tests.factories import make_company, make_grid, make_staff

    grids = {code: make_grid(code, code) for code in ("xt-2", "ds-3", "lp-1")}
    for code, name, grid, *_rest in demo.COMPANIES:
        company = make_company(grids[grid], code, name)
        for i in range(4):
            make_employee(company, f"{code}{i}", f"{name}{i}")
    officer = make_staff("demo-officer", "grid_officer", grids=[grids["xt-2"], grids["ds-3"]])
    demo._leads(officer, TODAY, random.Random(1), b"demo")
    leads = list(db.session.scalars(select(Lead)))
    assert len(leads) == len(demo.LEADS) and sum(lead.money_lost for lead in leads) == 2
    assert sum(lead.reports for lead in leads) == sum(row[-1] for row in demo.LEADS)
    assert [lead.status for lead in leads].count(LeadStatus.REVIEWED) == 1
    assert max(lead.last_reported_on for lead in leads) == TODAY


def test_a_draft_alert_saved_from_a_lead_marks_it(town):
    """The alerts' seam: the drafting form prefilled from a lead saves a draft with `lead`, and the
    lead becomes "made into an alert", linked to it; a dismissed lead is left alone."""
    from quizapp.alerts import service as alerts
    from quizapp.models import Topic
    from tests.alerts import drafts

    officer = staff("officer-1")
    lead = make_lead(worker(town), text="冒充人社局发补贴短信，让我点链接填银行卡 13812345678", day=TODAY)
    dismissed = make_lead(worker(town), text="测试一下这个功能", day=TODAY)
    service.dismiss(officer, dismissed, "测试", TODAY)
    query = rules.alert_prefill(lead.id, lead.grid_id, lead.channel, lead.text, "工人举报：")
    assert query["scene"] == "sms" and query["grid"] == lead.grid_id and query["lead"] == lead.id
    assert "13812345678" not in query["scene_zh"] and "138******78" in query["scene_zh"]
    assert query["title"].startswith("工人举报：冒充人社局") and len(query["title"]) <= 5 + rules.ALERT_TITLE_CHARS + 1

    target = alerts.Target(db.session.scalar(select(Topic.id)), [lead.grid_id], TODAY + timedelta(days=14))
    alert = alerts.save_draft(officer, drafts.draft(), target, TODAY, datetime(2026, 12, 5, 2), lead=lead.id)
    assert lead.status == LeadStatus.ALERTED and lead.alert_id == alert.id
    with pytest.raises(Conflict):  # an alert's lead stays one
        service.dismiss(officer, lead, "不要了", TODAY)
    other = alerts.save_draft(officer, drafts.draft(), target, TODAY, datetime(2026, 12, 5, 3), lead=dismissed.id)
    assert dismissed.status == LeadStatus.DISMISSED and dismissed.alert_id is None and other.id
    assert "lead.alerted" in set(db.session.scalars(select(AuditLog.action)))


def test_reports_sent_at_the_same_instant_stop_at_exactly_the_daily_limit(app, town):
    # Each report in its own thread and session, released together: the count and the insert must
    # not interleave, or two of them both see DAILY_LIMIT - 1 and both insert (on PostgreSQL this
    # failed before the worker's row was claimed; SQLite serialises its writers anyway).
    tries = rules.DAILY_LIMIT + 4
    worker_id = worker(town).id
    db.session.commit()
    barrier = threading.Barrier(tries)
    outcomes: list[str] = []
    errors: list[BaseException] = []

    def one(index: int) -> None:
        try:
            with app.app_context():
                barrier.wait()
                try:
                    make_lead(db.session.get(Employee, worker_id), text=f"同一时刻的第{index}条可疑短信", day=TODAY)
                    db.session.commit()
                    outcomes.append("stored")
                except Conflict as refused:
                    db.session.rollback()
                    outcomes.append(refused.code)
        except BaseException as error:  # reported below, in the test's thread
            errors.append(error)

    threads = [threading.Thread(target=one, args=(i,)) for i in range(tries)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors
    assert sorted(outcomes) == sorted(["stored"] * rules.DAILY_LIMIT + ["leads.daily_limit"] * 4)
    stored = db.session.scalar(select(func.count(LeadReport.id)).where(LeadReport.reported_on == TODAY))
    assert stored == rules.DAILY_LIMIT
