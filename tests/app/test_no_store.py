"""Pages that show names are never kept in a cache: every HTML page answered to a signed-in person
(roster, chase list and board, a worker's history, an import preview, the exports page, the
worker's own pages) says `Cache-Control: no-store`; public pages may be cached as usual."""

import pytest

from quizapp.extensions import db
from quizapp.models import RosterImport, StaffUser
from tests.pages import sign_in_staff, sign_in_worker

STAFF_PAGES = ["/console/", "/console/roster", "/console/chase", "/console/preshift", "/console/exports",
               "/console/roster/import"]


@pytest.mark.parametrize("page", STAFF_PAGES)
def test_company_staff_pages_are_not_stored(app, town, page):
    client = app.test_client()
    sign_in_staff(client, "staff-a")
    response = client.get(page)
    assert response.status_code == 200 and response.mimetype == "text/html", page
    assert response.headers["Cache-Control"] == "no-store"


def test_a_worker_page_an_import_preview_and_a_history_are_not_stored(app, town):
    with app.app_context():
        staff = db.session.scalar(db.select(StaffUser).where(StaffUser.username == "staff-a"))
        preview = RosterImport(company_id=town.company_a, created_by=staff.id, filename="a.csv", rows=[], errors=[])
        db.session.add(preview)
        db.session.commit()
        preview_id = preview.id
    client = app.test_client()
    sign_in_staff(client, "staff-a")
    for page in (f"/console/roster/{town.worker_a}", f"/console/roster/import/{preview_id}",
                 f"/console/workers/{town.worker_a}/history"):
        response = client.get(page)
        assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store", page
    worker = app.test_client()
    sign_in_worker(worker, town.code_a, town.worker_a_no)
    for page in ("/today", "/history"):
        response = worker.get(page)
        assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store", page


@pytest.mark.parametrize("username, page", [("officer-1", "/reports/"), ("admin", "/admin/accounts")])
def test_officers_and_admin_pages_are_not_stored(app, town, username, page):
    client = app.test_client()
    sign_in_staff(client, username)
    assert client.get(page).headers["Cache-Control"] == "no-store"


def test_public_pages_keep_the_default(app, town):
    client = app.test_client()
    for page in ("/login", f"/c/{town.code_a}"):
        response = client.get(page)
        assert response.status_code == 200 and "no-store" not in response.headers.get("Cache-Control", ""), page
