"""The supervision pages: the list and its rules, "check now", adding by hand, a case with its
follow-ups and closing, the ledger, and another grid's officer never seeing company A's cases."""

import csv
import io
from datetime import timedelta

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from quizapp.clock import local_today
from quizapp.extensions import db
from quizapp.incidents.rules import add_months
from quizapp.models import AuditLog, CompanyDay, FollowUp, Grid, StaffUser, SupervisionCase, TownSetting
from quizapp.supervision.rules import last_workdays
from tests.factories import first_town, make_incident, make_staff
from tests.pages import QUIET, RUN, rows_under, sign_in_staff

WORKER_NAMES = ("王小明", "李小红", "张新来", "A001", "B001")


def signed_in(client, username: str):
    client.set_cookie("lang", "en")
    sign_in_staff(client, username)
    return client


@pytest.fixture
def case_a(app, town):
    """An open case of company A with a fortnight of low participation before today."""
    with app.app_context():
        case = SupervisionCase(company_id=town.company_a, rule="participation", reason="Participation under 60%",
                               opened_on=local_today() - timedelta(days=3), status="open")
        db.session.add(case)
        for n in range(1, 15):
            day = local_today() - timedelta(days=n)
            db.session.add(CompanyDay(company_id=town.company_a, day=day, workday=True, headcount=10, completed=2))
        db.session.commit()
        return case.id


def no_worker_names(text: str) -> None:
    for name in WORKER_NAMES:
        assert name not in text


def test_officers_see_the_list_and_the_rules_read_only(client, case_a):
    page = signed_in(client, "officer-1").get("/reports/supervision").get_data(as_text=True)
    assert "甲厂" in page and "Participation under 60%" in page and "Participation under the supervision line" in page
    assert "The town admin sets these values." in page and "Check now" not in page
    assert "under 60% on each of the last 5 workdays" in page
    no_worker_names(page)


def test_only_the_admin_checks_now_and_changes_the_rules(app, client, town):
    with app.app_context():
        for day in last_workdays(local_today(), "123456", 5):
            db.session.add(CompanyDay(company_id=town.company_a, day=day, workday=True, headcount=10, completed=1))
        db.session.commit()
    officer = signed_in(client, "officer-1")
    assert officer.post("/reports/supervision/check").status_code == 302
    assert officer.post("/reports/supervision/rules", data={"participation_target": "90"}).status_code == 302
    assert "Only the town admin can change the rules." in officer.get("/reports/supervision").get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(SupervisionCase.id)) is None
        assert db.session.get(TownSetting, (first_town().id, "supervision_rules")) is None
    officer.post("/logout")
    admin = signed_in(client, "admin")
    page = admin.get("/reports/supervision").get_data(as_text=True)
    assert "Check now" in page and 'name="participation_target"' in page and 'value="60"' in page
    response = admin.post("/reports/supervision/check", data={"confirm": "yes"})  # from the preview
    assert "1 companies newly flagged" in admin.get(response.location).get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(SupervisionCase.rule)) == "participation"


def test_the_admin_saves_rules_and_bad_values_are_explained(app, client, town):
    admin = signed_in(client, "admin")
    values = {"participation_target": "70", "participation_workdays": "3", "knowledge_days": "30",
              "knowledge_drop": "15", "knowledge_min_answers": "50", "incident_months": "3", "incident_min_cases": "2"}
    assert admin.post("/reports/supervision/rules", data={**values, "confirm": "yes"}).status_code == 302
    with app.app_context():
        stored = db.session.get(TownSetting, (first_town().id, "supervision_rules")).value
        assert stored["participation_target"] == 0.7 and stored["knowledge_drop"] == 0.15
    bad = admin.post("/reports/supervision/rules", data={**values, "participation_workdays": "99"})
    assert bad.status_code == 200 and "From 1 to 30." in bad.get_data(as_text=True)


def test_an_officer_adds_a_company_by_hand(app, client, town):
    officer = signed_in(client, "officer-1")
    empty = officer.post("/reports/supervision/cases", data={"company": str(town.company_a), "reason": ""})
    assert empty.status_code == 200 and "Say why the company goes on the list." in empty.get_data(as_text=True)
    other = officer.post("/reports/supervision/cases", data={"company": str(town.company_b), "reason": "x"})
    assert other.status_code == 200 and "Not a valid choice" in other.get_data(as_text=True)
    response = officer.post("/reports/supervision/cases", data={"company": str(town.company_a),
                                                                "reason": "Many workers missed the session"})
    assert response.status_code == 302 and "/reports/supervision/cases/" in response.location
    with app.app_context():
        (case,) = db.session.scalars(select(SupervisionCase)).all()
        assert (case.company_id, case.rule) == (town.company_a, "manual")


