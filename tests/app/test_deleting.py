"""Deleting a record takes a confirmation (quizapp/deleting.py), the same way on every page that
deletes: an incident, an outreach activity, a supervision follow-up. The record's button leads (GET)
to a page saying what will be deleted with 删除 / 取消; only that page's POST deletes, and a POST
without the confirmation, or without the CSRF token, deletes nothing."""

from decimal import Decimal

import pytest
from sqlalchemy import select

from quizapp.clock import local_today
from quizapp.extensions import db
from quizapp.models import AuditLog, Company, FollowUp, Incident, OutreachActivity, StaffUser, SupervisionCase
from tests.factories import make_activity
from tests.pages import sign_in_staff


def _incident(town) -> tuple[type, int, str, str]:
    incident = Incident(grid_id=db.session.get_one(Company, town.company_a).grid_id, company_id=town.company_a,
                        month=local_today().replace(day=1), fraud_type="shuadan", cases=3,
                        loss_yuan=Decimal("1234.50"))
    db.session.add(incident)
    db.session.flush()
    return Incident, incident.id, f"/reports/incidents/{incident.id}", "1,234.50"


def _activity(town) -> tuple[type, int, str, str]:
    officer = db.session.scalar(select(StaffUser).where(StaffUser.username == "officer-1"))
    record = make_activity(db.session.get_one(Company, town.company_a).grid_id, local_today(), people=77,
                           place="新塘村文化广场", created_by=officer.id)
    return OutreachActivity, record.id, f"/reports/outreach/{record.id}", "新塘村文化广场"


def _follow_up(town) -> tuple[type, int, str, str]:
    officer = db.session.scalar(select(StaffUser).where(StaffUser.username == "officer-1"))
    case = SupervisionCase(company_id=town.company_a, rule="manual", reason="r", opened_on=local_today())
    db.session.add(case)
    db.session.flush()
    follow_up = FollowUp(case_id=case.id, kind="visit", happened_on=local_today(), who="张三李四",
                         created_by=officer.id)
    db.session.add(follow_up)
    db.session.flush()
    return FollowUp, follow_up.id, f"/reports/supervision/follow-ups/{follow_up.id}", "张三李四"


RECORDS = {"incident": (_incident, "/edit", "incident.delete"),
           "outreach activity": (_activity, "/edit", "outreach.delete"),
           "follow-up": (_follow_up, "", "supervision.follow_up.delete")}


@pytest.fixture(params=sorted(RECORDS))
def record(request, app, town):
    make, edit_suffix, action = RECORDS[request.param]
    with app.app_context():
        model, record_id, base, shown = make(town)
        db.session.commit()
    return model, record_id, base, base + edit_suffix, shown, action


def _exists(app, model, record_id) -> bool:
    with app.app_context():
        return db.session.get(model, record_id) is not None


def _deletions(app, action) -> int:
    with app.app_context():
        return len(db.session.scalars(select(AuditLog.id).where(AuditLog.action == action)).all())


def test_the_delete_button_leads_to_a_page_saying_what_will_be_deleted(client, town, record):
    _, _, base, edit_url, shown, _ = record
    sign_in_staff(client, "officer-1")
    edit = client.get(edit_url).get_data(as_text=True)
    assert f'<form method="get" action="{base}/delete"' in edit  # a GET: works with JavaScript off
    page = client.get(base + "/delete")
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "删除这条" in text and shown in text  # the question, and what the record says
    assert 'name="confirm"' in text and ">删除</button>" in text
    assert f'href="{edit_url}">取消</a>' in text  # 取消 goes back to the record


def test_a_post_without_the_confirmation_deletes_nothing(app, client, town, record):
    model, record_id, base, _, shown, action = record
    sign_in_staff(client, "officer-1")
    for data in ({}, {"confirm": ""}, {"confirm": "no"}):
        response = client.post(base + "/delete", data=data)
        assert response.status_code == 200 and shown in response.get_data(as_text=True)  # the page, again
        assert _exists(app, model, record_id)
    assert _deletions(app, action) == 0


def test_the_confirmation_is_csrf_protected(app, client, town, record, monkeypatch):
    model, record_id, base, *_ = record
    sign_in_staff(client, "officer-1")
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    assert client.post(base + "/delete", data={"confirm": "yes"}).status_code == 400
    assert _exists(app, model, record_id)


def test_the_confirmation_page_s_post_deletes_and_the_audit_log_keeps_it(app, client, town, record):
    model, record_id, base, _, _, action = record
    sign_in_staff(client, "officer-1")
    response = client.post(base + "/delete", data={"confirm": "yes"})
    assert response.status_code == 302
    assert not _exists(app, model, record_id)
    assert _deletions(app, action) == 1


def test_another_grid_s_officer_gets_no_confirmation_page(app, client, town, record):
    from tests.factories import make_grid, make_staff

    model, record_id, base, *_ = record
    with app.app_context():
        make_staff("officer-9", "grid_officer", grids=[make_grid("g9", "网格九")])
        db.session.commit()
    sign_in_staff(client, "officer-9")
    assert client.get(base + "/delete").status_code == 404
    assert client.post(base + "/delete", data={"confirm": "yes"}).status_code == 404
    assert _exists(app, model, record_id)
