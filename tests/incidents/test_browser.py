"""An officer deletes an incident record in a real browser with JavaScript off, in Chinese: the
delete button leads to a page saying what will be deleted; 取消 goes back and keeps it, 删除 deletes it.
And the new-record form starts with no company chosen."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import select

from quizapp.clock import local_today
from quizapp.extensions import db
from quizapp.models import Company, Incident
from tests.browser import shot, sign_in_staff

pytestmark = pytest.mark.e2e


def test_deleting_a_record_asks_first_and_works_without_javascript(app, browser, live_server, town):
    with app.app_context():
        incident = Incident(grid_id=db.session.get_one(Company, town.company_a).grid_id, company_id=town.company_a,
                            month=local_today().replace(day=1), fraud_type="shuadan", cases=3,
                            loss_yuan=Decimal("1234.50"))
        db.session.add(incident)
        db.session.commit()
        incident_id = incident.id
    context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="zh-CN", java_script_enabled=False)
    try:
        page = context.new_page()
        sign_in_staff(page, live_server, "officer-1")
        page.goto(f"{live_server}/reports/incidents/new")
        company = page.locator("#company option")
        assert company.first.inner_text() == "请选择…" and page.locator("#company").input_value() == ""
        page.goto(f"{live_server}/reports/incidents/{incident_id}/edit")
        page.get_by_role("button", name="删除这条记录").click()
        page.wait_for_load_state()
        text = page.locator("main").inner_text()
        assert "删除这条记录？" in text and "甲厂" in text and "1,234.50" in text
        shot(page, "officer-incident-delete-confirm")
        page.get_by_role("link", name="取消").click()
        page.wait_for_load_state()
        assert page.url.endswith(f"/reports/incidents/{incident_id}/edit")
        with app.app_context():
            assert db.session.get(Incident, incident_id) is not None
        page.get_by_role("button", name="删除这条记录").click()
        page.wait_for_load_state()
        page.get_by_role("button", name="删除", exact=True).click()
        page.wait_for_load_state()
        assert "记录已删除" in page.content()
        with app.app_context():
            assert db.session.scalar(select(Incident.id).where(Incident.id == incident_id)) is None
    finally:
        context.close()
