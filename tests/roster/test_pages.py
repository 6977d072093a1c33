"""The console's roster pages through the client: the list, import (upload, preview, confirm,
cancel), bad files, the template, one worker's page, and what company B's staff cannot reach."""

import csv
import io
import re
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, insert, select, update
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from quizapp.clock import local_today
from quizapp.extensions import db
from quizapp.models import AuditLog, Employee, RosterImport, Shift
from quizapp.retention.service import purge_town
from tests.browser import WECHAT_UA
from tests.factories import first_town
from tests.pages import sign_in_staff, sign_in_worker, texts


@pytest.fixture(autouse=True)
def _english(client):
    """These tests read the pages' English wording (Chinese is the default)."""
    client.set_cookie("lang", "en")

GOOD = "工号,姓名,班组,班次,手机\nA001,王小明,二车间,早班,138\nA100,新员工,一车间,早班,\nA101,,一车间,早班,\n"


def upload(client, data: bytes, filename="roster.csv"):
    # Encoded here, in memory: the test client would spool a large body to a file it never closes.
    boundary, body = encode_multipart({"file": FileStorage(io.BytesIO(data), filename)})
    return client.post("/console/roster/import", data=body, content_type=f"multipart/form-data; boundary={boundary}")


def import_id(response) -> int:
    assert response.status_code == 302, response.get_data(as_text=True)
    return int(response.location.rsplit("/", 1)[1])


def fingerprint(page: str) -> str:
    return re.search(r'name="plan" type="hidden" value="([0-9a-f]+)"', page).group(1)


def counts(app):
    with app.app_context():
        return (db.session.scalar(select(func.count(Employee.id))),
                db.session.scalar(select(func.count(RosterImport.id))),
                db.session.scalar(select(Employee.team).where(Employee.employee_no == "A001")))


@pytest.fixture
def staff_a(client, town):
    sign_in_staff(client, "staff-a")
    return client


def test_the_roster_list_searches_and_filters(staff_a, town):
    page = staff_a.get("/console/roster").get_data(as_text=True)
    assert "王小明" in page and "张新来" in page and "李小红" not in page
    found = staff_a.get("/console/roster?q=张").get_data(as_text=True)
    assert "张新来" in found and "王小明" not in found
    assert "王小明" in staff_a.get("/console/roster?team=一车间&shift=早班&status=active").get_data(as_text=True)
    assert "王小明" not in staff_a.get("/console/roster?status=inactive").get_data(as_text=True)
    assert f'href="/console/roster/{town.worker_a}"' in page


def test_upload_preview_confirm(app, staff_a, town):
    response = upload(staff_a, GOOD.encode("utf-8-sig"))
    preview_url = f"/console/roster/import/{import_id(response)}"
    page = staff_a.get(preview_url).get_data(as_text=True)
    # The bad row with its spreadsheet row number, column and reason; the change old -> new.
    assert re.search(r'<td class="num">4</td><td>姓名</td><td></td><td>The name is empty.</td>', page)
    assert "一车间 → 二车间" in page and "新员工" in page and "手机" in page
    assert counts(app)[0:1] == (3,) and counts(app)[2] == "一车间"  # nothing written yet
    response = staff_a.post(preview_url + "/apply", data={"plan": fingerprint(page), "deactivate_missing": "y"})
    assert response.status_code == 302 and response.location == "/console/roster"
    roster = staff_a.get("/console/roster").get_data(as_text=True)
    assert "Roster updated: 1 added, 1 changed, 1 deactivated." in roster and "新员工" in roster
    with app.app_context():
        a002 = db.session.scalar(select(Employee).where(Employee.employee_no == "A002"))
        assert not a002.active
    # Applying again changes nothing and says why.
    again = staff_a.post(preview_url + "/apply", data={"plan": fingerprint(page)}, follow_redirects=True)
    assert "already applied or cancelled" in again.get_data(as_text=True)
    assert "was applied on" in staff_a.get(preview_url).get_data(as_text=True)


def test_cancel_an_import(app, staff_a, town):
    preview_url = f"/console/roster/import/{import_id(upload(staff_a, GOOD.encode()))}"
    page = staff_a.post(preview_url + "/cancel", follow_redirects=True).get_data(as_text=True)
    assert "Nothing on the roster was changed" in page
    assert counts(app)[0] == 3
    staff_a.post(preview_url + "/apply", data={"plan": "x"}).close()
    assert counts(app)[0] == 3


