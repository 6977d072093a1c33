"""The learning page: officers see their grids' figures, the town admin the town's; company staff
and workers are refused (the access walk covers every role); the menu links it."""

from datetime import timedelta

from quizapp.clock import local_today
from quizapp.extensions import db
from quizapp.models import CompanyDay
from tests.pages import read, sign_in_staff, sign_in_staff_in_english


def rows(app, town):
    with app.app_context():
        day = local_today() - timedelta(days=1)
        db.session.add_all([
            CompanyDay(company_id=town.company_a, day=day, headcount=2, completed=2, common_correct=3,
                       common_answered=4),
            CompanyDay(company_id=town.company_b, day=day, headcount=1, completed=1, common_correct=1,
                       common_answered=2)])
        db.session.commit()


def test_an_officer_sees_the_learning_figures_of_their_grids_only(app, client, town):
    rows(app, town)
    sign_in_staff_in_english(client, "officer-1")
    status, html = read(client, "/reports/learning")
    assert status == 200
    assert "Knowledge index by grid and month" in html and "网格一" in html and "网格二" not in html
    assert "Accuracy on questions seen before, by days since last seen" in html
    assert "Learning estimate" in html and "Late minus early finishers" in html
    assert "甲厂" in html and "乙厂" not in html
    assert 'href="/reports/learning"' in read(client, "/reports/")[1]


def test_the_town_admin_sees_every_grid_in_chinese_by_default(app, client, town):
    rows(app, town)
    sign_in_staff(client, "admin")
    status, html = read(client, "/reports/learning")
    assert status == 200 and "网格一" in html and "网格二" in html
    assert "遗忘曲线" in html


def test_company_staff_cannot_open_it(client, town):
    sign_in_staff(client, "staff-a")
    assert client.get("/reports/learning").status_code == 403
