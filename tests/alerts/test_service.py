"""alerts.service: drafting (an officer for their grids), publishing (the town admin only), the
alert in a worker's next quiz (first personal slot, once, unscored, out of the bank's figures),
withdrawing and expiry, the audit trail, and reach as aggregates."""

from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import select

from quizapp.alerts import rules, service
from quizapp.bank.items import analyse_items
from quizapp.extensions import db
from quizapp.models import Alert, Attempt, AuditLog, Company, CompanyDay, Employee, Grid, StaffUser, Topic
from quizapp.quiz import service as quiz
from quizapp.rollups.service import topic_answers
from quizapp.rules.errors import Conflict, Forbidden, Invalid, Problems
from tests.alerts import drafts
from tests.factories import make_employee, take_quiz

DAY = date(2026, 12, 7)  # a Monday
NOW = datetime(2026, 12, 7, 1, 0)


def _staff(username: str) -> StaffUser:
    return db.session.scalar(select(StaffUser).where(StaffUser.username == username))


def _grid(code: str) -> Grid:
    return db.session.scalar(select(Grid).where(Grid.code == code))


def _target(*codes: str, expires: date | None = None) -> service.Target:
    return service.Target(topic_id=db.session.scalar(select(Topic.id).order_by(Topic.id)),
                          grid_ids=[_grid(c).id for c in codes], expires_on=expires or rules.default_expiry(DAY))


def _published(*codes: str, expires: date | None = None) -> Alert:
    alert = service.save_draft(_staff("officer-1"), drafts.draft(), _target(*codes, expires=expires), DAY, NOW)
    return service.publish(_staff("admin"), alert, DAY)


def test_an_officer_drafts_for_their_own_grids_only(ctx, town):
    officer = _staff("officer-1")
    alert = service.save_draft(officer, drafts.draft(), _target("g1"), DAY, NOW)
    assert alert.status == "draft" and [g.code for g in alert.grids] == ["g1"]
    with pytest.raises(Invalid) as refused:
        service.save_draft(officer, drafts.draft(), _target("g2"), DAY, NOW)
    assert (refused.value.code, refused.value.field) == ("alerts.not_your_grid", "grids")


def test_every_problem_of_a_draft_is_refused_at_once_and_nothing_is_saved(ctx, town):
    with pytest.raises(Problems) as refused:
        service.save_draft(_staff("officer-1"), drafts.draft(title="", lesson={"zh": "短", "en": "x"}),
                           _target("g1", expires=DAY - timedelta(days=1)), DAY, NOW)
    assert {(p.field, p.code) for p in refused.value.problems} == {
        ("title", "alerts.missing"), ("lesson_zh", "alerts.lesson_length"), ("expires_on", "alerts.expiry_past")}
    assert db.session.scalar(select(Alert.id)) is None


def test_only_the_town_admin_publishes_not_even_the_drafter(ctx, town):
    officer = _staff("officer-1")
    alert = service.save_draft(officer, drafts.draft(), _target("g1"), DAY, NOW)
    with pytest.raises(Forbidden):
        service.publish(officer, alert, DAY)
    service.publish(_staff("admin"), alert, DAY)
    assert alert.status == "published" and alert.published_on == DAY
    with pytest.raises(Conflict):
        service.publish(_staff("admin"), alert, DAY)
    with pytest.raises(Conflict):
        service.edit_draft(officer, alert, drafts.draft(), _target("g1"), DAY, NOW)


def test_the_audit_log_records_who_drafted_edited_published_and_withdrew(ctx, town):
    officer, admin = _staff("officer-1"), _staff("admin")
    alert = service.save_draft(officer, drafts.draft(), _target("g1"), DAY, NOW)
    service.edit_draft(admin, alert, drafts.draft(title="改过的标题"), _target("g1"), DAY, NOW)
    service.publish(admin, alert, DAY)
    service.withdraw(officer, alert, DAY)
    rows = db.session.execute(select(AuditLog.action, AuditLog.actor_id).order_by(AuditLog.id)).all()
    assert [tuple(r) for r in rows] == [("alert.draft", officer.id), ("alert.edit", admin.id),
                                        ("alert.publish", admin.id), ("alert.withdraw", officer.id)]
    assert service.people(alert) == {"created_by": officer.display_name, "updated_by": admin.display_name,
                                     "published_by": admin.display_name, "withdrawn_by": officer.display_name}