def test_an_applied_or_cancelled_import_s_page_says_its_rows_are_no_longer_kept(app, staff_a, town):
    applied_url = f"/console/roster/import/{import_id(upload(staff_a, GOOD.encode(), 'applied.csv'))}"
    staff_a.post(applied_url + "/apply", data={"plan": fingerprint(staff_a.get(applied_url).get_data(as_text=True))})
    cancelled_url = f"/console/roster/import/{import_id(upload(staff_a, GOOD.encode(), 'cancelled.csv'))}"
    staff_a.post(cancelled_url + "/cancel").close()
    for url, said in ((applied_url, "was applied on"), (cancelled_url, "was cancelled")):
        page = staff_a.get(url).get_data(as_text=True)
        assert said in page and "The file's rows are no longer kept" in page
        assert "The name is empty." not in page and "新员工" not in page  # the left-out row and the added one
    listing = staff_a.get("/console/roster/import").get_data(as_text=True)
    assert texts(listing, "td", **{"data-label": "Status"}) == ["Cancelled", "Applied"]


def test_a_preview_past_the_keeping_time_says_it_has_expired_and_applies_nothing(app, staff_a, town):
    preview_url = f"/console/roster/import/{import_id(upload(staff_a, GOOD.encode()))}"
    page = staff_a.get(preview_url).get_data(as_text=True)
    with app.app_context():
        record = db.session.scalar(select(RosterImport))
        record.created_at -= timedelta(hours=3)
        db.session.commit()
    expired = staff_a.get(preview_url).get_data(as_text=True)
    assert "This preview has expired (a preview is kept for 2 hours)" in expired and "/apply" not in expired
    assert staff_a.get(preview_url + "/preview.csv").status_code == 404
    response = staff_a.post(preview_url + "/apply", data={"plan": fingerprint(page), "deactivate_missing": "y"},
                            follow_redirects=True)
    assert "This preview has expired (a preview is kept for 2 hours)" in response.get_data(as_text=True)
    assert counts(app) == (3, 1, "一车间")  # nothing applied
    listing = staff_a.get("/console/roster/import").get_data(as_text=True)
    assert texts(listing, "td", **{"data-label": "Status"}) == ["Expired"]


def test_a_preview_that_retention_removed_says_it_has_expired_and_to_upload_again(app, staff_a, town):
    preview_url = f"/console/roster/import/{import_id(upload(staff_a, GOOD.encode()))}"
    page = staff_a.get(preview_url).get_data(as_text=True)
    with app.app_context():
        db.session.execute(update(RosterImport).values(created_at=datetime(2025, 1, 6, 9)))
        assert purge_town(first_town().id, date(2026, 11, 24), 12, ZoneInfo("Asia/Shanghai"),
                          datetime(2026, 11, 24, 2)).roster_imports == 1
        db.session.commit()
    for response in (staff_a.get(preview_url), staff_a.post(preview_url + "/apply", data={"plan": fingerprint(page)}),
                     staff_a.post(preview_url + "/cancel")):
        assert response.status_code == 404
        gone = response.get_data(as_text=True)
        assert "This preview has expired" in gone and "Upload the file again to see a new preview." in gone
        assert 'href="/console/roster/import"' in gone
    assert counts(app) == (3, 0, "一车间")  # nothing applied


def test_a_preview_that_went_stale_is_shown_again(app, staff_a, town):
    preview_url = f"/console/roster/import/{import_id(upload(staff_a, GOOD.encode()))}"
    seen = fingerprint(staff_a.get(preview_url).get_data(as_text=True))
    staff_a.post("/console/roster/new", data={"employee_no": "A555", "name": "手加的", "team": "一车间",
                                              "shift": "早班"}).close()
    response = staff_a.post(preview_url + "/apply", data={"plan": seen, "deactivate_missing": "y"},
                            follow_redirects=True)
    assert "The roster changed since this preview" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(Employee.active).where(Employee.employee_no == "A555"))


def test_an_xlsx_with_a_formula(app, staff_a, town):
    book = Workbook()
    for row in (["工号", "姓名", "班组", "班次"], ["A100", "=CMD()", "一车间", "早班"],
                ["A101", "新", "一车间", "早班"]):
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    preview_url = f"/console/roster/import/{import_id(upload(staff_a, out.getvalue(), 'r.xlsx'))}"
    page = staff_a.get(preview_url).get_data(as_text=True)
    assert re.search(r'<td class="num">2</td><td>姓名</td><td>=CMD\(\)</td><td>Starts like a spreadsheet formula', page)


