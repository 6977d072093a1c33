"""The town admin's grid and company pages: lists, create, edit, the code-change confirmation, moves,
deactivation, forged forms (a form error, never a 500), CSRF, and who may open them."""

import json
from datetime import date

import pytest
from sqlalchemy import func, select

from quizapp.clock import local_today
from quizapp.extensions import db
from quizapp.incidents.rules import add_months
from quizapp.models import AuditLog, Company, Grid, StaffUser, SupervisionCase
from tests.factories import make_company, make_incident, make_staff
from tests.pages import QUIET, RUN, read, rows_under, sign_in_staff, sign_in_staff_in_english, sign_in_worker


@pytest.fixture
def admin(client, town):
    sign_in_staff_in_english(client, "admin")
    return client


def grid_id(app, code: str) -> int:
    with app.app_context():
        return db.session.scalar(select(Grid.id).where(Grid.code == code))


def post(client, url: str, data: dict) -> tuple[int, str, str | None]:
    response = client.post(url, data=data)
    text, status, location = response.get_data(as_text=True), response.status_code, response.location
    response.close()
    return status, text, location


def last_audit(app, action: str) -> dict:
    with app.app_context():
        row = db.session.scalar(select(AuditLog).where(AuditLog.action == action).order_by(AuditLog.id.desc()))
        return json.loads(row.detail)


# --- grids --------------------------------------------------------------------------------------

def test_the_grid_list_shows_codes_names_and_counts(admin, town):
    status, page = read(admin, "/admin/grids")
    assert status == 200
    assert "网格一" in page and "网格二" in page and "g1" in page
    assert "Officers assigned" in page and "Create the grid" in page
    assert "王小明" not in page


def test_the_grid_list_shows_each_grid_s_months_without_a_case(admin, app, town):
    """The incidents page's figure and words (incidents.figures.quiet_grids), under its heading."""
    this_month = local_today().replace(day=1)
    with app.app_context():
        make_incident(grid_id(app, "g1"), add_months(this_month, -3), cases=2, company_id=town.company_a)
        make_incident(grid_id(app, "g1"), add_months(this_month, -5), cases=1)  # a whole-grid record, older
        make_incident(grid_id(app, "g2"), this_month, cases=0, raw_reports=4)  # reports only: no case
        db.session.commit()
    status, page = read(admin, "/admin/grids")
    rows = rows_under(page, "Code", QUIET, RUN)
    assert status == 200 and list(rows) == ["g1", "g2"]
    assert (rows["g1"][QUIET], rows["g1"][RUN]) == (
        "3", "2 months in a row with zero cases")
    assert (rows["g2"][QUIET], rows["g2"][RUN]) == ("–", "–")


def test_creating_a_grid(admin, app):
    status, _page, location = post(admin, "/admin/grids", {"code": "xt-2", "name": "新塘村第二网格"})
    assert (status, location) == (302, "/admin/grids")
    status, page = read(admin, "/admin/grids")
    assert "Grid 新塘村第二网格 created." in page
    assert last_audit(app, "admin.grid.create")["code"] == "xt-2"


@pytest.mark.parametrize("data, message", [
    ({"code": "g1", "name": "新网格"}, "Another grid already has the code g1."),
    ({"code": "g 9", "name": "新网格"}, "A code may only contain letters"),
    ({"code": "x" * 17, "name": "新网格"}, "A code is at most 16 characters."),
    ({"code": "g9", "name": ""}, "Give the grid's name."),
    ({"code": "g9", "name": "网格二"}, "Another grid is already called 网格二."),
])
def test_a_bad_grid_is_refused_with_a_clear_message(admin, app, data, message):
    status, page, _ = post(admin, "/admin/grids", data)
    assert status == 400 and message in page
    with app.app_context():
        assert db.session.scalar(select(func.count(Grid.id))) == 2


def test_editing_a_grid(admin, app):
    g1 = grid_id(app, "g1")
    status, page = read(admin, f"/admin/grids/{g1}")
    assert status == 200 and 'value="网格一"' in page
    status, _page, location = post(admin, f"/admin/grids/{g1}", {"code": "dl-1", "name": "大岭一网格"})
    assert (status, location) == (302, "/admin/grids")
    assert last_audit(app, "admin.grid.update") == {
        "grid_id": g1, "code": {"old": "g1", "new": "dl-1"}, "name": {"old": "网格一", "new": "大岭一网格"}}
    assert read(admin, "/admin/grids/999999")[0] == 404


