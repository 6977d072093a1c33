"""The outreach ledger's pages, for company staff (/console/outreach) and officers
(/reports/outreach): recording with a photo, the totals, the guarded photo, editing and deleting,
import with its preview, the template and the export; and another tenant never reaching a record."""

from __future__ import annotations

import html
import io
import re
import threading
from datetime import datetime, timedelta

from openpyxl import load_workbook
from PIL import Image
from sqlalchemy import func, select

from quizapp.clock import local_today
from quizapp.extensions import db
from quizapp.incidents.rules import add_months
from quizapp.models import AuditLog, OutreachActivity, TownImport
from quizapp.rules.vocab import ImportStatus
from tests.factories import make_activity, make_incident
from tests.pages import QUIET, RUN, read, rows_under, sign_in_staff, table_rows, texts

WORKER_NAMES = ("王小明", "李小红", "张新来", "A001", "B001")


def png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (300, 200), (0, 90, 200)).save(out, "PNG")
    return out.getvalue()


def status(client, method: str, url: str) -> int:
    response = client.open(url, method=method)
    response.close()
    return response.status_code


def signed_in(client, username: str):
    """The client signed in as `username` (signed out of any account first: one client per test,
    since a second client in the same test would see the first one's cached sign-in)."""
    client.post("/logout").close()
    client.set_cookie("lang", "en")
    sign_in_staff(client, username).close()
    return client


def form(day, people="45", kind="preshift", **extra):
    return {"day": str(day), "kind": kind, "place": "一车间", "speaker": "张主任", "people": people, "note": "刷单",
            **extra}


def test_staff_record_an_activity_with_a_photo_and_see_the_totals(app, client, town, aged):
    staff = signed_in(client, "staff-a")
    today = local_today()
    response = staff.post("/console/outreach/new", data={**form(today), "photo": (io.BytesIO(png()), "talk.png")},
                          content_type="multipart/form-data")
    assert response.status_code == 302 and "/console/outreach" in response.location
    page = staff.get("/console/outreach").get_data(as_text=True)
    assert texts(page, "p", id="outreach-month-total") == [f"1 events reaching 45 people in {today:%Y-%m}."]
    assert ["Pre-shift talk", "1", "45"] in table_rows(page)
    with app.app_context():
        record = db.session.scalar(select(OutreachActivity))
    photo = staff.get(f"/console/outreach/{record.id}/photo")
    assert photo.status_code == 200 and photo.mimetype == "image/jpeg"
    assert photo.headers["Cache-Control"] == "private, no-store"
    assert photo.get_data()[:3] == b"\xff\xd8\xff"  # re-encoded: a JPEG now


def test_another_company_and_another_grid_never_reach_the_record_or_its_photo(app, client, town, aged):
    with app.app_context():
        record = OutreachActivity(grid_id=aged["g1"], company_id=town.company_a, day=local_today(), kind="preshift",
                                  place="一车间", speaker="张主任", people=30, note="", photo="x" * 24 + ".jpg")
        db.session.add(record)
        db.session.commit()
        record_id = record.id
    staff_b = signed_in(client, "staff-b")
    for url in (f"/console/outreach/{record_id}/photo", f"/console/outreach/{record_id}/edit"):
        assert status(staff_b, "GET", url) == 404
    assert status(staff_b, "POST", f"/console/outreach/{record_id}/delete") == 404
    assert "一车间" not in read(staff_b, "/console/outreach")[1]
    officer = signed_in(client, "officer-1")
    code, page = read(officer, "/reports/outreach")
    assert code == 200
    assert "甲厂" in page and "30" in page
    assert status(officer, "GET", f"/reports/outreach/{record_id}/edit") == 404  # the company's to change
    for name in WORKER_NAMES:
        assert name not in page


def test_the_grid_table_shows_each_grid_s_months_without_a_case_to_the_chosen_month(app, client, town, aged):
    """The incidents page's figure and words (incidents.figures.quiet_grids) beside each grid's
    outreach, up to the month the ledger shows, as the incidents page gives them for that month."""
    with app.app_context():
        today = local_today()
        this_month = today.replace(day=1)
        earlier = add_months(this_month, -3)
        make_incident(aged["g1"], add_months(this_month, -1), cases=2, company_id=town.company_a)
        make_incident(aged["g2"], add_months(this_month, -5), cases=1)
        for grid in ("g1", "g2"):
            make_activity(aged[grid], today, 40)
            make_activity(aged[grid], earlier, 20)
        db.session.commit()
    admin = signed_in(client, "admin")
    headers = (QUIET, RUN)

    def quiet(url: str, *columns: str) -> dict[str, tuple[str, ...]]:
        rows = rows_under(admin.get(url).get_data(as_text=True), "Grid", *columns, *headers)
        return {name: tuple(row[h] for h in headers) for name, row in rows.items() if name != "Total"}

    assert quiet("/reports/outreach", "Events") == {"网格一": ("1", "–"),
                                                   "网格二": ("5", "4 months in a row with zero cases")}
    before = quiet(f"/reports/outreach?month={earlier:%Y-%m}", "Events")
    assert before == {"网格一": ("–", "–"), "网格二": ("2", "2 months in a row with zero cases")}
    assert before == quiet(f"/reports/incidents?month={earlier:%Y-%m}", "Last case")
    # Company staff see no grid table, so no grid's figure either.
    assert QUIET not in signed_in(client, "staff-a").get("/console/outreach").get_data(as_text=True)


