"""The incident import with the files officers really bring: its own export (CSV or XLSX, in
either language, fraud types named as the app writes them) read back as "no change"; a full
2,000-row file with notes confirmed whole; a confirmation sent twice, by another account or too late;
a confirmation that fails saying why; and the record form's limits told once, with the real limit."""

import html
import io
import random
import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from quizapp.clock import local_today
from quizapp.extensions import db
from quizapp.incidents.rules import MAX_BYTES, MAX_ROWS, add_months
from quizapp.models import Grid, Incident, Topic, TownImport
from tests.pages import sign_in_staff, texts

HEADER = "月份,网格,企业编码,诈骗类型,案件数,损失金额(元),备注\r\n"
ROMANCE = "网络婚恋交友（杀猪盘）"  # as the bank names it: full-width brackets


def this_month() -> date:
    return local_today().replace(day=1)


@pytest.fixture
def officer(client, town):
    sign_in_staff(client, "officer-1")
    return client


@pytest.fixture
def stored(app, town):
    """Three records of officer-1's grid: one under a fraud type whose name has full-width
    brackets, with a point and a note; one for the whole grid under "other"; one under a topic."""
    with app.app_context():
        db.session.add(Topic(slug="shazhupan", name_zh=ROMANCE, name_en="Online romance (pig butchering)",
                             lesson_zh="", lesson_en=""))
        g1 = db.session.scalar(select(Grid.id).where(Grid.code == "g1"))
        month = add_months(this_month(), -1)
        db.session.add_all([
            Incident(grid_id=g1, company_id=town.company_a, month=month, fraud_type="shazhupan", cases=2,
                     raw_reports=3, loss_yuan=Decimal("52000.50"), note="两起，已立案", longitude=Decimal("113.841234"),
                     latitude=Decimal("22.903456"), datum="gcj02"),
            Incident(grid_id=g1, company_id=None, month=month, fraud_type="other", cases=1,
                     loss_yuan=Decimal("0.10"), note=None),
            Incident(grid_id=g1, company_id=town.company_a, month=this_month(), fraud_type="alpha", cases=0,
                     loss_yuan=Decimal("0")),
        ])
        db.session.commit()


def upload(client, data: bytes, name: str) -> str:
    """The preview page. The request's body is built in memory (the test client spools a body over
    500 kB to a temporary file it never closes)."""
    boundary, body = encode_multipart({"file": FileStorage(io.BytesIO(data), name)})
    response = client.post("/reports/incidents/import", data=body,
                           content_type=f"multipart/form-data; boundary={boundary}")
    page = response.get_data(as_text=True)
    response.close()
    return page


def preview_of(page: str) -> str:
    """The kept preview's id, the one thing the confirmation form carries."""
    found = re.search(r'name="preview" type="hidden" value="([0-9]+)"', page)
    assert found, "the preview offers no confirmation"
    return found.group(1)


def snapshot(app) -> list[tuple]:
    with app.app_context():
        return [(i.grid_id, i.company_id, i.month, i.fraud_type, i.cases, i.raw_reports, i.loss_yuan, i.note,
                 i.longitude, i.latitude, i.datum) for i in db.session.scalars(select(Incident).order_by(Incident.id))]


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_export_imports_back_unchanged_in_either_format_and_language(app, officer, stored, fmt, lang):
    officer.set_cookie("lang", lang)
    exported = officer.get(f"/reports/incidents/export.{fmt}?month={this_month():%Y-%m}")
    assert exported.status_code == 200
    if fmt == "csv" and lang == "zh":
        assert ROMANCE in exported.data.decode("utf-8-sig")  # written as the app names it
    before = snapshot(app)
    page = html.unescape(upload(officer, exported.data, f"incidents.{fmt}"))
    # Every row recognised: no problem listed, each one the record it came from, unchanged.
    assert 'class="flash error"' not in page, texts(page, "p", class_="flash error")
    cells = texts(page, "td")
    assert cells.count("replaces a stored record: no change" if lang == "en" else "替换已有记录：没有改动") == 3
    # The summary and the result say nothing changes, not "3 replaced"; confirmed again, that it was imported.
    assert texts(page, "p", id="summary") == [
        "3 rows are good, but importing them changes nothing: each is the same as its stored record."
        if lang == "en" else "3行无误，但导入后不会有任何改动：每一行都与已有记录相同。"]
    # Nothing to confirm: the preview offers no import, only the way back.
    assert 'name="preview"' not in page and "/reports/incidents/import/confirm" not in page
    assert ("Back to incidents" if lang == "en" else "返回警情") in texts(page, "a")
    # A confirmation sent anyway (an older page, or typed by hand) writes nothing and says so.
    with app.app_context():
        kept = str(db.session.scalar(select(func.max(TownImport.id))))
    for again in (False, True):
        done = officer.post("/reports/incidents/import/confirm", data={"preview": kept}, follow_redirects=True)
        said = {(False, "en"): "Nothing changed: 3 rows are the same as the stored records.",
                (False, "zh"): "没有变化：3条与已有记录相同。",
                (True, "en"): "This file was already imported: the stored records are as it says, nothing was changed.",
                (True, "zh"): "此文件已导入过：已保存的记录与文件一致，未作任何改动。"}
        assert texts(done.get_data(as_text=True), "p", class_="flash") == [said[again, lang]]
        assert snapshot(app) == before