def test_a_grid_with_active_companies_is_not_deactivated(admin, app):
    g1 = grid_id(app, "g1")
    status, _page, location = post(admin, f"/admin/grids/{g1}/active", {"active": "0"})
    assert status == 302
    _status, page = read(admin, location)
    assert "still has 1 active companies (甲厂)" in page and "move them to another grid" in page
    with app.app_context():
        assert db.session.get(Grid, g1).active


def test_an_emptied_grid_is_deactivated_and_no_longer_offered_for_new_companies(admin, app, town):
    g1 = grid_id(app, "g1")
    post(admin, f"/admin/companies/{town.company_a}/deactivate", {"confirm": "yes"})
    post(admin, f"/admin/grids/{g1}/active", {"active": "0"})
    _status, page = read(admin, f"/admin/grids/{g1}")
    assert "Grid 网格一 deactivated." in page and "Reactivate the grid" in page
    _status, new_page = read(admin, "/admin/companies/new")
    assert f'<option value="{g1}"' not in new_page and "网格二" in new_page
    # A forged form naming the inactive grid gets a message, not a company.
    status, page, _ = post(admin, "/admin/companies/new", {
        "name": "丁厂", "grid_id": str(g1), "code": "k7m2qx9p", "questions_per_quiz": "5", "workdays": ["1", "2"]})
    assert status == 400 and "网格一 is inactive" in page


# --- companies ----------------------------------------------------------------------------------

def test_the_company_list_searches_filters_and_pages(admin, app, town):
    with app.app_context():
        g2 = db.session.get(Grid, grid_id(app, "g2"))
        for n in range(60):
            make_company(g2, f"many{n:04d}", f"多厂{n:02d}")
        db.session.commit()
    status, page = read(admin, "/admin/companies")
    assert status == 200 and "62 companies match." in page and "Page 1 of 2" in page
    status, page = read(admin, "/admin/companies?page=2")
    assert "多厂59" in page and "Previous page" in page
    status, page = read(admin, "/admin/companies?q=acme")
    assert "1 companies match." in page and "甲厂" in page
    status, page = read(admin, f"/admin/companies?grid={grid_id(app, 'g1')}&status=all")
    assert "甲厂" in page and "乙厂" not in page
    status, page = read(admin, "/admin/companies?grid=abc&status=bogus&page=-4")  # a mangled link still works
    assert status == 200 and "62 companies match." in page
    assert "王小明" not in page


def test_the_new_company_form_suggests_a_random_code(admin):
    _status, first = read(admin, "/admin/companies/new")
    _status, second = read(admin, "/admin/companies/new")

    def code(page: str) -> str:
        return page.split('id="code"')[1].split('value="')[1].split('"')[0]

    assert len(code(first)) == 8 and code(first) != code(second)


def test_creating_a_company_shows_its_qr_code(admin, app):
    g2 = grid_id(app, "g2")
    status, _page, location = post(admin, "/admin/companies/new", {
        "name": "丁厂", "grid_id": str(g2), "code": "K7M2QX9P", "questions_per_quiz": "4",
        "workdays": ["1", "2", "3", "4", "5"]})
    assert status == 302
    status, page = read(admin, location)
    assert "Company 丁厂 created." in page
    assert "/c/k7m2qx9p" in page and "<svg" in page  # the code is stored in lower case
    with app.app_context():
        company = db.session.scalar(select(Company).where(Company.code == "k7m2qx9p"))
        assert (company.grid_id, company.workdays, company.questions_per_quiz) == (g2, "12345", 4)
    for fmt, mimetype in (("png", "image/png"), ("svg", "image/svg+xml")):
        response = admin.get(f"{location}/qr.{fmt}")
        assert response.status_code == 200 and response.mimetype == mimetype
        response.close()
    assert last_audit(app, "admin.company.create")["name"] == "丁厂"
    assert read(admin, "/c/k7m2qx9p")[0] == 200  # workers can sign in there


@pytest.mark.parametrize("change, message", [
    ({"grid_id": "999999"}, "Choose one of the grids listed."),
    ({"grid_id": "abc"}, "Choose one of the grids listed."),
    ({"code": "acme"}, "at least 6 characters"),
    ({"code": "ab cd ef"}, "A code may only contain letters"),
    ({"code": "bolt"}, "at least 6 characters"),
    ({"name": "甲厂"}, "网格一 already has a company called 甲厂."),
    ({"questions_per_quiz": "9"}, "Questions per quiz must be a whole number from 3 to 8."),
    ({"workdays": []}, "Tick at least one workday."),
    ({"workdays": ["9"]}, "field-error"),  # a forged weekday: wtforms' own "not a valid choice"
    ({"questions_per_quiz": "five"}, "field-error"),
])
def test_a_bad_company_is_refused_with_a_clear_message(admin, app, change, message):
    data = {"name": "丁厂", "grid_id": str(grid_id(app, "g1")), "code": "k7m2qx9p", "questions_per_quiz": "5",
            "workdays": ["1", "2"], **change}
    status, page, _ = post(admin, "/admin/companies/new", data)
    assert status == 400 and message in page
    with app.app_context():
        assert db.session.scalar(select(Company.id).where(Company.name == "丁厂")) is None


