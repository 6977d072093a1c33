"""The incidents pages: figures, a record by hand, CSV import with its preview, the export, and
another grid's officer never seeing company A's incidents."""

import csv
import io
from datetime import date
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from quizapp.clock import local_today
from quizapp.extensions import db
from quizapp.incidents.rules import add_months
from quizapp.models import AuditLog, CompanyDay, Grid, Incident, Topic, TownImport
from tests.factories import make_staff
from tests.pages import sign_in_staff, table_rows

HEADER = "月份,网格,企业编码,诈骗类型,案件数,损失金额(元),备注\r\n"
WORKER_NAMES = ("王小明", "李小红", "张新来", "A001", "B001")


def this_month() -> date:
    return local_today().replace(day=1)


@pytest.fixture
def officer(client, town):
    client.set_cookie("lang", "en")
    sign_in_staff(client, "officer-1")
    return client


@pytest.fixture
def incident_a(app, town):
    with app.app_context():
        g1 = db.session.scalar(select(Grid.id).where(Grid.code == "g1"))
        incident = Incident(grid_id=g1, company_id=town.company_a, month=this_month(), fraud_type="alpha", cases=2,
                            loss_yuan=Decimal("1200.50"), note="两起")
        db.session.add(incident)
        # Last month (this month so far also counts today, read live from the roster).
        db.session.add(CompanyDay(company_id=town.company_a, day=add_months(this_month(), -1), workday=True,
                                  headcount=4, completed=3))
        db.session.commit()
        return incident.id


@pytest.fixture
def officer_2(app, client, town):
    with app.app_context():
        make_staff("officer-2", "grid_officer", grids=[db.session.scalar(select(Grid).where(Grid.code == "g2"))])
        db.session.commit()
    client.set_cookie("lang", "en")
    sign_in_staff(client, "officer-2")
    return client


def no_worker_names(text: str) -> None:
    for name in WORKER_NAMES:
        assert name not in text


def test_the_incidents_page_shows_the_figures_as_aggregates(officer, incident_a):
    page = officer.get("/reports/incidents").get_data(as_text=True)
    assert "Year on year" in page and "Months since the last case" in page and "甲厂" in page
    # This month's row: cases and losses (its participation counts today, read live from the roster);
    # last month's: the rollup's 3 of 4.
    rows = table_rows(page)
    assert [f"{this_month():%Y-%m}", "2", "1,200.50"] in [row[:3] for row in rows]
    assert [f"{add_months(this_month(), -1):%Y-%m}", "0", "0.00", "75%"] in rows
    assert "<svg" in page and 'class="bar"' in page
    assert "乙厂" not in page  # another grid's company
    no_worker_names(page)


def test_the_records_show_a_point_to_about_100_m_not_as_stored(app, officer, incident_a):
    with app.app_context():
        incident = db.session.get(Incident, incident_a)
        incident.longitude, incident.latitude, incident.datum = Decimal("113.8451234"), Decimal("22.9054321"), "gcj02"
        db.session.commit()
    page = officer.get("/reports/incidents").get_data(as_text=True)
    assert "113.845, 22.905 (GCJ-02)" in [row[-2] for row in table_rows(page)]
    assert "113.8451" not in page and "22.9054" not in page


def test_an_officer_records_edits_and_deletes_a_record(app, officer, town):
    response = officer.post("/reports/incidents/new", data={
        "company": str(town.company_a), "grid": "", "month": f"{this_month():%Y-%m}", "fraud_type": "beta",
        "cases": "3", "loss_yuan": "99.90", "note": ""})
    assert response.status_code == 302
    with app.app_context():
        incident = db.session.scalar(select(Incident))
        assert (incident.fraud_type, incident.cases, incident.loss_yuan) == ("beta", 3, Decimal("99.90"))
        incident_id = incident.id
    form = officer.get(f"/reports/incidents/{incident_id}/edit").get_data(as_text=True)
    assert 'value="99.90"' in form and "Delete this record" in form
    officer.post(f"/reports/incidents/{incident_id}/edit", data={
        "company": str(town.company_a), "grid": "", "month": f"{this_month():%Y-%m}", "fraud_type": "beta",
        "cases": "4", "loss_yuan": "0", "note": "corrected"})
    with app.app_context():
        assert db.session.get(Incident, incident_id).cases == 4
    assert officer.post(f"/reports/incidents/{incident_id}/delete", data={"confirm": "yes"}).status_code == 302
    with app.app_context():
        assert db.session.get(Incident, incident_id) is None


