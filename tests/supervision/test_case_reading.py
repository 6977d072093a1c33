"""What a QA walkthrough of the case page found: a case offered to another town's admin as its
owner, internal codes and untranslated reasons in the case's words, and a deactivated company's
closed cases vanishing. Each test reads the pages as the officer and the town admin do."""

from datetime import date, timedelta

import pytest
from flask_babel import force_locale
from sqlalchemy import func, select

from quizapp.clock import local_today
from quizapp.extensions import db
from quizapp.models import CaseEvent, Company, FollowUp, Grid, StaffUser, SupervisionCase
from quizapp.rules.vocab import CaseEventKind, CaseRule
from quizapp.supervision import service
from quizapp.supervision.rules import Flag
from quizapp.supervision.wording import describe, reason_words, town_reasons
from tests.factories import make_grid, make_staff, make_town_row
from tests.pages import sign_in_staff

OLD_ZH_REASON = "最近5个工作日（2026-11-28至2026-12-04）参与率均低于60%：23%, 31%, 10%, 0%, 5%。"


def signed_in(client, username: str, lang: str = "en"):
    client.set_cookie("lang", lang)
    sign_in_staff(client, username)
    return client


def user_id(username: str) -> int:
    return db.session.scalar(select(StaffUser.id).where(StaffUser.username == username))


@pytest.fixture
def case_a(app, town):
    """An open participation case of company A (grid 1), its reason as an older check stored it."""
    with app.app_context():
        case = SupervisionCase(company_id=town.company_a, rule="participation", reason=OLD_ZH_REASON,
                               opened_on=local_today() - timedelta(days=3), status="open")
        db.session.add(case)
        db.session.commit()
        return case.id


@pytest.fixture
def other_town(app, town):
    """黄江镇 with its own admin, and in the first town an officer of grid 2 only."""
    with app.app_context():
        hj = make_town_row("hj", "黄江镇")
        make_staff("hj-admin", "town_admin", town=hj)
        g2 = db.session.scalar(select(Grid).where(Grid.code == "g2"))
        make_staff("officer-2", "grid_officer", grids=[g2])
        make_grid("h1", "黄江网格", town=hj)
        db.session.commit()


# --- 1. the owner list holds only accounts that can see the case ---------------------------------

def test_the_owner_list_holds_only_those_who_see_the_case(app, client, case_a, other_town):
    officer = signed_in(client, "officer-1")
    page = officer.get(f"/reports/supervision/cases/{case_a}").get_data(as_text=True)
    owners = page.split('name="owner"')[1].split("</select>")[0]
    assert ">officer-1<" in owners and ">admin<" in owners
    assert "hj-admin" not in owners and "officer-2" not in owners  # another town; another grid
    with app.app_context():
        choices = {u.username for u in service.owner_choices(db.session.get_one(SupervisionCase, case_a))}
    assert choices == {"officer-1", "admin"}


@pytest.mark.parametrize("forged", ["hj-admin", "officer-2"])
def test_a_forged_owner_is_refused_with_a_message(app, client, case_a, other_town, forged):
    with app.app_context():
        forged_id = user_id(forged)
    officer = signed_in(client, "officer-1")
    deadline = (local_today() + timedelta(days=5)).isoformat()
    response = officer.post(f"/reports/supervision/cases/{case_a}/assign",
                            data={"owner": forged_id, "deadline": deadline})
    assert response.status_code == 200
    assert "Choose an officer of the company&#39;s grid or the town admin." in response.get_data(as_text=True)
    with app.app_context():
        case = db.session.get_one(SupervisionCase, case_a)
        assert case.owner_id is None and case.deadline is None
        assert db.session.scalar(select(CaseEvent.id).where(CaseEvent.kind == CaseEventKind.ASSIGNED)) is None


# --- 2. the history words a follow-up's kind in the reader's language -----------------------------

def _history(page: str) -> str:
    return page.split('class="history"')[1].split("</ol>")[0]


def test_the_history_words_a_follow_up_s_kind(app, client, case_a):
    with app.app_context():  # as the case page stored it before: the kind's code
        db.session.add(CaseEvent(case_id=case_a, kind=CaseEventKind.FOLLOW_UP, detail="2026-11-25 yuetan",
                                 actor_id=user_id("officer-1")))
        db.session.commit()
    officer = signed_in(client, "officer-1")
    url = f"/reports/supervision/cases/{case_a}"
    today = local_today().isoformat()
    visit = {"kind": "visit", "happened_on": today, "who": "HR"}
    assert officer.post(f"{url}/follow-ups", data=visit).status_code == 302
    english = _history(officer.get(url).get_data(as_text=True))
    assert "(2026-11-25 Formal talk (约谈))" in english and f"({today} Visit)" in english
    assert "yuetan" not in english and "visit)" not in english
    officer.set_cookie("lang", "zh_CN")
    chinese = _history(officer.get(url).get_data(as_text=True))
    assert "（2026-11-25 约谈）" in chinese and f"（{today} 走访）" in chinese
    assert "yuetan" not in chinese and "visit" not in chinese


# --- 3. a reason the town's rules wrote reads in the reader's language ----------------------------