def test_a_duplicate_code_is_refused(admin, app, town):
    with app.app_context():
        make_company(db.session.get(Grid, grid_id(app, "g2")), "taken-01", "戊厂")
        db.session.commit()
    status, page, _ = post(admin, "/admin/companies/new", {
        "name": "丁厂", "grid_id": str(grid_id(app, "g1")), "code": "TAKEN-01", "questions_per_quiz": "5",
        "workdays": ["1"]})
    assert status == 400 and "Another company already has the code taken-01." in page


def test_the_company_page_links_to_its_figures(admin, town):
    status, page = read(admin, f"/admin/companies/{town.company_a}")
    assert status == 200
    assert f"/reports/compare?company_id={town.company_a}" in page and "/reports/?grid=" in page
    assert "/c/acme" in page and "王小明" not in page and "A001" not in page
    assert read(admin, "/admin/companies/999999")[0] == 404


def test_changing_the_code_needs_the_confirmation_tick(admin, app, town):
    url = f"/admin/companies/{town.company_a}"
    data = {"name": "甲厂", "grid_id": str(grid_id(app, "g1")), "code": "newcode9"}
    status, page, _ = post(admin, url, data)
    assert status == 400 and "Tick this box to change the code, or put the old code acme back." in page
    with app.app_context():
        assert db.session.get(Company, town.company_a).code == "acme"
    status, _page, location = post(admin, url, {**data, "confirm_code_change": "y"})
    assert status == 302
    assert last_audit(app, "admin.company.update") == {
        "company_id": town.company_a, "code": {"old": "acme", "new": "newcode9"}}
    assert read(admin, "/c/acme")[0] == 404 and read(admin, "/c/newcode9")[0] == 200


def test_an_old_short_code_is_kept_without_the_tick(admin, app, town):
    status, _page, _location = post(admin, f"/admin/companies/{town.company_a}", {
        "name": "甲厂 新名", "grid_id": str(grid_id(app, "g1")), "code": "acme"})
    assert status == 302
    assert last_audit(app, "admin.company.update") == {
        "company_id": town.company_a, "name": {"old": "甲厂", "new": "甲厂 新名"}}


def test_moving_a_company_to_another_grid(admin, app, town):
    g2 = grid_id(app, "g2")
    status, _page, _location = post(admin, f"/admin/companies/{town.company_a}", {
        "name": "甲厂", "grid_id": str(g2), "code": "acme"})
    assert status == 302
    with app.app_context():
        assert db.session.get(Company, town.company_a).grid_id == g2
    detail = last_audit(app, "admin.company.update")
    assert detail["grid"] == {"old": "g1", "new": "g2"} and detail["incidents_kept_in"] == "g1"


def test_deactivating_a_company_signs_out_its_workers_and_staff(app, town):
    # Three people, three browsers (pytest-flask's `client` keeps its last request's context).
    admin, worker, staff = app.test_client(), app.test_client(), app.test_client()
    sign_in_staff(admin, "admin")
    sign_in_worker(worker, town.code_a, town.worker_a_no)
    sign_in_staff(staff, "staff-a")
    assert read(worker, "/today")[0] == 200 and read(staff, "/console/")[0] == 200
    post(admin, f"/admin/companies/{town.company_a}/deactivate", {"confirm": "yes"})
    assert worker.get("/today").status_code == 302  # signed out: back to the start
    assert staff.get("/console/").location.startswith("/login")
    post(admin, f"/admin/companies/{town.company_a}/active", {"active": "1"})