def test_a_fraud_type_is_recognised_in_either_width_of_brackets(app, officer, stored):
    month = f"{this_month():%Y-%m}"
    body = f"{month},,acme,{ROMANCE},1,10,\r\n{month},g1,,网络婚恋交友(杀猪盘),1,10,\r\n"
    page = upload(officer, (HEADER + body).encode(), "a.csv")
    assert "Unknown fraud type" not in page and "未知的诈骗类型" not in page
    preview_of(page)


def test_an_xlsx_file_of_new_rows_is_read(app, officer, town):
    book = Workbook()
    book.active.append(["月份", "网格", "企业编码", "诈骗类型", "案件数", "损失金额(元)", "备注"])
    book.active.append([f"{this_month():%Y-%m}", None, "acme", "alpha", 2, 1500.5, "夜班"])
    book.active.append([f"{this_month():%Y-%m}", "g1", None, "其他", 1, 0, None])
    out = io.BytesIO()
    book.save(out)
    page = upload(officer, out.getvalue(), "incidents.xlsx")
    assert "无法识别文件的文字编码" not in page
    officer.post("/reports/incidents/import/confirm", data={"preview": preview_of(page)}).close()
    with app.app_context():
        found = [(i.company_id, i.fraud_type, i.cases, i.loss_yuan, i.note)
                 for i in db.session.scalars(select(Incident).order_by(Incident.id))]
    assert found == [(town.company_a, "alpha", 2, Decimal("1500.50"), "夜班"), (None, "other", 1, Decimal("0"), None)]


def test_an_old_excel_file_is_refused_with_the_reason(officer, town):
    page = upload(officer, b"\xd0\xcf\x11\xe0 old excel", "a.xls")
    assert "旧版 Excel" in page or "old Excel file (.xls)" in page
    assert 'name="preview"' not in page


def test_a_full_file_of_2000_rows_with_notes_is_imported_whole(app, officer, town):
    """The largest file the import takes: 2,000 rows whose notes fill the 1 MB file (GBK, two bytes
    a character), each a different run of characters, so the signed rows compress poorly."""
    officer.set_cookie("lang", "en")
    with app.app_context():
        types = [slug for slug in db.session.scalars(select(Topic.slug))] + ["other"]
    months = []
    month = this_month()
    while len(months) * 2 * len(types) < MAX_ROWS:
        months.append(month)
        month = add_months(month, -1)
    keys = [(m, target, t) for m in months for target in (",acme", "g1,") for t in types][:MAX_ROWS]
    chance = random.Random(2026)
    lines = []
    for m, target, fraud_type in keys:
        note = "".join(chr(chance.randint(0x4E00, 0x9FA5)) for _ in range(225))
        lines.append(f"{m:%Y-%m},{target},{fraud_type},1,100,{note}\r\n")
    data = (HEADER + "".join(lines)).encode("gb18030")
    assert MAX_BYTES * 0.9 < len(data) <= MAX_BYTES  # as full as a file may be
    page = upload(officer, data, "incidents.csv")
    assert f"{MAX_ROWS} rows are good: {MAX_ROWS} new records" in page
    token = preview_of(page)
    # The rows stay on the server: the confirmation carries the preview's id, far below Flask's 500 kB.
    response = officer.post("/reports/incidents/import/confirm", data={"preview": token}, follow_redirects=True)
    assert f"Imported: {MAX_ROWS} new records, 0 replaced." in html.unescape(response.get_data(as_text=True))
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Incident)) == MAX_ROWS
        assert db.session.scalar(select(func.min(func.length(Incident.note)))) == 225