@pytest.mark.parametrize("data, filename, message", [
    (b"", "r.csv", "The file is empty"),
    ("工号,姓名,班组,班次\n".encode(), "r.csv", "header row but no workers"),
    (b"\xff\x80\x81\xfe\xfa", "r.csv", "text could not be read"),
    ("工号,名字呀,电话\n1,2,3\n".encode("gbk"), "r.csv",
     "Required columns are missing: 姓名, 班组, 班次. Columns found in the file: 工号, 名字呀, 电话."),
    (b"PK\x03\x04broken", "r.xlsx", "not a valid Excel workbook"),
    ("工号,姓名,班组,班次\nA1,甲,一,早\n".encode(), "r.xlsx", "not a valid Excel workbook"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "r.xls", "old Excel file"),
])
def test_bad_files_get_a_clear_message_and_change_nothing(app, staff_a, town, data, filename, message):
    before = counts(app)
    response = upload(staff_a, data, filename)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert counts(app) == before


def test_a_50_mb_file_is_refused_with_a_message(app, staff_a, town):
    big = ("工号,姓名,班组,班次\n" + "A1,甲,一,早\n" * 10).encode() + b"x" * (50 * 1024 * 1024)
    response = upload(staff_a, big)  # past the app's request limit: refused before the body is read
    assert response.status_code == 413
    assert "Files up to 10 MB can be uploaded." in response.get_data(as_text=True)
    assert counts(app)[1] == 0


def test_an_11_mb_file_is_refused_by_the_roster_limit(app, staff_a, town):
    big = ("工号,姓名,班组,班次\n" + "A1,甲,一,早\n" * 10).encode() + b"x" * (11 * 1024 * 1024)
    response = upload(staff_a, big)
    assert response.status_code == 400
    assert "larger than 10 MB" in response.get_data(as_text=True)
    assert counts(app)[1] == 0


def test_no_file_chosen(staff_a, town):
    response = staff_a.post("/console/roster/import", data={}, content_type="multipart/form-data")
    assert response.status_code == 200 and "Choose the roster file" in response.get_data(as_text=True)


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_template_downloads(staff_a, town, fmt):
    response = staff_a.get(f"/console/roster/template.{fmt}")
    data = response.get_data()
    response.close()
    assert response.status_code == 200 and "attachment" in response.headers["Content-Disposition"]
    if fmt == "csv":
        assert data.startswith("\ufeff工号,姓名,班组,班次,入职日期\r\n".encode())
    else:
        book = load_workbook(io.BytesIO(data), read_only=True)
        rows = [[c.value for c in row] for row in book.worksheets[0].iter_rows()]
        book.close()
        assert rows[0] == ["工号", "姓名", "班组", "班次", "入职日期"] and rows[1][1] == "王小明"
        notes = load_workbook(io.BytesIO(data))["说明"]
        assert any("清空" in (row[0] or "") for row in notes.iter_rows(values_only=True))
    assert staff_a.get("/console/roster/template.pdf").status_code == 404


def test_in_wechat_the_import_page_says_how_to_get_the_template(staff_a, town):
    html = staff_a.get("/console/roster/import", headers={"User-Agent": WECHAT_UA}).get_data(as_text=True)
    [notice] = texts(html, "div", class_="wechat-notice")
    assert notice.startswith("WeChat's browser does not save files.") and "first row holds the column names" in notice
    assert texts(staff_a.get("/console/roster/import").get_data(as_text=True), "div", class_="wechat-notice") == []


def test_the_import_page_says_how_blanks_and_clearing_work(staff_a, town):
    page = staff_a.get("/console/roster/import").get_data(as_text=True)
    assert "a blank cell changes nothing" in page and "“清空”" in page


def test_blank_cells_change_nothing_and_the_marker_is_shown_as_emptied(app, staff_a, town):
    with app.app_context():
        db.session.execute(update(Employee).where(Employee.employee_no.in_(["A001", "A002"]))
                           .values(active_from=date(2025, 10, 31)))
        db.session.commit()
    blank = "工号,姓名,班组,班次,入职日期\nA001,王小明,,,\nA002,张新来,一车间,早班,\n"
    page = staff_a.get(f"/console/roster/import/{import_id(upload(staff_a, blank.encode()))}").get_data(as_text=True)
    assert 'id="changed"' not in page and 'id="emptied"' not in page and "2</strong> unchanged" in page

    marked = "工号,姓名,班组,班次,入职日期\nA001,王小明,清空,,\nA002,张新来,一车间,早班,（清空）\n"
    preview_url = f"/console/roster/import/{import_id(upload(staff_a, marked.encode()))}"
    page = staff_a.get(preview_url).get_data(as_text=True)
    assert '2</strong> <a href="#emptied">fields to be emptied</a>' in page
    emptied = page.split('id="emptied"')[1].split("</section>")[0]
    assert re.search(r"<td>A001</td><td>王小明</td>\s*<td>Team / department</td><td><del>一车间</del>", emptied)
    assert re.search(r"<td>A002</td><td>张新来</td>\s*<td>Start date</td><td><del>2025-10-31</del>", emptied)
    assert "to be emptied</span> Start date: <del>2025-10-31</del> → –" in page
    staff_a.post(preview_url + "/apply", data={"plan": fingerprint(page)}).close()
    with app.app_context():
        rows = {e.employee_no: (e.team, e.active_from) for e in db.session.scalars(select(Employee))}
    assert rows["A001"] == ("", date(2025, 10, 31)) and rows["A002"] == ("一车间", None)