def test_deactivating_a_company_is_confirmed_on_a_page_that_says_what_happens(admin, app, town):
    with app.app_context():
        for rule in ("manual", "participation"):  # one open case per rule
            db.session.add(SupervisionCase(company_id=town.company_a, rule=rule, reason="x",
                                           opened_on=date(2026, 3, 2), status="open"))
        db.session.commit()
    _status, page = read(admin, f"/admin/companies/{town.company_a}")
    assert "can no longer sign in" in page and "Nothing is deleted" in page
    assert f'action="/admin/companies/{town.company_a}/deactivate"' in page and 'method="get"' in page
    # The button only asks: the page names what happens, nothing is done yet.
    status, page = read(admin, f"/admin/companies/{town.company_a}/deactivate")
    assert status == 200 and "Deactivate this company?" in page and "甲厂" in page and "acme" in page
    assert "out of today&#39;s figures and lists" in page
    assert "Past days and periods keep their figures" in page
    assert "Its 2 open supervision cases are closed with that reason." in page
    assert "Nothing is deleted" in page and "can be reactivated" in page
    # A POST without the page's `confirm` (an old form, or the old one-click button) changes nothing.
    assert post(admin, f"/admin/companies/{town.company_a}/deactivate", {})[0] == 200
    status, _page, location = post(admin, f"/admin/companies/{town.company_a}/active", {"active": "0"})
    assert (status, location) == (302, f"/admin/companies/{town.company_a}/deactivate")
    with app.app_context():
        assert db.session.get(Company, town.company_a).active
        assert db.session.scalar(select(func.count(SupervisionCase.id)).where(SupervisionCase.status == "open")) == 2
    status, _page, location = post(admin, f"/admin/companies/{town.company_a}/deactivate", {"confirm": "yes"})
    assert (status, location) == (302, f"/admin/companies/{town.company_a}")
    _status, page = read(admin, location)
    assert "Company 甲厂 deactivated." in page and "Reactivate the company" in page
    with app.app_context():
        company = db.session.get(Company, town.company_a)
        assert not company.active and company.active_until == local_today()
        assert db.session.scalar(select(func.count(SupervisionCase.id)).where(SupervisionCase.status == "open")) == 0
    assert read(admin, "/c/acme")[0] == 404
    _status, listing = read(admin, "/admin/companies")
    assert "甲厂" not in listing
    _status, listing = read(admin, "/admin/companies?status=inactive")
    assert "甲厂" in listing
    # An inactive company has nothing to confirm: its page.
    assert read(admin, f"/admin/companies/{town.company_a}/deactivate")[0] == 302
    post(admin, f"/admin/companies/{town.company_a}/active", {"active": "1"})
    assert read(admin, "/c/acme")[0] == 200


def test_a_company_without_open_cases_is_told_so(admin, town):
    _status, page = read(admin, f"/admin/companies/{town.company_a}/deactivate")
    assert "It has no open supervision case." in page


def test_the_cases_a_deactivation_closes_say_why_in_the_town_s_language(admin, app, town):
    with app.app_context():
        db.session.add(SupervisionCase(company_id=town.company_a, rule="manual", reason="x", opened_on=date(2026, 3, 2),
                                       status="open"))
        db.session.commit()
    post(admin, f"/admin/companies/{town.company_a}/deactivate", {"confirm": "yes"})  # the admin reads English
    with app.app_context():
        case = db.session.scalar(select(SupervisionCase))
        assert (case.status, case.close_reason) == ("closed", "镇反诈中心管理员停用了该企业，因此销号。")


@pytest.mark.parametrize("data", [{}, {"active": "maybe"}])
def test_a_forged_activation_form_changes_nothing(admin, app, town, data):
    assert post(admin, f"/admin/companies/{town.company_a}/active", data)[0] == 400
    assert post(admin, f"/admin/grids/{grid_id(app, 'g1')}/active", data)[0] == 400
    with app.app_context():
        assert db.session.get(Company, town.company_a).active


def test_a_post_without_the_csrf_token_fails(admin, app, monkeypatch):
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    status, _page, _ = post(admin, "/admin/grids", {"code": "xt-2", "name": "新塘村第二网格"})
    assert status == 400
    with app.app_context():
        assert db.session.scalar(select(Grid.id).where(Grid.code == "xt-2")) is None


@pytest.mark.parametrize("username", ["officer-1", "officer-2", "staff-a"])
def test_only_the_town_admin_may_manage_the_organisation(client, app, town, username):
    if username == "officer-2":
        with app.app_context():
            make_staff("officer-2", "grid_officer", grids=[db.session.get(Grid, grid_id(app, "g2"))])
            db.session.commit()
    sign_in_staff(client, username)
    for url in ("/admin/grids", "/admin/companies", f"/admin/companies/{town.company_a}"):
        assert read(client, url)[0] == 403
    assert post(client, f"/admin/companies/{town.company_a}/active", {"active": "0"})[0] == 403
    assert post(client, f"/admin/companies/{town.company_a}/deactivate", {"confirm": "yes"})[0] == 403
    with app.app_context():
        assert db.session.get(Company, town.company_a).active
        assert db.session.scalar(select(StaffUser.id).where(StaffUser.username == username)) is not None
