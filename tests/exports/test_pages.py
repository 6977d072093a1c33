"""The exports page and its downloads, through the console as company staff use it; inside
WeChat (which saves no files) the notice, and each report on screen as a table and as text."""

import csv
import io
from datetime import timedelta

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from quizapp.clock import local_today
from quizapp.extensions import db
from quizapp.models import AuditLog, Company, Employee
from tests.browser import WECHAT_UA
from tests.factories import take_quiz
from tests.pages import sign_in_staff, table_rows, texts

REPORTS = ("by-day", "by-worker", "by-team")


@pytest.fixture
def quizzes(app, town):
    """Both companies' workers took today's quiz; company B's worker is in a team of their own."""
    with app.app_context():
        a, b = db.session.get(Employee, town.worker_a), db.session.get(Employee, town.worker_b)
        b.team = "乙车间"
        # Every day a workday: today's row must show today's quiz whatever the weekday.
        for company in db.session.scalars(select(Company)):
            company.workdays = "1234567"
        db.session.commit()
        for worker in (a, b):
            take_quiz(worker, local_today())
    return town


def download(client, url):
    response = client.get(url)
    data = response.get_data()
    response.close()
    return response, data


def csv_rows(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def test_the_exports_page_links_every_report_in_both_formats_for_the_chosen_period(client, quizzes):
    sign_in_staff(client, "staff-a")
    response, data = download(client, "/console/exports?days=90")
    page = data.decode()
    assert response.status_code == 200
    for report in REPORTS:
        for fmt in ("csv", "xlsx"):
            assert f"/console/exports/{report}.{fmt}?days=90" in page


def test_a_csv_download_opens_in_excel_with_chinese_headers(client, quizzes):
    sign_in_staff(client, "staff-a")
    response, data = download(client, "/console/exports/by-day.csv?days=7")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert f"acme-by-day-{(local_today() - timedelta(days=6)).isoformat()}" in response.headers["Content-Disposition"]
    assert "no-store" in response.headers["Cache-Control"]
    assert data.startswith(b"\xef\xbb\xbf") and b"\r\n" in data
    rows = csv_rows(data)
    assert rows[0][0] == "日期" and len(rows) == 8
    assert rows[-1][0] == local_today().isoformat() and rows[-1][3] == "1"


def test_an_xlsx_download_is_a_workbook_with_a_frozen_header(client, quizzes):
    sign_in_staff(client, "staff-a")
    response, data = download(client, "/console/exports/by-worker.xlsx")
    assert response.status_code == 200 and response.mimetype.endswith("spreadsheetml.sheet")
    sheet = load_workbook(io.BytesIO(data)).active
    assert sheet.freeze_panes == "A2" and sheet["A1"].font.bold
    numbers = [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert numbers == ["A001", "A002"]


def test_exports_of_one_company_never_hold_another_companys_workers(client, quizzes):
    for username, mine, theirs in (("staff-a", ("A001", "王小明", "一车间"), ("B001", "李小红", "乙车间")),
                                   ("staff-b", ("B001", "李小红", "乙车间"), ("A001", "王小明", "一车间"))):
        sign_in_staff(client, username)
        for report in ("by-worker", "by-team"):
            _, data = download(client, f"/console/exports/{report}.csv?days=90")
            text = data.decode("utf-8-sig")
            _, book = download(client, f"/console/exports/{report}.xlsx?days=90")
            cells = repr([list(r) for r in load_workbook(io.BytesIO(book)).active.values])
            for value in theirs:
                assert value not in text and value not in cells, (username, report, value)
            assert mine[2] in text
        _, data = download(client, "/console/exports/by-worker.csv")
        assert mine[0] in data.decode("utf-8-sig") and mine[1] in data.decode("utf-8-sig")
        client.post("/logout").close()


def test_every_download_is_written_to_the_audit_log(app, client, quizzes):
    sign_in_staff(client, "staff-a")
    download(client, "/console/exports/by-worker.xlsx?days=30")
    with app.app_context():
        row = db.session.scalar(select(AuditLog).where(AuditLog.action == "export.console"))
        assert row.actor_id is not None
        assert '"company": "acme"' in row.detail and '"report": "by-worker"' in row.detail and "xlsx" in row.detail


def test_an_unknown_format_or_report_is_not_found(client, quizzes):
    sign_in_staff(client, "staff-a")
    assert download(client, "/console/exports/by-day.pdf")[0].status_code == 404
    assert download(client, "/console/exports/by-month.csv")[0].status_code == 404


def test_others_cannot_download(client, quizzes):
    response, _ = download(client, "/console/exports/by-worker.csv")
    assert response.status_code == 302 and "/login" in response.location
    sign_in_staff(client, "officer-1")
    assert download(client, "/console/exports/by-worker.csv")[0].status_code == 403


WECHAT = {"User-Agent": WECHAT_UA}


def test_in_wechat_the_page_says_how_to_download_and_offers_each_report_on_screen(client, quizzes):
    sign_in_staff(client, "staff-a")
    client.set_cookie("lang", "en")
    html = client.get("/console/exports?days=7", headers=WECHAT).get_data(as_text=True)
    [notice] = texts(html, "div", class_="wechat-notice")
    assert notice.startswith("WeChat's browser does not save files. To download, tap ··· at the top right, "
                             "choose “Open in browser” (在浏览器打开) and sign in there.")
    for report in REPORTS:
        assert f"/console/exports/{report}.html?days=7" in html
    desktop = client.get("/console/exports?days=7").get_data(as_text=True)
    assert texts(desktop, "div", class_="wechat-notice") == [] and "/console/exports/by-day.html?days=7" in desktop


def test_a_report_on_screen_is_the_csv_as_a_table_and_as_text_and_is_audited(app, client, quizzes):
    sign_in_staff(client, "staff-a")
    response = client.get("/console/exports/by-worker.html?days=30", headers=WECHAT)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and response.headers["Cache-Control"] == "private, no-store"
    _, data = download(client, "/console/exports/by-worker.csv?days=30")
    [text] = texts(html, "textarea", raw=True, class_="paste-text")
    assert text == "\n".join("\t".join(row) for row in csv_rows(data)).strip()  # the CSV's values, tab-separated
    rows = table_rows(html)
    assert rows[0] == csv_rows(data)[0] and rows[1][:2] == ["A001", "王小明"] and "李小红" not in html
    with app.app_context():
        details = db.session.scalars(select(AuditLog.detail).where(AuditLog.action == "export.console")).all()
    assert any('"format": "screen"' in d and '"report": "by-worker"' in d for d in details)