def test_the_worker_gets_the_alert_first_among_personal_questions_once_and_unscored(ctx, town):
    alert = _published("g1")
    worker = db.session.get(Employee, town.worker_a)
    first = take_quiz(worker, DAY)
    slots = [a for a in first.answers if a.alert_id == alert.id]
    assert len(slots) == 1 and slots[0].position == 3  # after the two common questions
    assert slots[0].question.alert_id == alert.id and slots[0].correct is True
    assert first.total == first.slots - 1 and first.score == first.total  # right everywhere, alert not scored
    second = take_quiz(worker, DAY + timedelta(days=1))
    assert all(a.alert_id is None for a in second.answers)  # once
    other_grid = take_quiz(db.session.get(Employee, town.worker_b), DAY)
    assert all(a.alert_id is None for a in other_grid.answers)
    result = quiz.result(first, worker, DAY, NOW)
    assert result.alert is not None and result.alert.id == alert.id


def test_an_unanswered_alert_question_comes_back_and_a_withdrawn_or_expired_one_does_not(ctx, town):
    alert = _published("g1", expires=DAY + timedelta(days=2))
    worker = db.session.get(Employee, town.worker_a)
    assert service.alert_slot(worker, DAY) is not None
    take_quiz(worker, DAY, finish=False)  # time runs out before it is answered
    assert service.alert_slot(worker, DAY + timedelta(days=1))[0] == alert.id
    assert service.alert_slot(worker, DAY + timedelta(days=3)) is None  # expired
    service.withdraw(_staff("admin"), alert, DAY + timedelta(days=1))
    assert service.alert_slot(worker, DAY + timedelta(days=1)) is None
    assert service.list_alerts(_staff("officer-1"), DAY + timedelta(days=1)).history == [alert]


def test_alert_answers_stay_out_of_the_knowledge_index_topics_and_item_analysis(ctx, town):
    alert = _published("g1")
    worker = db.session.get(Employee, town.worker_a)
    attempt = take_quiz(worker, DAY, wrong=10)  # every answer wrong, the alert's too
    assert any(a.alert_id == alert.id and a.correct is False for a in attempt.answers)
    day = db.session.get(CompanyDay, (town.company_a, DAY))
    assert day.question_sum == attempt.total and day.common_answered == 2
    per_topic = db.session.execute(topic_answers(Attempt.id == attempt.id)).all()
    assert sum(answered for _, answered, _ in per_topic) == attempt.total
    analysed = {row.slug for row in analyse_items(DAY) if row.stats}
    assert analysed and not any(slug.startswith("alert-") for slug in analysed)


def test_reach_counts_workers_who_saw_it_and_right_first_tries_without_names(ctx, town):
    officer, admin = _staff("officer-1"), _staff("admin")
    draft = service.save_draft(admin, drafts.draft(), _target("g1", "g2"), DAY, NOW)
    alert = service.publish(admin, draft, DAY)
    company_a = db.session.get(Company, town.company_a)
    for number in range(20):
        make_employee(company_a, f"A3{number:02d}", f"工人{number}")
    take_quiz(db.session.get(Employee, town.worker_a), DAY)
    take_quiz(db.session.get(Employee, town.worker_b), DAY, wrong=10)
    companies, grids, whole = service.reach(admin, alert, DAY)
    assert [(r.grid, r.company, r.workers, r.right) for r in companies] == [("网格一", "甲厂", 1, 1),
                                                                            ("网格二", None, 1, 0)]
    assert (whole.workers, whole.right) == (2, 1)
    officer_rows, officer_grids, _ = service.reach(officer, alert, DAY)
    assert [r.grid for r in officer_rows + officer_grids] == ["网格一", "网格一"]
