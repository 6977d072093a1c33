"""A new participation target is saved only after a page showing what it changes (quizapp/deleting.py):
the target now and the new one, the companies it would newly put under target (by the grid
dashboard's own figure, 30-day participation), and those it would take out. A POST without the
confirmation saves nothing."""

from datetime import timedelta

from sqlalchemy import select

from quizapp.clock import local_today, utcnow
from quizapp.dashboard import service as dashboard
from quizapp.extensions import db
from quizapp.models import AuditLog, CompanyDay, StaffUser
from quizapp.targets import service
from tests.factories import first_town
from tests.pages import sign_in_staff_in_english


def _participation(town, completed: int) -> None:
    """Company A's last 30 days: `completed` of 20 on every day (company B: none done today, 0%)."""
    for n in range(1, 31):
        db.session.add(CompanyDay(company_id=town.company_a, day=local_today() - timedelta(days=n), workday=True,
                                  headcount=20, completed=completed))
    db.session.commit()


def test_the_preview_lists_the_companies_a_higher_target_puts_under_it(ctx, town):
    _participation(town, 17)  # about 85% (today not done yet): over the 80% target, under 90%
    admin = db.session.scalars(select(StaffUser).where(StaffUser.username == "admin")).one()
    higher = service.preview_target(admin, 90, local_today(), utcnow())
    assert (higher.newly_below, higher.no_longer_below) == (["甲厂"], [])  # 乙厂 (0% today) is under both
    lower = service.preview_target(admin, 82, local_today(), utcnow())
    assert (lower.newly_below, lower.no_longer_below) == ([], [])  # over both
    assert service.target_percent(admin) == 80  # nothing written


def test_saving_a_new_target_asks_first_with_the_companies_it_moves(app, client, town):
    with app.app_context():
        _participation(town, 14)  # about 70%: under the 80% target
    sign_in_staff_in_english(client, "admin")
    for data in ({"participation": "60"}, {"participation": "60", "confirm": "no"}):
        response = client.post("/admin/targets", data=data)
        page = response.get_data(as_text=True)
        assert response.status_code == 200 and "Set the participation target to 60%?" in page
        assert "80%" in page and "1 companies are no longer under target: 甲厂" in page
        assert "By the new target, no more companies will be under it." in page
        assert '<input type="hidden" name="participation" value="60">' in page  # carried to the POST
        assert 'href="/admin/targets">Cancel</a>' in page
    page = client.post("/admin/targets", data={"participation": "65"}).get_data(as_text=True)
    assert "1 companies are no longer under target" in page
    page = client.post("/admin/targets", data={"participation": "95"}).get_data(as_text=True)
    assert "By the new target, no more companies will be under it." in page  # both are under 80% already
    with app.app_context():
        assert dashboard.participation_target(first_town().id) == 0.8
        assert db.session.scalar(select(AuditLog.id).where(AuditLog.action == "targets.participation")) is None
    response = client.post("/admin/targets", data={"participation": "60", "confirm": "yes"})
    assert response.status_code == 302
    with app.app_context():
        assert dashboard.participation_target(first_town().id) == 0.6


def test_the_preview_names_companies_newly_under_a_higher_target(app, client, town):
    with app.app_context():
        _participation(town, 17)  # about 85%
    sign_in_staff_in_english(client, "admin")
    page = client.post("/admin/targets", data={"participation": "90"}).get_data(as_text=True)
    assert "By the new target, 1 more companies will be under it:" in page and "<li>甲厂</li>" in page