def test_the_form_says_what_is_wrong(officer, town, incident_a):
    page = officer.post("/reports/incidents/new", data={
        "company": "", "grid": "", "month": "", "fraud_type": "alpha", "cases": "-1", "loss_yuan": "x"})
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Choose the company, or “the whole grid”" in text and "Choose the month" in text
    assert "Cases are a whole number from 0." in text
    duplicate = officer.post("/reports/incidents/new", data={
        "company": str(town.company_a), "grid": "", "month": f"{this_month():%Y-%m}", "fraud_type": "alpha",
        "cases": "1", "loss_yuan": "1"}).get_data(as_text=True)
    assert "exists already" in duplicate


def test_the_new_record_form_preselects_no_company_and_an_empty_choice_is_refused(app, officer, town):
    form = officer.get("/reports/incidents/new").get_data(as_text=True)
    select_html = form[form.index('name="company"'):form.index("</select>", form.index('name="company"'))]
    options = select_html.split("<option")[1:]
    assert 'value=""' in options[0] and "Choose…" in options[0]  # the first choice is no answer
    assert 'value="grid"' in options[1] and "the whole grid" in options[1]
    assert "selected" not in select_html
    month = f"{this_month():%Y-%m}"
    page = officer.post("/reports/incidents/new", data={
        "company": "", "grid": "", "month": month, "fraud_type": "alpha", "cases": "1", "loss_yuan": "1"})
    assert page.status_code == 200 and "Choose the company, or “the whole grid”" in page.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(Incident.id)) is None
        g1 = db.session.scalar(select(Grid.id).where(Grid.code == "g1"))
    # The whole grid, chosen: a record of the grid, with no company; its edit form shows that choice again.
    assert officer.post("/reports/incidents/new", data={
        "company": "grid", "grid": str(g1), "month": month, "fraud_type": "alpha", "cases": "1",
        "loss_yuan": "1"}).status_code == 302
    with app.app_context():
        incident = db.session.scalar(select(Incident))
        assert (incident.company_id, incident.grid_id) == (None, g1)
    edit = officer.get(f"/reports/incidents/{incident.id}/edit").get_data(as_text=True)
    assert '<option selected value="grid">' in edit


def upload(client, body: str, encoding: str = "utf-8", name: str = "incidents.csv"):
    return client.post("/reports/incidents/import", data={"file": (io.BytesIO((HEADER + body).encode(encoding)), name)},
                       content_type="multipart/form-data")


def test_an_import_previews_then_writes_every_row_on_confirmation(app, officer, town):
    month = f"{this_month():%Y-%m}"
    preview = upload(officer, f"{month},,acme,alpha,2,100,\r\n{month},g1,,其他,1,10,\r\n", "gbk")
    text = preview.get_data(as_text=True)
    assert "2 rows are good: 2 new records, 0 replace stored ones." in text
    with app.app_context():
        assert db.session.scalar(select(Incident.id)) is None
    token = text.split('name="preview" type="hidden" value="')[1].split('"')[0]
    done = officer.post("/reports/incidents/import/confirm", data={"preview": token})
    assert done.status_code == 302
    with app.app_context():
        assert len(db.session.scalars(select(Incident)).all()) == 2
        assert db.session.scalar(select(AuditLog.action).where(AuditLog.action != "signin.staff")) == "import_incidents"


def test_the_good_rows_of_a_file_with_bad_ones_can_be_imported(app, officer, town):
    month = f"{this_month():%Y-%m}"
    text = upload(officer, f"{month},,acme,alpha,2,100,\r\n{month},,bolt,alpha,1,1,\r\n").get_data(as_text=True)
    assert "1 rows have problems and will be left out" in text and "Outside your grids." in text
    token = text.split('name="preview" type="hidden" value="')[1].split('"')[0]
    done = officer.post("/reports/incidents/import/confirm", data={"preview": token})
    assert done.status_code == 302
    with app.app_context():
        assert db.session.scalars(select(Incident.company_id)).all() == [town.company_a]