def test_the_preview_says_workers_back_on_the_roster_keep_their_days_away_not_counted(app, staff_a, town):
    with app.app_context():
        worker = db.session.get_one(Employee, town.worker_a)
        worker.active, worker.active_until = False, local_today() - timedelta(days=7)  # deactivated a week ago
        db.session.commit()
    page = staff_a.get(f"/console/roster/import/{import_id(upload(staff_a, GOOD.encode()))}").get_data(as_text=True)
    assert "(1 of them back on the roster)" in page
    assert ("Workers back on the roster are expected at the quiz again from the day this import is applied. The "
            "days they were away stay not counted: no past day's figures change.") in page
    first, last = local_today() - timedelta(days=7), local_today() - timedelta(days=1)
    assert f"Away from {first} to {last}: those days stay not counted." in page


def test_add_edit_deactivate_reactivate_a_worker(app, staff_a, town):
    response = staff_a.post("/console/roster/new", data={"employee_no": "A300", "name": "新人", "team": "一车间",
                                                         "shift": "早班", "active_from": "2026-03-01"})
    assert response.status_code == 302
    url = response.location
    page = staff_a.post(url, data={"employee_no": "A001", "name": "", "team": "", "shift": ""}).get_data(as_text=True)
    assert "Another worker of the company already has this employee number." in page and "The name is empty." in page
    staff_a.post(url, data={"employee_no": "A300", "name": "新人", "team": "二车间", "shift": "早班"}).close()
    assert "Inactive" in staff_a.post(url + "/deactivate", data={"confirm": "yes"},
                                      follow_redirects=True).get_data(as_text=True)
    assert "is active again" in staff_a.post(url + "/reactivate", data={"confirm": "yes"},
                                             follow_redirects=True).get_data(as_text=True)
    with app.app_context():
        worker = db.session.scalar(select(Employee).where(Employee.employee_no == "A300"))
        assert (worker.team, worker.active, worker.company_id) == ("二车间", True, town.company_a)


def _shift_options(page: str) -> list[str]:
    select = re.search(r'<select id="shift" name="shift">(.*?)</select>', page, re.S)
    assert select, "the shift is a choice"
    return re.findall(r"<option[^>]*>[^<]*</option>", select.group(1))


def test_a_worker_added_by_hand_has_a_team_and_one_of_the_company_s_shifts(app, staff_a, town):
    with app.app_context():
        db.session.add_all([Shift(company_id=town.company_a, name="早班", starts_at=time(8)),
                            Shift(company_id=town.company_a, name="夜班", starts_at=time(20))])
        db.session.commit()
    page = staff_a.get("/console/roster/new").get_data(as_text=True)
    assert _shift_options(page) == ['<option selected value="">Choose a shift</option>',
                                    '<option value="早班">早班</option>', '<option value="夜班">夜班</option>']
    # Without a team and a shift the worker is refused, as a file's new row is, each said at its field.
    response = staff_a.post("/console/roster/new", data={"employee_no": "A300", "name": "新人", "team": "",
                                                         "shift": ""})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert texts(page, "span", class_="field-error") == ["A new worker needs a team.", "A new worker needs a shift."]
    page = staff_a.post("/console/roster/new", data={"employee_no": "A300", "name": "新人", "team": "一车间",
                                                     "shift": "午班"}).get_data(as_text=True)
    assert "Unknown shift “午班”. The company&#39;s shifts are: 早班 / 夜班." in page
    with app.app_context():
        assert db.session.scalar(select(Employee.id).where(Employee.employee_no == "A300")) is None
    response = staff_a.post("/console/roster/new", data={"employee_no": "A300", "name": "新人", "team": "一车间",
                                                         "shift": "夜班"})
    assert response.status_code == 302
    # The edit form: the same choice, the worker's shift chosen; "No shift" empties it, as the file's marker does.
    page = staff_a.get(response.location).get_data(as_text=True)
    assert _shift_options(page) == ['<option value="">No shift</option>', '<option value="早班">早班</option>',
                                    '<option selected value="夜班">夜班</option>']