def test_an_officer_records_for_a_grid_then_changes_and_deletes_it(app, client, town, aged):
    officer = signed_in(client, "officer-1")
    today = local_today()
    response = officer.post("/reports/outreach/new", data=form(today, "120", "community", grid=str(aged["g1"])))
    assert response.status_code == 302
    with app.app_context():
        record_id = db.session.scalar(select(OutreachActivity.id))
    page = officer.get(f"/reports/outreach/{record_id}/edit").get_data(as_text=True)
    assert 'value="120"' in page and "Delete this activity" in page
    officer.post(f"/reports/outreach/{record_id}/edit", data=form(today, "130", "community", grid=str(aged["g1"])))
    with app.app_context():
        assert db.session.get(OutreachActivity, record_id).people == 130
    assert officer.post(f"/reports/outreach/{record_id}/delete", data={"confirm": "yes"}).status_code == 302
    with app.app_context():
        assert db.session.get(OutreachActivity, record_id) is None
        actions = db.session.scalars(select(AuditLog.action).where(AuditLog.action.like("outreach.%"))
                                     .order_by(AuditLog.id)).all()
    assert actions == ["outreach.record", "outreach.change", "outreach.delete"]


def test_the_form_says_what_is_wrong(client, town, aged):
    officer = signed_in(client, "officer-1")
    tomorrow = local_today() + timedelta(days=1)
    page = officer.post("/reports/outreach/new", data=form(tomorrow, "-3", grid=str(aged["g2"]))).get_data(as_text=True)
    assert "People reached are a whole number from 0 to 100000." in page
    page = officer.post("/reports/outreach/new", data=form(tomorrow, "3", grid=str(aged["g2"]))).get_data(as_text=True)
    assert "This day has not come yet." in page and "Outside your grids." in page
    staff = signed_in(client, "staff-a")
    not_a_photo = (io.BytesIO(b"%PDF-1.4"), "a.png")
    page = staff.post("/console/outreach/new", data={**form(local_today()), "photo": not_a_photo},
                      content_type="multipart/form-data").get_data(as_text=True)
    assert "The photo must be a JPEG or PNG picture." in page


def test_a_post_without_the_csrf_token_fails(app, client, town, aged, monkeypatch):
    staff = signed_in(client, "staff-a")
    with app.app_context():
        today = local_today()
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    assert status(staff, "POST", "/console/outreach/new") == 400
    response = staff.post("/console/outreach/new", data=form(today))
    assert response.status_code == 400
    with app.app_context():
        assert db.session.scalar(select(OutreachActivity)) is None


def upload(client, prefix: str, body: bytes, name: str = "outreach.csv"):
    return client.post(f"{prefix}/outreach/import", data={"file": (io.BytesIO(body), name)},
                       content_type="multipart/form-data")


def test_an_import_previews_then_writes_everything_on_confirmation(app, client, town, aged):
    officer = signed_in(client, "officer-1")
    today = local_today()
    body = f"日期,类型,地点或单位,网格,主讲人,覆盖人数,备注\r\n{today},进校园,大沙小学,g1,李警官,600,\r\n".encode("gbk")
    page = upload(officer, "/reports", body).get_data(as_text=True)
    assert "1 activities reaching 600 people will be recorded." in page
    with app.app_context():
        assert db.session.scalar(select(OutreachActivity)) is None
    token = re.search(r'name="preview" type="hidden" value="([^"]+)"', page)
    assert token
    response = officer.post("/reports/outreach/import/confirm", data={"preview": token.group(1)})
    assert response.status_code == 302
    with app.app_context():
        assert db.session.scalar(select(OutreachActivity.people)) == 600