def test_the_preview_shows_names_and_what_a_replaced_record_loses(app, officer, town, incident_a):
    month = f"{this_month():%Y-%m}"
    text = upload(officer, f"{month},,acme,alpha,3,1200.50,清空\r\n{month},g1,,other,1,10,\r\n").get_data(as_text=True)
    table = text.split('class="figures import-preview"')[1].split("</table>")[0]
    assert "甲厂" in table and "网格一" in table and "Topic alpha" in table and "Other" in table
    assert ">acme<" not in table and ">g1<" not in table and ">alpha<" not in table  # names, not codes
    assert "Confirmed cases: 2 → 3" in table and "to be emptied</strong> Note: <del>两起</del> → –" in table
    assert "new record" in table
    emptied = text.split('id="emptied"')[1].split("</div>")[0]
    assert "1 stored notes will be emptied" in emptied and "<del>两起</del>" in emptied
    token = text.split('name="preview" type="hidden" value="')[1].split('"')[0]
    officer.post("/reports/incidents/import/confirm", data={"preview": token}).close()
    with app.app_context():
        stored = db.session.get(Incident, incident_a)
        assert (stored.cases, stored.loss_yuan, stored.note) == (3, Decimal("1200.50"), None)


def test_a_blank_note_keeps_the_stored_one(app, officer, town, incident_a):
    text = upload(officer, f"{this_month():%Y-%m},,acme,alpha,2,1200.50,\r\n").get_data(as_text=True)
    assert "replaces a stored record: no change" in text and 'id="emptied"' not in text
    # The row changes nothing, so there is nothing to confirm; sent anyway, it keeps the note.
    assert 'name="preview"' not in text
    with app.app_context():
        kept = db.session.scalar(select(func.max(TownImport.id)))
    officer.post("/reports/incidents/import/confirm", data={"preview": kept}).close()
    with app.app_context():
        assert db.session.get(Incident, incident_a).note == "两起"


def test_the_import_page_lists_the_fraud_types_and_says_how_blanks_work(app, officer, town):
    with app.app_context():
        db.session.add(Topic(slug="guanfang", name_zh="官方反诈工具和防骗口诀", name_en="Official anti-fraud tools",
                             lesson_zh="", lesson_en=""))
        db.session.commit()
    page = officer.get("/reports/incidents/import").get_data(as_text=True)
    assert "<code>alpha</code>" in page and "<code>other</code>" in page and "guanfang" not in page
    assert "a blank note keeps the note" in page and "“清空”" in page
    form = officer.get("/reports/incidents/new").get_data(as_text=True)
    assert 'value="alpha"' in form and 'value="guanfang"' not in form


def test_the_preview_lists_every_bad_row_and_offers_no_confirmation(officer, town):
    month = f"{this_month():%Y-%m}"
    text = upload(officer, f"{month},,bolt,alpha,1,1,\r\n2026-13,,acme,alpha,1,1,\r\n{month},,acme,lottery,-1,1,\r\n"
                  f"{month},,nope,alpha,1,=1+1,\r\n").get_data(as_text=True)
    assert "Nothing can be imported from this file" in text and 'name="preview"' not in text
    for expected in ("Outside your grids.", "Not a month", "Unknown fraud type", "A number cannot be negative.",
                     "No company has this code.", "A formula is not accepted"):
        assert expected in text
    assert "<td class=\"num\">5</td>" in text  # the row number as the spreadsheet shows it


@pytest.mark.parametrize("data,expected", [
    (b"", "The file is empty."),
    (b"\xfa\xfb\xff\xff,\x81\x20\n", "text encoding cannot be read"),
    ("名字,年龄\r\n王某,3\r\n".encode(), "This column is missing."),
])
def test_files_that_cannot_be_read_are_refused_with_the_reason(officer, town, data, expected):
    text = officer.post("/reports/incidents/import", data={"file": (io.BytesIO(data), "x.csv")},
                        content_type="multipart/form-data").get_data(as_text=True)
    assert expected in text and 'name="preview"' not in text


def test_a_tampered_confirmation_imports_nothing(app, officer, town):
    response = officer.post("/reports/incidents/import/confirm", data={"preview": "12345"})
    assert response.status_code == 302
    assert "not found" in officer.get(response.location).get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(Incident.id)) is None