def test_a_worker_whose_shift_was_removed_shows_it_until_one_is_chosen(app, staff_a, town):
    with app.app_context():
        db.session.add(Shift(company_id=town.company_a, name="夜班", starts_at=time(20)))
        db.session.commit()  # worker A's 早班 is not one of the company's shifts any more
    url = f"/console/roster/{town.worker_a}"
    assert _shift_options(staff_a.get(url).get_data(as_text=True)) == [
        '<option value="">No shift</option>', '<option value="夜班">夜班</option>',
        '<option selected value="早班">早班 (no longer one of the company&#39;s shifts)</option>']
    page = staff_a.post(url, data={"employee_no": town.worker_a_no, "name": "王小明", "team": "一车间",
                                   "shift": "早班"}).get_data(as_text=True)
    assert "Unknown shift “早班”. The company&#39;s shifts are: 夜班." in page


def test_a_company_without_shifts_types_the_shift_and_a_new_worker_still_needs_one(app, staff_a, town):
    page = staff_a.get("/console/roster/new").get_data(as_text=True)
    assert '<select id="shift"' not in page and 'id="shift" name="shift" type="text"' in page
    page = staff_a.post("/console/roster/new", data={"employee_no": "A300", "name": "新人", "team": "一车间",
                                                     "shift": ""}).get_data(as_text=True)
    assert texts(page, "span", class_="field-error") == ["A new worker needs a shift."]
    assert staff_a.post("/console/roster/new", data={"employee_no": "A300", "name": "新人", "team": "一车间",
                                                     "shift": "白班"}).status_code == 302