def test_the_same_file_uploaded_again_shows_its_rows_as_left_out_and_offers_nothing(app, client, town, aged):
    officer = signed_in(client, "officer-1")
    today = local_today()
    body = (f"日期,类型,地点或单位,网格,主讲人,覆盖人数,备注\r\n{today},进校园,大沙小学,g1,李警官,600,\r\n"
            f"{today},进社区,新塘村,g1,李警官,80,\r\n").encode()
    page = upload(officer, "/reports", body).get_data(as_text=True)
    token = re.search(r'name="preview" type="hidden" value="([^"]+)"', page)
    assert token and "left-out" not in page
    officer.post("/reports/outreach/import/confirm", data={"preview": token.group(1)})
    # A week's file that repeats one of those rows: the preview names it, and offers the new row only.
    week = body + f"{today},摆摊设点,市场口,g1,李警官,30,\r\n".encode()
    page = html.unescape(upload(officer, "/reports", week).get_data(as_text=True))
    left_out = [line for line in texts(page, "li") if line.startswith("Row ")]
    assert left_out == [f"Row 2 ({today}, In a school, 大沙小学, 600 people): already recorded in the ledger.",
                        f"Row 3 ({today}, In a community, 新塘村, 80 people): already recorded in the ledger."]
    assert "1 activities reaching 30 people will be recorded." in page and "Import these 1 activities" in page
    token = re.search(r'name="preview" type="hidden" value="([^"]+)"', page)
    response = officer.post("/reports/outreach/import/confirm", data={"preview": token.group(1)}, follow_redirects=True)
    assert "2 rows were left out: those activities were already recorded." in html.unescape(
        response.get_data(as_text=True))
    # The first file once more: nothing new, so no button.
    page = html.unescape(upload(officer, "/reports", body).get_data(as_text=True))
    assert "there is nothing to import" in page and 'name="preview"' not in page
    with app.app_context():
        assert db.session.scalar(select(func.sum(OutreachActivity.people))) == 600 + 80 + 30


def _confirmable(client, app):
    officer = signed_in(client, "officer-1")
    body = f"日期,类型,地点或单位,网格,主讲人,覆盖人数,备注\r\n{local_today()},进校园,大沙小学,g1,李警官,600,\r\n"
    page = upload(officer, "/reports", body.encode()).get_data(as_text=True)
    token = re.search(r'name="preview" type="hidden" value="([^"]+)"', page)
    assert token
    return officer, token.group(1)


def _imported(app) -> tuple[int, int, int]:
    with app.app_context():
        return (db.session.scalar(select(func.count()).select_from(OutreachActivity)),
                db.session.scalar(select(func.count()).select_from(TownImport).where(
                    TownImport.status == ImportStatus.APPLIED)),
                db.session.scalar(select(func.count()).select_from(AuditLog).where(
                    AuditLog.action == "outreach.import")))


def test_confirming_an_import_twice_stores_its_rows_once(app, client, town, aged):
    officer, token = _confirmable(client, app)
    assert officer.post("/reports/outreach/import/confirm", data={"preview": token}).status_code == 302
    # Back and resend (or a double tap): the same preview again.
    response = officer.post("/reports/outreach/import/confirm", data={"preview": token}, follow_redirects=True)
    assert "This file was already imported; nothing was added again." in html.unescape(response.get_data(as_text=True))
    assert _imported(app) == (1, 1, 1)