def test_a_follow_up_shows_participation_before_and_after_and_closing_needs_a_reason(app, client, case_a):
    officer = signed_in(client, "officer-1")
    url = f"/reports/supervision/cases/{case_a}"
    bad = officer.post(f"{url}/follow-ups", data={"kind": "yuetan", "happened_on": "", "who": ""})
    assert bad.status_code == 200 and "Say who took part." in bad.get_data(as_text=True)
    future = officer.post(f"{url}/follow-ups", data={"kind": "yuetan", "who": "Boss",
                                                   "happened_on": (local_today() + timedelta(days=2)).isoformat()})
    assert "cannot be in the future" in future.get_data(as_text=True)
    happened = (local_today() - timedelta(days=7)).isoformat()
    unsaid = officer.post(f"{url}/follow-ups", data={"kind": "yuetan", "happened_on": happened, "who": "Boss"})
    assert "records who was summoned" in unsaid.get_data(as_text=True)
    missing = officer.post(f"{url}/close", data={"reason": "Participation back above target"})
    assert missing.status_code == 200 and "Log at least one follow-up" in missing.get_data(as_text=True)
    assert officer.post(f"{url}/follow-ups", data={"kind": "yuetan", "happened_on": happened, "who": "Factory manager",
                                                   "notes": "Agreed a daily reminder", "outcome": "Promised",
                                                   "summoned_name": "张厂长", "summoned_role": "厂长",
                                                   "place": "派出所会议室"}).status_code == 302
    page = officer.get(url).get_data(as_text=True)
    assert "张厂长 · 厂长" in page and "派出所会议室" in page and "Follow-up added" in page
    assert "Formal talk (约谈)" in page and "Factory manager" in page and "Agreed a daily reminder" in page
    assert "Participation: 20% in the two weeks before, 20% from the follow-up on" in page
    assert 'class="strip"' in page and "(7 days still to come)" in page
    no_worker_names(page)
    missing = officer.post(f"{url}/close", data={"reason": "  "})
    assert missing.status_code == 200 and "Give the result of the case" in missing.get_data(as_text=True)
    closed = officer.post(f"{url}/close", data={"reason": "Participation back above target"})
    assert closed.status_code == 302 and "status=closed" in closed.location
    listed = officer.get("/reports/supervision?status=closed").get_data(as_text=True)
    assert "Participation back above target" in listed and "甲厂" in listed
    assert "No open cases." in officer.get("/reports/supervision").get_data(as_text=True)
    assert "Log a follow-up" not in officer.get(url).get_data(as_text=True)


def test_the_ledger_downloads_as_csv_and_xlsx_and_is_audited(app, client, case_a):
    with app.app_context():
        officer_id = db.session.scalar(select(StaffUser.id).where(StaffUser.username == "officer-1"))
        db.session.add(FollowUp(case_id=case_a, kind="visit", happened_on=local_today() - timedelta(days=1),
                                who="HR office", notes="n", outcome="o", created_by=officer_id))
        db.session.commit()
    officer = signed_in(client, "officer-1")
    response = officer.get("/reports/supervision/ledger.csv?status=open")
    assert response.status_code == 200 and response.data.startswith(b"\xef\xbb\xbf")
    text = response.data.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[1][3] == "甲厂" and rows[1][14] == "Visit" and rows[1][20] == "20.0%"
    no_worker_names(text)
    xlsx = officer.get("/reports/supervision/ledger.xlsx")
    assert load_workbook(io.BytesIO(xlsx.data)).active["P2"].value == "HR office"
    with app.app_context():
        details = db.session.scalars(select(AuditLog.detail).where(AuditLog.action == "export_ledger")
                                     .order_by(AuditLog.id)).all()
        assert len(details) == 2 and '"status": "open"' in details[0] and '"format": "xlsx"' in details[1]


