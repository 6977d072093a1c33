"""The town admin's targets page (admin.targets_page): the participation target the dashboard,
comparison, reports and digest read, set by the town admin for their own town only, audited; and
the supervision line, shown beside it as a different figure."""

from sqlalchemy import select

from quizapp.dashboard import service as dashboard
from quizapp.extensions import db
from quizapp.models import AuditLog
from tests.factories import first_town, make_staff, make_town_row
from tests.pages import read, sign_in_staff, sign_in_staff_in_english


def test_the_admin_sets_the_town_s_target_and_the_dashboard_reads_it(app, client, town):
    sign_in_staff_in_english(client, "admin")
    status, page = read(client, "/admin/targets")
    assert status == 200 and 'value="80"' in page and "under 60%" in page
    status, dash = read(client, "/reports/")
    assert "participation target of 80%" in dash
    response = client.post("/admin/targets", data={"participation": "70", "confirm": "yes"})  # from the preview
    assert response.status_code == 302
    status, page = read(client, "/admin/targets")
    assert "The participation target is now 70%." in page and 'value="70"' in page
    status, dash = read(client, "/reports/")
    assert "participation target of 70%" in dash
    with app.app_context():
        town_id = first_town().id
        assert dashboard.participation_target(town_id) == 0.7
        rows = db.session.scalars(select(AuditLog).where(AuditLog.action == "targets.participation")).all()
        assert [(row.town_id, row.detail) for row in rows] == [(town_id, '{"participation_target": 0.7}')]
    client.post("/admin/targets", data={"participation": "70"})  # the same again: nothing to record
    with app.app_context():
        assert db.session.scalar(select(AuditLog.id).where(AuditLog.action == "targets.participation")
                                 .order_by(AuditLog.id.desc()).offset(1)) is None


def test_a_target_out_of_range_or_not_a_number_says_so_and_changes_nothing(app, client, town):
    sign_in_staff_in_english(client, "admin")
    for typed, words in (("0", "From 1 to 100."), ("101", "From 1 to 100."), ("", "whole number of percent"),
                         ("七十", "Not a valid integer value")):
        response = client.post("/admin/targets", data={"participation": typed})
        text = response.get_data(as_text=True)
        assert response.status_code == 400 and words in text, typed
    with app.app_context():
        assert dashboard.participation_target(first_town().id) == 0.8


def test_another_town_s_admin_sets_their_own_town_only(app, client, town):
    with app.app_context():
        other = make_town_row("other", "另一镇")
        make_staff("admin-other", "town_admin", town=other)
        db.session.commit()
        other_id = other.id
    sign_in_staff(client, "admin-other")
    assert client.post("/admin/targets", data={"participation": "55", "confirm": "yes"}).status_code == 302
    with app.app_context():
        assert dashboard.participation_target(first_town().id) == 0.8
        assert dashboard.participation_target(other_id) == 0.55