def test_two_confirmations_at_the_same_moment_store_the_rows_once(app, client, town, aged):
    officer, token = _confirmable(client, app)
    cookie = app.config.get("SESSION_COOKIE_NAME", "session")
    session_value = officer.get_cookie(cookie).value
    barrier = threading.Barrier(2)
    answers: list[str] = ["", ""]
    errors: list[BaseException] = []

    def confirm(index: int) -> None:
        try:
            tab = app.test_client()
            tab.set_cookie("lang", "en")
            tab.set_cookie(cookie, session_value)
            barrier.wait()
            response = tab.post("/reports/outreach/import/confirm", data={"preview": token}, follow_redirects=True)
            answers[index] = html.unescape(response.get_data(as_text=True))
            response.close()
        except BaseException as error:  # reported below, in the test's thread
            errors.append(error)

    threads = [threading.Thread(target=confirm, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors
    imported = sum("Imported 1 activities reaching 600 people." in a for a in answers)
    already = sum("This file was already imported; nothing was added again." in a for a in answers)
    assert (imported, already) == (1, 1)
    assert _imported(app) == (1, 1, 1)


def test_an_import_with_a_bad_row_shows_each_problem_and_offers_nothing(client, town, aged):
    staff = signed_in(client, "staff-a")
    today = local_today()
    body = (f"日期,类型,地点或单位,主讲人,覆盖人数\r\n{today},岗前5分钟,一车间,张主任,40\r\n"
            f"{today},岗前5分钟,二车间,,=1+1\r\n").encode()
    page = upload(staff, "/console", body).get_data(as_text=True)
    assert "Nothing can be imported from this file: 2 problems." in page
    assert ["3", "主讲人", "", "This cell is empty."] in table_rows(page)
    assert ["3", "覆盖人数", "=1+1", "A formula is not accepted: type the value itself."] in table_rows(page)
    assert "/console/outreach/import/confirm" not in page


def test_an_unknown_kind_is_shown_with_the_kinds_a_file_may_use(client, town, aged):
    staff = signed_in(client, "staff-a")
    body = f"日期,类型,地点或单位,主讲人,覆盖人数\r\n{local_today()},班前会,一车间,张主任,40\r\n".encode()
    page = upload(staff, "/console", body).get_data(as_text=True)
    assert ["2", "类型", "班前会", "Unknown kind of activity “班前会”. The kinds are: 宣讲进企业、进社区、进校园、"
            "进市场、进家庭、摆摊设点、上门走访、岗前5分钟."] in table_rows(page)


def test_an_xlsx_import_and_a_file_that_is_no_sheet(client, town, aged):
    from openpyxl import Workbook
    staff = signed_in(client, "staff-a")
    book = Workbook()
    book.active.append(["日期", "类型", "地点或单位", "主讲人", "覆盖人数"])
    book.active.append([datetime.combine(local_today(), datetime.min.time()), "进家庭", "宿舍区", "王姐", 12])
    out = io.BytesIO()
    book.save(out)
    page = upload(staff, "/console", out.getvalue(), "a.xlsx").get_data(as_text=True)
    assert "1 activities reaching 12 people will be recorded." in page
    page = upload(staff, "/console", b"\xd0\xcf\x11\xe0 old excel", "a.xls").get_data(as_text=True)
    assert "This is an old Excel file (.xls)" in page


def test_the_template_and_the_export(app, client, town, aged):
    staff = signed_in(client, "staff-a")
    template = staff.get("/console/outreach/template.csv").get_data().decode("utf-8-sig")
    assert template.splitlines()[0] == "日期,类型,地点或单位,主讲人,覆盖人数,备注"
    officer = signed_in(client, "officer-1")
    assert officer.get("/reports/outreach/template.csv").get_data().decode("utf-8-sig").startswith(
        "日期,类型,地点或单位,网格,主讲人,覆盖人数,备注")
    template = officer.get("/reports/outreach/template.xlsx")
    book = load_workbook(io.BytesIO(template.get_data()))
    template.close()
    assert [c.value for c in book.active[1]] == ["日期", "类型", "地点或单位", "网格", "主讲人", "覆盖人数", "备注"]
    with app.app_context():
        db.session.add(OutreachActivity(grid_id=aged["g1"], company_id=None, day=local_today(), kind="market",
                                        place="大岭山市场", speaker="李警官", people=88, note=""))
        db.session.add(OutreachActivity(grid_id=aged["g2"], company_id=None, day=local_today(), kind="market",
                                        place="别的网格", speaker="赵警官", people=9, note=""))
        db.session.commit()
    response = officer.get(f"/reports/outreach/export.xlsx?month={local_today():%Y-%m}")
    rows = [[c.value for c in row] for row in load_workbook(io.BytesIO(response.get_data())).active.iter_rows()]
    assert rows[1][1:7] == ["网格一", None, "In a market", "大岭山市场", "李警官", 88]
    assert all("别的网格" not in row for row in rows)
    with app.app_context():
        assert db.session.scalar(select(AuditLog.action).where(AuditLog.action == "outreach.export"))


def test_an_xlsx_preview_names_the_sheet_it_read(client, town, aged):
    from openpyxl import Workbook
    staff = signed_in(client, "staff-a")
    book = Workbook()
    book.active.title = "说明"
    book.active.append(["怎样填写"])
    ledger = book.create_sheet("台账")
    ledger.append(["日期", "类型", "地点或单位", "主讲人", "覆盖人数"])
    ledger.append([datetime.combine(local_today(), datetime.min.time()), "进家庭", "宿舍区", "王姐", 12])
    out = io.BytesIO()
    book.save(out)
    page = upload(staff, "/console", out.getvalue(), "a.xlsx").get_data(as_text=True)
    assert "Read the sheet “台账”. Other sheets, not read: 说明." in page
    assert "1 activities reaching 12 people will be recorded." in page
    body = f"日期,类型,地点或单位,主讲人,覆盖人数\r\n{local_today()},进家庭,宿舍区,王姐,12\r\n".encode()
    page = upload(staff, "/console", body).get_data(as_text=True)
    assert "Read the sheet" not in page  # a CSV has no sheets