def test_the_list_and_its_ledger_show_each_case_s_grid_months_without_a_case(app, client, town, case_a):
    """The incidents page's figure and words (incidents.figures.quiet_grids) for each listed company's
    grid, under the incidents page's headings, on the list and at the end of the ledger's rows."""
    with app.app_context():
        this_month = local_today().replace(day=1)
        g1, g2 = (db.session.scalar(select(Grid.id).where(Grid.code == code)) for code in ("g1", "g2"))
        make_incident(g1, add_months(this_month, -2), cases=1, company_id=town.company_b)  # another company, same grid
        make_incident(g1, add_months(this_month, -7), cases=3)
        db.session.add(SupervisionCase(company_id=town.company_b, rule="manual", reason="B's case",
                                       opened_on=local_today(), status="open"))
        db.session.commit()
        assert g2 is not None  # 乙厂's grid: no case ever recorded
    admin = signed_in(client, "admin")
    rows = rows_under(admin.get("/reports/supervision").get_data(as_text=True), "Company", "Grid",
                      QUIET, RUN)
    assert {name: (row["Grid"], row[QUIET], row[RUN])
            for name, row in rows.items()} == {"甲厂": ("网格一", "2", "1 month in a row with zero cases"),
                                               "乙厂": ("网格二", "–", "–")}
    ledger = list(csv.reader(io.StringIO(admin.get("/reports/supervision/ledger.csv").data.decode("utf-8-sig"))))
    assert ledger[0][-2:] == [QUIET, RUN]
    assert {row[3]: row[-2:] for row in ledger[1:]} == {"甲厂": ["2", "1 month in a row with zero cases"],
                                                        "乙厂": ["", ""]}
    book = load_workbook(io.BytesIO(admin.get("/reports/supervision/ledger.xlsx").data)).active
    assert [[c.value for c in row][-2:] for row in book.iter_rows(min_row=2)] == [
        [2, "1 month in a row with zero cases"], [None, None]]


def test_another_grids_officer_gets_404_for_company_as_cases(app, client, case_a):
    with app.app_context():
        make_staff("officer-2", "grid_officer", grids=[db.session.scalar(select(Grid).where(Grid.code == "g2"))])
        db.session.commit()
    other = signed_in(client, "officer-2")
    url = f"/reports/supervision/cases/{case_a}"
    assert other.get(url).status_code == 404
    assert other.post(f"{url}/follow-ups", data={"kind": "talk", "happened_on": "2026-01-01",
                                                 "who": "x"}).status_code == 404
    assert other.post(f"{url}/close", data={"reason": "not mine"}).status_code == 404
    assert "甲厂" not in other.get("/reports/supervision").get_data(as_text=True)
    ledger = other.get("/reports/supervision/ledger.csv").data.decode("utf-8-sig")
    assert "甲厂" not in ledger and len(ledger.strip().splitlines()) == 1
    with app.app_context():
        case = db.session.get(SupervisionCase, case_a)
        assert case.status == "open" and db.session.scalar(select(FollowUp.id)) is None


def test_closing_without_the_csrf_token_fails(app, client, case_a, monkeypatch):
    officer = signed_in(client, "officer-1")
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    assert officer.post(f"/reports/supervision/cases/{case_a}/close", data={"reason": "x"}).status_code == 400
    with app.app_context():
        assert db.session.get(SupervisionCase, case_a).status == "open"


def test_an_officer_assigns_a_case_sees_it_overdue_and_reopens_it(app, client, case_a):
    officer = signed_in(client, "officer-1")
    url = f"/reports/supervision/cases/{case_a}"
    with app.app_context():
        officer_id = db.session.scalar(select(StaffUser.id).where(StaffUser.username == "officer-1"))
    past = officer.post(f"{url}/assign", data={"owner": officer_id, "deadline": "2000-01-01"})
    assert past.status_code == 200 and "cannot be before today" in past.get_data(as_text=True)
    soon = (local_today() + timedelta(days=3)).isoformat()
    assert officer.post(f"{url}/assign", data={"owner": officer_id, "deadline": soon}).status_code == 302
    page = officer.get(url).get_data(as_text=True)
    assert soon in page and "Owner and deadline set" in page and "overdue" not in page.split("<h2>")[0]
    with app.app_context():  # the deadline passes
        db.session.get(SupervisionCase, case_a).deadline = local_today() - timedelta(days=1)
        db.session.commit()
    listed = officer.get("/reports/supervision").get_data(as_text=True)
    assert 'class="overdue"' in listed and "Supervision in" in listed
    no_worker_names(listed)
    officer.post(f"{url}/follow-ups", data={"kind": "visit", "happened_on": local_today().isoformat(), "who": "HR"})
    assert officer.post(f"{url}/close", data={"reason": "Reminders every shift"}).status_code == 302
    assert officer.post(f"{url}/reopen", data={"reason": " "}).status_code == 200
    assert officer.post(f"{url}/reopen", data={"reason": "Fell again"}).status_code == 302
    page = officer.get(url).get_data(as_text=True)
    assert "Reopened" in page and "Fell again" in page and "Reminders every shift" in page  # kept in the history
    no_worker_names(page)