def test_a_confirmation_sent_twice_says_the_file_was_already_imported(app, officer, town):
    officer.set_cookie("lang", "en")
    month = f"{this_month():%Y-%m}"
    page = upload(officer, (HEADER + f"{month},,acme,alpha,2,100,\r\n{month},g1,,other,1,10,\r\n").encode(),
                  "a.csv")
    token = preview_of(page)
    first = officer.post("/reports/incidents/import/confirm", data={"preview": token}, follow_redirects=True)
    assert "Imported: 2 new records, 0 replaced." in html.unescape(first.get_data(as_text=True))
    again = officer.post("/reports/incidents/import/confirm", data={"preview": token}, follow_redirects=True)
    text = html.unescape(again.get_data(as_text=True))
    assert "This file was already imported: the stored records are as it says, nothing was changed." in text
    assert "Nothing was imported" not in text
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Incident)) == 2


def test_another_account_cannot_confirm_an_officer_s_preview(app, officer, town):
    officer.set_cookie("lang", "en")
    month = f"{this_month():%Y-%m}"
    kept = preview_of(upload(officer, (HEADER + f"{month},,acme,alpha,2,100,\r\n").encode(), "a.csv"))
    for username in ("admin", "officer-1"):  # the town admin, then the officer who uploaded it
        officer.post("/logout").close()
        sign_in_staff(officer, username)
        response = officer.post("/reports/incidents/import/confirm", data={"preview": kept}, follow_redirects=True)
        text = html.unescape(response.get_data(as_text=True))
        with app.app_context():
            stored = db.session.scalar(select(func.count()).select_from(Incident))
        if username == "admin":
            assert "This preview was not found" in text and stored == 0
        else:
            assert "Imported: 1 new records, 0 replaced." in text and stored == 1


def test_an_expired_preview_says_so_and_to_upload_again(app, officer, town):
    officer.set_cookie("lang", "en")
    month = f"{this_month():%Y-%m}"
    kept = preview_of(upload(officer, (HEADER + f"{month},,acme,alpha,2,100,\r\n").encode(), "a.csv"))
    with app.app_context():
        db.session.get(TownImport, int(kept)).created_at -= timedelta(hours=3)
        db.session.commit()
    response = officer.post("/reports/incidents/import/confirm", data={"preview": kept}, follow_redirects=True)
    assert ("Nothing was imported: This preview has expired (a preview is kept for 2 hours). Please upload the file "
            "again.") in html.unescape(response.get_data(as_text=True))
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Incident)) == 0


@pytest.mark.parametrize("data", [{}, {"preview": ""}, {"preview": "abc"}, {"preview": "2147483648"},
                                  {"preview": "999999"}])
def test_a_confirmation_that_fails_its_checks_says_why(app, officer, town, data):
    officer.set_cookie("lang", "en")
    response = officer.post("/reports/incidents/import/confirm", data=data, follow_redirects=True)
    assert ("Nothing was imported: This preview was not found: it is no longer kept, or another account made it. "
            "Please upload the file again.") in \
        html.unescape(response.get_data(as_text=True))


def test_a_long_note_is_told_its_own_limit_once(officer, town):
    officer.set_cookie("lang", "en")
    for length in (5000, 600):
        page = officer.post("/reports/incidents/new", data={
            "company": str(town.company_a), "month": f"{this_month():%Y-%m}", "fraud_type": "alpha", "cases": "1",
            "loss_yuan": "1", "note": "长" * length}).get_data(as_text=True)
        assert texts(page, "span", class_="field-error") == ["Field cannot be longer than 500 characters."], length


@pytest.mark.parametrize("month", ["2030-01", "next", "next-year"])
def test_a_month_that_has_not_started_is_told_so_however_far_ahead(officer, town, month):
    officer.set_cookie("lang", "en")
    ahead = {"next": add_months(this_month(), 1), "next-year": add_months(this_month(), 4)}
    typed = f"{ahead[month]:%Y-%m}" if month in ahead else month
    page = officer.post("/reports/incidents/new", data={
        "company": str(town.company_a), "month": typed, "fraud_type": "alpha", "cases": "1",
        "loss_yuan": "1"}).get_data(as_text=True)
    assert texts(page, "span", class_="field-error") == ["This month has not started yet."]


def test_a_month_before_the_records_began_gets_the_window_in_months(officer, town):
    officer.set_cookie("lang", "en")
    page = officer.post("/reports/incidents/new", data={
        "company": str(town.company_a), "month": "1999-12", "fraud_type": "alpha", "cases": "1",
        "loss_yuan": "1"}).get_data(as_text=True)
    assert texts(page, "span", class_="field-error") == [f"Give a month from 2000-01 to {this_month():%Y-%m}."]