def test_reset_pin_shows_a_one_time_code_once_and_only_it_sets_the_new_pin(app, client, town):
    sign_in_staff(client, "staff-a")
    response = client.post(f"/console/roster/{town.worker_a}/reset-pin", data={"confirm": "yes"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "shown only now" in page  # on this page, not in a redirect's cookie
    [code] = texts(page, "strong", class_="code")
    assert re.fullmatch(r"[0-9]{8}", code) and code not in client.get(f"/console/roster/{town.worker_a}").get_data(
        as_text=True)
    assert "Has not signed in yet" in client.get(f"/console/roster/{town.worker_a}").get_data(as_text=True)
    client.post("/logout").close()
    # The old PIN and the name no longer help; the code does, once.
    assert sign_in_worker(client, town.code_a, town.worker_a_no).status_code == 200
    welcome = f"/c/{town.code_a}/welcome"
    wrong = client.post(welcome, data={"employee_no": town.worker_a_no, "code": "00000000", "pin": "8642",
                                       "pin_again": "8642"})
    assert wrong.status_code == 200
    right = client.post(welcome, data={"employee_no": town.worker_a_no.lower(), "code": code, "pin": "8642",
                                       "pin_again": "8642"})
    assert right.location.endswith("/today")
    client.post("/logout").close()
    assert sign_in_worker(client, town.code_a, town.worker_a_no, "8642").location.endswith("/today")
    client.post("/logout").close()
    again = client.post(welcome, data={"employee_no": town.worker_a_no, "code": code, "pin": "9753",
                                       "pin_again": "9753"})
    assert again.status_code == 200  # used up
    with app.app_context():
        actions = [(r.action, r.detail) for r in db.session.scalars(select(AuditLog).order_by(AuditLog.id))]
    assert ("worker.reset_pin", f'{{"company": "acme", "worker": {town.worker_a}}}') in actions
    assert not any(code in detail or "8642" in detail for _action, detail in actions)


def test_company_b_can_see_and_change_nothing_of_company_a(app, client, town):
    sign_in_staff(client, "staff-a")
    a_import = import_id(upload(client, GOOD.encode()))
    client.post("/logout").close()
    sign_in_staff(client, "staff-b")
    for url in (f"/console/roster/{town.worker_a}", f"/console/roster/import/{a_import}"):
        assert client.get(url).status_code == 404
    for url in (f"/console/roster/{town.worker_a}", f"/console/roster/{town.worker_a}/deactivate",
                f"/console/roster/{town.worker_a}/reset-pin", f"/console/roster/import/{a_import}/apply",
                f"/console/roster/import/{a_import}/cancel"):
        data = {"employee_no": "X", "name": "X", "plan": "x", "confirm": "yes"}
        assert client.post(url, data=data).status_code == 404
    page = client.get("/console/roster").get_data(as_text=True)
    assert "李小红" in page and "王小明" not in page
    assert "roster.csv" not in client.get("/console/roster/import").get_data(as_text=True)
    with app.app_context():
        worker = db.session.get(Employee, town.worker_a)
        assert worker.active and worker.pin_hash and worker.name == "王小明"
        assert db.session.get(RosterImport, a_import).status == "preview"


def test_company_b_numbers_in_company_a_import(app, staff_a, town):
    data = f"工号,姓名,班组,班次\nA001,王小明,一车间,早班\n{town.worker_b_no},甲厂的人,一车间,早班\n".encode()
    preview_url = f"/console/roster/import/{import_id(upload(staff_a, data))}"
    page = staff_a.get(preview_url).get_data(as_text=True)
    assert "甲厂的人" in page and "李小红" not in page
    staff_a.post(preview_url + "/apply", data={"plan": fingerprint(page), "deactivate_missing": "y"}).close()
    with app.app_context():
        b_worker = db.session.get(Employee, town.worker_b)
        assert (b_worker.name, b_worker.active, b_worker.company_id) == ("李小红", True, town.company_b)
        mine = db.session.scalar(select(Employee).where(Employee.company_id == town.company_a,
                                                        Employee.employee_no == town.worker_b_no))
        assert mine.name == "甲厂的人"


def test_a_post_without_csrf_token_is_refused(app, client, town):
    sign_in_staff(client, "staff-a")
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        response = client.post(f"/console/roster/{town.worker_a}/deactivate", data={"confirm": "yes"})
        assert response.status_code == 400
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    with app.app_context():
        assert db.session.get(Employee, town.worker_a).active


def test_deactivating_most_of_the_roster_is_said_prominently_and_takes_a_second_tick(app, staff_a, town):
    with app.app_context():
        db.session.add_all([Employee(company_id=town.company_a, employee_no=f"M{i:03d}", name=f"工人{i}",
                                     team="一车间", shift="早班", active=True) for i in range(5)])
        db.session.commit()
    # A file of one worker: 6 of the 7 active workers are not in it.
    one_worker = "工号,姓名,班组,班次\nA001,王小明,一车间,早班\n".encode()
    preview_url = f"/console/roster/import/{import_id(upload(staff_a, one_worker))}"
    page = staff_a.get(preview_url).get_data(as_text=True)
    warning = "would deactivate 6 of the 7 active workers — more than half of the company."
    assert page.count(warning) == 2 and 'role="alert" id="most-warning"' in page  # by the summary and the boxes
    assert 'href="#missing"' in page and "On the roster but not in the file (6)" in page
    for number in ("A002", "M000", "M004"):
        assert f"<td>{number}</td>" in page  # which workers: the list, with its count
    assert 'name="confirm_most"' in page
    # The first tick alone applies nothing, and says why.
    refused = staff_a.post(preview_url + "/apply", data={"plan": fingerprint(page), "deactivate_missing": "y"},
                           follow_redirects=True).get_data(as_text=True)
    assert "Nothing was applied: this would deactivate 6 of the 7 active workers." in refused
    with app.app_context():
        assert db.session.scalar(select(func.count()).where(Employee.company_id == town.company_a,
                                                             Employee.active)) == 7
    # Both ticks: applied.
    staff_a.post(preview_url + "/apply", data={"plan": fingerprint(page), "deactivate_missing": "y",
                                               "confirm_most": "y"}).close()
    with app.app_context():
        assert db.session.scalar(select(func.count()).where(Employee.company_id == town.company_a,
                                                             Employee.active)) == 1


def test_deactivating_every_active_worker_says_all_of_them(app, staff_a, town):
    # A file of new workers only: both active workers of company A are not in it.
    new_only = "工号,姓名,班组,班次\nA900,新人,一车间,早班\n".encode()
    preview_url = f"/console/roster/import/{import_id(upload(staff_a, new_only))}"
    page = staff_a.get(preview_url).get_data(as_text=True)
    assert page.count("would deactivate all 2 active workers — the whole company.") == 2
    assert "of the 2 active workers" not in page
    refused = staff_a.post(preview_url + "/apply", data={"plan": fingerprint(page), "deactivate_missing": "y"},
                           follow_redirects=True).get_data(as_text=True)
    assert "Nothing was applied: this would deactivate all 2 active workers." in refused


def test_rows_with_several_problems_are_counted_as_rows_and_as_problems(staff_a, town):
    # Row 2 has two problems (no name, a formula for a team); rows 3 and 4 one each.
    file = "工号,姓名,班组,班次\nA300,,=1+1,早班\nA301,乙,一车间,=2\n,丙,一车间,早班\nA001,王小明,一车间,早班\n"
    page = staff_a.get(f"/console/roster/import/{import_id(upload(staff_a, file.encode()))}").get_data(as_text=True)
    assert texts(page, "li", class_="bad") == ["3 rows left out, with 4 problems"]
    assert "Rows left out (3)" in page
    assert "<summary>The whole list: 4 problems in 3 rows</summary>" in page


def test_a_small_share_not_in_the_file_needs_no_second_tick(app, staff_a, town):
    page = staff_a.get(f"/console/roster/import/{import_id(upload(staff_a, GOOD.encode()))}").get_data(as_text=True)
    assert "On the roster but not in the file (1)" in page and "<td>A002</td>" in page
    assert "most-warning" not in page and 'name="confirm_most"' not in page


def test_the_preview_leaves_out_every_row_of_a_repeated_number_and_new_workers_without_a_shift(app, staff_a, town):
    file = ("工号,姓名,班组,班次\nA001,改名了,一车间,早班\na001,王小明,一车间,早班\n"  # rows 2, 3: A001 twice
            "qa2001,新甲,一车间,早班\nQA2001,新乙,一车间,早班\nA200,没班次,一车间,\nA201,好的,一车间,早班\n")
    preview_url = f"/console/roster/import/{import_id(upload(staff_a, file.encode()))}"
    page = staff_a.get(preview_url).get_data(as_text=True)
    assert "Rows left out (5)" in page
    for row, others in ((2, "3"), (3, "2"), (4, "5"), (5, "4")):
        assert re.search(rf'<td class="num">{row}</td><td>工号</td><td>[^<]*</td><td>The same employee number as row '
                         rf'{others} \(capitals', page), row
    assert re.search(r'<td class="num">6</td><td>班次</td><td></td><td>A new worker needs a shift: the cell is '
                     r'blank.</td>', page)
    staff_a.post(preview_url + "/apply", data={"plan": fingerprint(page)}).close()
    with app.app_context():
        names = dict(db.session.execute(select(Employee.employee_no, Employee.name)).all())
    assert names["A001"] == "王小明"  # not renamed by either of its rows
    assert "A201" in names and not {"qa2001", "QA2001", "A200"} & set(names)


def test_a_merged_team_and_a_number_excel_changed_in_the_preview(app, staff_a, town):
    book = Workbook()
    for row in (["工号", "姓名", "班组", "班次", "入职日期"], ["A001", "王小明", "五车间", "早班"],
                ["A100", "新员工", None, "早班"], ["000124", "甲", "一车间", "早班"], [125, "乙", "一车间", "早班"],
                ["A102", "丙", "一车间", "早班", "2026-02-30"]):
        book.active.append(row)
    book.active.merge_cells("C2:C3")
    out = io.BytesIO()
    book.save(out)
    page = staff_a.get(f"/console/roster/import/{import_id(upload(staff_a, out.getvalue(), 'r.xlsx'))}").get_data(
        as_text=True)
    assert "一车间 → 五车间" in page and "A new worker needs a team" not in page
    assert re.search(r"<td>A100</td><td>新员工</td><td>五车间</td>", page)
    assert re.search(r'<td class="num">5</td><td>工号</td><td>125</td><td>Excel has stored the employee number as a '
                     r"number, so its leading zeros are lost: 125 is probably 000125\.", page)
    assert re.search(r'<td class="num">6</td><td>入职日期</td><td>2026-02-30</td><td>There is no such day: '
                     r"2026-02-30\.</td>", page)


def test_the_preview_lists_every_change_however_many_folding_long_lists_and_downloads_them(app, staff_a, town):
    with app.app_context():
        db.session.execute(insert(Employee), [{"company_id": town.company_a, "employee_no": f"M{i:03d}",
                                               "name": f"工人{i}", "team": "一车间", "shift": "早班", "active": True}
                                              for i in range(500)])
        db.session.commit()
    # 220 renamed, 210 new, and 282 active workers not in the file (M220-M499, A001, A002).
    file = "工号,姓名,班组,班次\n" + "".join(f"M{i:03d},改名{i},一车间,早班\n" for i in range(220)) + "".join(
        f"N{i:03d},新人{i},二车间,早班\n" for i in range(210)) + "X1,,一车间,早班\n"
    preview_url = f"/console/roster/import/{import_id(upload(staff_a, file.encode()))}"
    page = staff_a.get(preview_url).get_data(as_text=True)
    summary = texts(page, "ul", class_="summary")[0]
    assert "210 to add" in summary and "220 to change" in summary and "282 active workers not in the file" in summary
    assert "more." not in page  # no "… and N more": every row is on the page
    for i in range(220):
        assert f"工人{i} → 改名{i}" in page
    for i in range(210):
        assert f"<td>N{i:03d}</td><td>新人{i}</td>" in page
    for number in [*(f"M{i:03d}" for i in range(220, 500)), "A001", "A002"]:
        assert f"<tr><td>{number}</td>" in page
    # Long lists are folded (a <details> opens without JavaScript), a short one is open.
    for section in ("added", "changed", "missing"):
        assert re.search(r'<details class="listing">\s*<summary>The whole list: \d+</summary>',
                         page.split(f'id="{section}"')[1]), section
    assert '<details class="listing" open>' in page.split('id="left-out"')[1]
    # The download: every change, one line per field, the missing and the left-out rows.
    assert 'href="' + preview_url + '/preview.xlsx"' in page and 'href="' + preview_url + '/preview.csv"' in page
    response = staff_a.get(preview_url + "/preview.csv")
    assert response.status_code == 200 and "attachment" in response.headers["Content-Disposition"]
    lines = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert lines[0] == ["Row", "What happens", "Employee number", "Name", "Field", "Now", "After the import", "Note"]
    assert ["2", "To change", "M000", "工人0", "Name", "工人0", "改名0", ""] in lines
    assert sum(1 for line in lines if line[1] == "To change") == 220
    assert [line[2] for line in lines if line[1] == "To add"] == [f"N{i:03d}" for i in range(210)]
    assert ["222", "To add", "N000", "新人0", "Team / department / Shift / Start date", "", "二车间 / 早班 / –",
            ""] in lines
    assert sum(1 for line in lines if line[1] == "Not in the file") == 282
    assert [line[:3] for line in lines if line[1] == "Left out"] == [["432", "Left out", "X1"]]
    book = load_workbook(io.BytesIO(staff_a.get(preview_url + "/preview.xlsx").data))
    assert book.worksheets[0].max_row == len(lines)


def test_a_preview_whose_shift_was_renamed_since_says_upload_again_and_applies_nothing(app, staff_a, town):
    with app.app_context():
        db.session.add_all([Shift(company_id=town.company_a, name="早班", starts_at=time(8)),
                            Shift(company_id=town.company_a, name="夜班", starts_at=time(20))])
        db.session.commit()
    file = "工号,姓名,班组,班次\nA001,王小明,一车间,早班\nNEW70001,新员工,一车间,早班\n"
    preview_url = f"/console/roster/import/{import_id(upload(staff_a, file.encode()))}"
    page = staff_a.get(preview_url).get_data(as_text=True)
    with app.app_context():  # 早班 renamed 白班 (as the settings do it: the workers on it move too)
        db.session.execute(update(Shift).where(Shift.name == "早班").values(name="白班"))
        db.session.execute(update(Employee).where(Employee.shift == "早班").values(shift="白班"))
        db.session.commit()
    refused = staff_a.post(preview_url + "/apply", data={"plan": fingerprint(page)},
                           follow_redirects=True).get_data(as_text=True)
    assert "shifts changed after this preview, and 2 rows name a shift that no longer exists. Upload the file " \
           "again." in refused
    assert 'id="shifts-changed"' in refused and 'name="plan"' not in refused  # no Apply button any more
    assert "The shift “早班” was renamed or removed after this file was uploaded" in refused
    with app.app_context():
        assert db.session.scalar(select(func.count()).where(Employee.employee_no == "NEW70001")) == 0


def test_a_workbook_s_preview_names_the_sheet_it_read_and_the_ones_it_did_not(app, staff_a, town):
    """A workbook whose roster is on its second sheet, after a notes sheet and beside a hidden old
    copy: the preview says which sheet it read and which it left, before anything is saved."""
    book = Workbook()
    book.active.title = "说明"
    book.active.append(["请在“花名册”工作表填写"])
    old = book.create_sheet("旧名单")
    old.append(["工号", "姓名", "班组", "班次"])
    old.append(["A100", "旧人", "一车间", "早班"])
    old.sheet_state = "hidden"
    sheet = book.create_sheet("花名册")
    sheet.append(["工号", "姓名", "班组", "班次"])
    sheet.append(["A100", "新员工", "一车间", "早班"])
    out = io.BytesIO()
    book.save(out)
    page = staff_a.get(f"/console/roster/import/{import_id(upload(staff_a, out.getvalue(), 'r.xlsx'))}").get_data(
        as_text=True)
    assert texts(page, "p", class_="sheet-read") == ["Read the sheet “花名册”. Other sheets, not read: 说明."]
    assert "新员工" in page and "旧人" not in page
    assert "Row 0" not in page and "花名册</td>" not in page  # a note, not a problem row