FLAGS = [
    Flag(CaseRule.PARTICIPATION, {"first": date(2026, 11, 28), "last": date(2026, 12, 4),
                                  "shares": [0.23, 0.31, 0.1, 0.0, 0.05], "target": 0.6, "workdays": 5}),
    Flag(CaseRule.KNOWLEDGE, {"before": 0.8, "now": 0.55, "drop": 0.25, "answers_before": 120, "answers_now": 90,
                              "days": 30}),
    Flag(CaseRule.INCIDENTS, {"first": date(2026, 10, 1), "last": date(2026, 12, 1), "cases": 3,
                              "year_first": date(2025, 10, 1), "year_last": date(2025, 12, 1),
                              "cases_year_before": 1}),
]

@pytest.mark.parametrize("flag", FLAGS, ids=lambda f: str(f.rule))
def test_a_stored_reason_is_worded_in_either_language(app, flag):
    with app.test_request_context():
        with force_locale("zh_CN"):
            chinese = describe(flag)
        with force_locale("en"):
            english = describe(flag)
        assert chinese != english
        for stored in (chinese, english):
            with force_locale("en"):
                assert reason_words(flag.rule, stored) == english
            with force_locale("zh_CN"):
                assert reason_words(flag.rule, stored) == chinese
        assert ", " not in chinese and "," not in chinese
        assert reason_words(CaseRule.MANUAL, "自填的理由, as typed") == "自填的理由, as typed"


def test_the_case_page_and_list_word_the_reason_for_the_reader(app, client, case_a):
    with app.test_request_context():
        with force_locale("zh_CN"):
            new_reason = town_reasons()(FLAGS[0])
        assert "23%、31%、10%、0%和5%" in new_reason and ", " not in new_reason  # stored with full-width marks
    officer = signed_in(client, "officer-1")
    url = f"/reports/supervision/cases/{case_a}"
    for page in (officer.get(url).get_data(as_text=True), officer.get("/reports/supervision").get_data(as_text=True)):
        assert "Participation under 60% on each of the last 5 workdays (2026-11-28 to 2026-12-04): 23%, 31%" in page
        assert "参与率均低于" not in page
    officer.set_cookie("lang", "zh_CN")
    page = officer.get(url).get_data(as_text=True)
    assert "参与率均低于60%：23%、31%、10%、0%和5%。" in page and "23%, 31%" not in page


# --- 4. a deactivated company's closed cases stay readable -----------------------------------------

@pytest.fixture
def deactivated(app, town, case_a):
    """Company A deactivated, which closed its case (a follow-up was logged before)."""
    with app.app_context():
        case = db.session.get_one(SupervisionCase, case_a)
        db.session.add(FollowUp(case_id=case_a, kind="visit", happened_on=local_today() - timedelta(days=2),
                                who="HR", created_by=user_id("officer-1")))
        case.status, case.closed_on, case.close_reason = "closed", local_today(), "The company was deactivated."
        db.session.get_one(Company, town.company_a).active = False
        db.session.commit()
    return case_a


@pytest.mark.parametrize("username", ["officer-1", "admin"])
def test_a_deactivated_company_s_closed_case_stays_readable(app, client, deactivated, username):
    reader = signed_in(client, username)
    response = reader.get(f"/reports/supervision/cases/{deactivated}")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "The company was deactivated." in page and "甲厂" in page
    assert "Reopen the case" not in page and "Correct or delete" not in page  # read-only
    closed = reader.get("/reports/supervision?status=closed").get_data(as_text=True)
    assert "甲厂" in closed and f"/reports/supervision/cases/{deactivated}" in closed
    with app.app_context():
        actor = db.session.scalar(select(StaffUser).where(StaffUser.username == username))
        counts = {grid.code: n for grid, n in service.year_counts(actor, local_today().year, local_today())}
    opened_this_year = (local_today() - timedelta(days=3)).year == local_today().year
    assert (counts["g1"].opened, counts["g1"].closed) == (int(opened_this_year), 1)


def test_a_deactivated_company_s_case_cannot_be_changed(app, client, deactivated):
    officer = signed_in(client, "officer-1")
    url = f"/reports/supervision/cases/{deactivated}"
    response = officer.post(f"{url}/reopen", data={"reason": "Again"})
    assert response.status_code == 200 and "The company is deactivated" in response.get_data(as_text=True)
    with app.app_context():  # forged forms: the page offers none of these
        owner = user_id("officer-1")
    today = local_today().isoformat()
    for action, data in (("follow-ups", {"kind": "visit", "happened_on": today, "who": "HR"}),
                         ("assign", {"owner": owner, "deadline": today}), ("close", {"reason": "Again"})):
        assert "The company is deactivated" in officer.post(f"{url}/{action}", data=data).get_data(as_text=True)
    with app.app_context():
        case = db.session.get_one(SupervisionCase, deactivated)
        assert (case.status, case.owner_id, case.close_reason) == ("closed", None, "The company was deactivated.")
        assert db.session.scalar(select(func.count(FollowUp.id)).where(FollowUp.case_id == deactivated)) == 1
        follow_up = db.session.scalar(select(FollowUp.id).where(FollowUp.case_id == deactivated))
    assert officer.get(f"/reports/supervision/follow-ups/{follow_up}").status_code == 404


def test_another_grid_s_officer_still_gets_404_for_the_closed_case(app, client, deactivated, other_town):
    for username in ("officer-2", "hj-admin"):
        reader = signed_in(client, username)
        assert reader.get(f"/reports/supervision/cases/{deactivated}").status_code == 404
        assert "甲厂" not in reader.get("/reports/supervision?status=closed").get_data(as_text=True)
        reader.post("/logout")