def test_the_export_is_audited_and_holds_no_worker(app, officer, incident_a):
    response = officer.get(f"/reports/incidents/export.csv?month={this_month():%Y-%m}")
    assert response.status_code == 200 and "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert rows[1][4:6] == ["甲厂", "Topic alpha"] and rows[1][7] == "2"  # the topic's name in the reader's language
    no_worker_names(response.data.decode("utf-8-sig"))
    xlsx = officer.get("/reports/incidents/export.xlsx")
    assert load_workbook(io.BytesIO(xlsx.data)).active["E2"].value == "甲厂"
    with app.app_context():
        assert db.session.scalars(select(AuditLog.action).where(AuditLog.action != "signin.staff")
                                  ).all() == ["export_incidents", "export_incidents"]


def test_the_template_downloads(officer, town):
    response = officer.get("/reports/incidents/template.csv")
    assert response.data.startswith(b"\xef\xbb\xbf") and "月份".encode() in response.data


def test_another_grids_officer_cannot_see_edit_delete_or_export_company_as_incidents(app, officer_2, incident_a):
    assert officer_2.get(f"/reports/incidents/{incident_a}/edit").status_code == 404
    assert officer_2.post(f"/reports/incidents/{incident_a}/edit", data={"cases": "9"}).status_code == 404
    assert officer_2.post(f"/reports/incidents/{incident_a}/delete").status_code == 404
    page = officer_2.get("/reports/incidents").get_data(as_text=True)
    assert "甲厂" not in page and "1,200.50" not in page
    export = officer_2.get("/reports/incidents/export.csv").data.decode("utf-8-sig")
    assert "甲厂" not in export and len(export.strip().splitlines()) == 1
    with app.app_context():
        assert db.session.get(Incident, incident_a).cases == 2


def test_a_csv_naming_a_company_outside_the_grids_is_a_bad_row(officer_2, incident_a):
    text = upload(officer_2, f"{this_month():%Y-%m},,acme,alpha,1,1,\r\n").get_data(as_text=True)
    assert "Outside your grids." in text and 'name="preview"' not in text


def test_a_post_without_the_csrf_token_fails(app, officer, town, monkeypatch):
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    response = officer.post("/reports/incidents/new", data={
        "company": str(town.company_a), "month": f"{this_month():%Y-%m}", "fraud_type": "alpha", "cases": "1",
        "loss_yuan": "1"})
    assert response.status_code == 400
    with app.app_context():
        assert db.session.scalar(select(Incident.id)) is None


def test_a_whole_grid_record_for_another_grid_is_refused(app, officer, town):
    with app.app_context():
        g2 = db.session.scalar(select(Grid.id).where(Grid.code == "g2"))
    for grid, message in ((str(g2), "Outside your grids."), ("abc", "Name the grid")):
        page = officer.post("/reports/incidents/new", data={
            "company": "grid", "grid": grid, "month": f"{this_month():%Y-%m}", "fraud_type": "alpha", "cases": "1",
            "loss_yuan": "1"})
        assert page.status_code == 200 and message in page.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(Incident.id)) is None


def test_a_record_carries_its_raw_reports_and_the_page_shows_the_three_figures(app, officer, town):
    response = officer.post("/reports/incidents/new", data={
        "company": str(town.company_a), "grid": "", "month": f"{this_month():%Y-%m}", "fraud_type": "beta",
        "raw_reports": "7", "cases": "3", "loss_yuan": "99.90", "note": ""})
    assert response.status_code == 302
    with app.app_context():
        assert db.session.scalar(select(Incident.raw_reports)) == 7
    refused = officer.post("/reports/incidents/new", data={
        "company": str(town.company_a), "grid": "", "month": f"{this_month():%Y-%m}", "fraud_type": "alpha",
        "raw_reports": "-1", "cases": "1", "loss_yuan": "1", "note": ""})
    assert "Raw reports are a whole number from 0." in refused.get_data(as_text=True)
    page = officer.get(f"/reports/incidents?month={this_month():%Y-%m}").get_data(as_text=True)
    for label in ("Raw reports (原始警情)", "Confirmed cases (确认警情)", "Losses (损失金额, yuan)", "Declined?"):
        assert label in page
    assert "is still in progress" in page  # this month is not compared with a whole month
    no_worker_names(page)
