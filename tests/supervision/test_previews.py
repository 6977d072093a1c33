""""Check now" and new supervision thresholds take a confirmation page (quizapp/deleting.py) showing
which companies would be newly flagged (按新的督办线，将新增督办 N 家：…), computed by the check's own
supervision.service.would_flag; only that page's POST runs the check or saves the thresholds."""

from sqlalchemy import select

from quizapp.clock import local_today
from quizapp.extensions import db
from quizapp.models import AuditLog, CompanyDay, SupervisionCase, TownSetting
from quizapp.supervision.rules import last_workdays
from tests.factories import first_town
from tests.pages import sign_in_staff

RULES = {"participation_target": "60", "participation_workdays": "5", "knowledge_days": "30", "knowledge_drop": "10",
         "knowledge_min_answers": "30", "incident_months": "3", "incident_min_cases": "2", "incident_min_heat": "0"}


def lagging(app, town) -> None:
    """Company A at 10% and company B at 65% on each of their last five workdays."""
    with app.app_context():
        for company, completed in ((town.company_a, 1), (town.company_b, 13)):
            headcount = 10 if company == town.company_a else 20
            for day in last_workdays(local_today(), "123456", 5):
                db.session.add(CompanyDay(company_id=company, day=day, workday=True, headcount=headcount,
                                          completed=completed))
        db.session.commit()


def signed_in(client, username: str):
    client.set_cookie("lang", "en")
    sign_in_staff(client, username)
    return client


def opened(app) -> list[str]:
    with app.app_context():
        return list(db.session.scalars(select(SupervisionCase.rule).order_by(SupervisionCase.id)))


def test_check_now_shows_who_will_be_flagged_then_runs(app, client, town):
    lagging(app, town)
    admin = signed_in(client, "admin")
    page = admin.get("/reports/supervision").get_data(as_text=True)
    assert '<form method="get" action="/reports/supervision/check" class="check">' in page  # JavaScript off
    response = admin.get("/reports/supervision/check")
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "Run the check now?" in page
    assert "By the current supervision line, 1 companies will be newly flagged:" in page
    assert "甲厂 — Participation under the supervision line: Participation under 60%" in page and "乙厂" not in page
    assert 'href="/reports/supervision">Cancel</a>' in page
    for data in ({}, {"confirm": "no"}):
        assert admin.post("/reports/supervision/check", data=data).status_code == 200  # the page again
    assert opened(app) == []
    response = admin.post("/reports/supervision/check", data={"confirm": "yes"})
    assert response.status_code == 302 and opened(app) == ["participation"]
    page = admin.get("/reports/supervision/check").get_data(as_text=True)
    assert "By the current supervision line, no company will be newly flagged." in page  # open already


def test_an_officer_gets_no_preview_and_runs_nothing(app, client, town):
    lagging(app, town)
    officer = signed_in(client, "officer-1")
    assert officer.get("/reports/supervision/check").status_code == 302
    assert officer.post("/reports/supervision/check", data={"confirm": "yes"}).status_code == 302
    assert opened(app) == []


def test_new_thresholds_show_the_changes_and_who_they_flag_then_save(app, client, town):
    lagging(app, town)
    admin = signed_in(client, "admin")
    new = {**RULES, "participation_target": "70"}
    for data in (new, {**new, "confirm": "no"}):
        response = admin.post("/reports/supervision/rules", data=data)
        page = response.get_data(as_text=True)
        assert response.status_code == 200 and "Save the new rules?" in page
        assert "60 → 70" in page and "Workdays in a row" not in page  # only what changes
        assert "By the new supervision line, 2 companies will be newly flagged (1 of them only because of this " \
               "change):" in page
        assert "乙厂 — Participation under the supervision line: Participation under 70%" in page
        assert "(only with the new values)" in page
        assert '<input type="hidden" name="participation_target" value="70">' in page  # carried to the POST
    with app.app_context():
        assert db.session.get(TownSetting, (first_town().id, "supervision_rules")) is None
    response = admin.post("/reports/supervision/rules", data={**new, "confirm": "yes"})
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(TownSetting, (first_town().id, "supervision_rules")).value["participation_target"] == 0.7
        assert len(db.session.scalars(select(AuditLog.id).where(AuditLog.action == "supervision_rules")).all()) == 1
    assert opened(app) == []  # saving opens no case: the next check does


def test_unchanged_thresholds_save_nothing_and_bad_ones_are_explained_first(app, client, town):
    admin = signed_in(client, "admin")
    response = admin.post("/reports/supervision/rules", data=RULES, follow_redirects=True)
    assert "Nothing was changed." in response.get_data(as_text=True)
    bad = admin.post("/reports/supervision/rules", data={**RULES, "participation_workdays": "99", "confirm": "yes"})
    assert bad.status_code == 200 and "From 1 to 30." in bad.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(TownSetting, (first_town().id, "supervision_rules")) is None
