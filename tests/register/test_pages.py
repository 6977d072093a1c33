"""The town admin's register pages through the client: upload, preview (summary, problems at row
and column, changes old -> new with moves), apply, cancel, a forged confirmation, the template and
the export that import back, bad files, every other role refused, and a preview that retention
removed."""

import csv
import io
import re
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, insert, select
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from quizapp.extensions import db
from quizapp.models import AuditLog, Company, Employee, Grid, Shift, SupervisionCase, TownImport
from quizapp.retention.service import purge_town
from tests.factories import first_town, make_staff
from tests.pages import sign_in_staff, table_rows, texts

HEAD = "网格编码,网格名称,企业编码,企业名称,每次题数,工作日,班次,启用\n"
GOOD = HEAD + "G7,新网格,newco001,新厂,6,1-5,早班 07:30,\ng2,,acme,甲厂,,,,\n"


@pytest.fixture(autouse=True)
def _english(client):
    """These tests read the pages' English wording (Chinese is the default)."""
    client.set_cookie("lang", "en")


@pytest.fixture
def admin(client, town):
    sign_in_staff(client, "admin")
    return client


def upload(client, data: bytes, filename="register.csv"):
    boundary, body = encode_multipart({"file": FileStorage(io.BytesIO(data), filename)})
    return client.post("/admin/register", data=body, content_type=f"multipart/form-data; boundary={boundary}")


def preview_of(client, data: bytes, filename="register.csv") -> tuple[str, str]:
    response = upload(client, data, filename)
    assert response.status_code == 302, response.get_data(as_text=True)
    return response.location, client.get(response.location).get_data(as_text=True)


def fingerprint(page: str) -> str:
    return re.search(r'name="plan" type="hidden" value="([0-9a-f]+)"', page).group(1)


def companies(app) -> list[tuple]:
    with app.app_context():
        return db.session.execute(select(Company.code, Company.name, Grid.code, Company.active)
                                  .join(Grid, Grid.id == Company.grid_id).order_by(Company.code)).all()


def test_upload_preview_and_apply(admin, app):
    url, page = preview_of(admin, GOOD.encode())
    summary = texts(page, "ul", class_="summary")[0]
    assert "1 grids to add" in summary and "1 companies to add" in summary and "1 of them move" in summary
    assert "1 active companies not in the file" in summary and "0 problems" in summary
    changed = table_rows(page.split('id="changed"')[1])
    assert ["3", "acme", "甲厂", "moves Grid: 网格一 (g1) → 网格二 (g2)"] in changed
    added = table_rows(page.split('id="added"')[1])
    assert ["2", "newco001", "新厂", "新网格 (G7)", "6", "1-5", "早班 07:30", "Active"] in added
    assert companies(app)[0][1:] == ("甲厂", "g1", True)  # nothing saved yet
    response = admin.post(f"{url}/apply", data={"plan": fingerprint(page)})
    assert response.status_code == 302 and response.location == "/admin/grids"
    assert "Register imported: 1 grids and 1 companies added" in admin.get("/admin/grids").get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(Company.grid_id).where(Company.code == "acme")) == db.session.scalar(
            select(Grid.id).where(Grid.code == "g2"))
        assert db.session.scalar(select(func.count()).select_from(AuditLog)
                                 .where(AuditLog.action == "register.import")) == 1
    applied = admin.get(url).get_data(as_text=True)
    assert "This import was applied" in applied and 'name="plan"' not in applied


def test_problems_are_listed_at_row_and_column_and_nothing_can_be_applied(admin, app):
    url, page = preview_of(admin, (HEAD + "G9,,newco001,新厂,,,,\ng2,,acme,甲厂,,,早班 31:00,\n").encode())
    rows = table_rows(page.split('id="problems"')[1])
    assert rows[1][:3] == ["2", "网格编码", "G9"] and "neither in the town nor named in this file" in rows[1][3]
    assert rows[2][:3] == ["3", "班次", "早班 31:00"] and "24-hour clock" in rows[2][3]
    assert 'name="plan"' not in page
    before = companies(app)
    response = admin.post(f"{url}/apply", data={"plan": "0" * 32}, follow_redirects=True)
    assert "The file has 2 problems: nothing can be applied" in response.get_data(as_text=True)
    assert companies(app) == before


def test_a_code_excel_stripped_of_its_zeros_is_a_problem_that_says_what_to_do(admin, app):
    with app.app_context():
        acme = db.session.scalar(select(Company).where(Company.code == "acme"))
        acme.code = "00123456"
        db.session.commit()
    before = companies(app)
    _url, page = preview_of(admin, (HEAD + "g1,,123456,甲厂,,,,\n").encode())
    rows = table_rows(page.split('id="problems"')[1])
    assert rows[1][:3] == ["2", "企业编码", "123456"]
    assert rows[1][3] == ("Excel has stored this code as a number, so its leading zeros are lost: 123456 is probably "
                          "00123456. Set the column's format to Text, type the codes again with their zeros and "
                          "upload the file again.")
    assert 'name="plan"' not in page and companies(app) == before


def test_every_problem_of_a_row_is_listed_on_the_first_upload(admin, app):
    url, page = preview_of(admin, (HEAD + "G9,,short,甲厂二,,,,\n"            # 2: unknown grid, code too short
                                          "bad code,坏网格,newco001,新厂,,,,\n"  # 3, 4: a new grid code with a space
                                          "bad code,,newco002,新厂二,,,,\n"
                                          "g1,,shrt5,新厂三,9,,,\n"             # 5: bad questions, code too short
                                          "g2,,newco002,新厂四,,,,\n").encode())  # 6: row 4's code again
    rows = table_rows(page.split('id="problems"')[1].split("</table>")[0])[1:]
    assert [row[:3] for row in rows] == [
        ["2", "企业编码", "short"], ["2", "网格编码", "G9"], ["3", "网格编码", "bad code"],
        ["4", "企业编码", "newco002"], ["4", "网格编码", "bad code"], ["5", "企业编码", "shrt5"],
        ["5", "每次题数", "9"], ["6", "企业编码", "newco002"]]
    assert rows[0][3] == "A new company code has at least 6 characters."
    grid_note = "Until the grid code is right, the company name is not checked against the grid's other companies."
    assert rows[1][3].startswith("The grid code G9 is neither in the town") and rows[1][3].endswith(grid_note)
    assert rows[2][3] == "Use only letters, digits and hyphens in a code."  # a new grid: its names are checked
    assert rows[3][3] == "The company code newco002 is also on row 6."
    assert rows[7][3] == "The company code newco002 is already on row 4."
    assert "8 problems on 5 rows" in page and 'name="plan"' not in page
    lines = list(csv.reader(io.StringIO(admin.get(f"{url}/preview.csv").data.decode("utf-8-sig"))))
    assert sorted((line[0], line[4]) for line in lines if line[1] == "Problem") == [
        ("2", "企业编码"), ("2", "网格编码"), ("3", "网格编码"), ("4", "企业编码"), ("4", "网格编码"),
        ("5", "企业编码"), ("5", "每次题数"), ("6", "企业编码")]


def test_a_clash_names_the_other_rows_however_many_and_old_previews_still_read(app):
    from quizapp.register.rules.file import parse_register
    from quizapp.register.wording import describe

    found = parse_register("r.csv", (HEAD + "".join(f"g1,,abcdefgh,厂{i},,,,\n" for i in range(15))).encode())
    many = {"reason": "company_name_taken", "value": "同名", "detail": {"rows": [3, 4], "more": 0}}
    with app.test_request_context("/", headers={"Cookie": "lang=en"}):
        assert describe(found.problems[0]) == ("The company code abcdefgh is also on rows 3, 4, 5, 6, 7, 8, 9, 10, 11, "
                                               "12, and 4 more.")
        assert describe(found.problems[1]) == "The company code abcdefgh is already on row 2."
        assert describe(many) == "Other companies of this grid, on rows 3 and 4, are also called 同名."
        # A preview kept before clashes named every row reads as it did.
        assert describe({"reason": "company_name_taken", "value": "同名", "detail": 2}) == (
            "Another company of this grid is already called 同名 (row 2).")
    with app.test_request_context("/", headers={"Cookie": "lang=zh_CN"}):
        assert describe(found.problems[0]) == (
            "企业编码 abcdefgh 还出现在第 3、4、5、6、7、8、9、10、11、12和另外 4 行。")
        assert describe({**many, "detail": {"rows": [3], "more": 0}}) == "该网格第 3 行的企业也叫 同名。"
        waits = describe({"reason": "unknown_grid", "value": "G9", "unchecked": ["company_name", "grid_name"]})
        assert waits.endswith("。网格编码改正之前，不核对企业名称是否与本网格其他企业重名。"
                              "网格编码改正之前，不核对网格名称是否与本镇其他网格重名。")


def test_a_forged_confirmation_applies_nothing(admin, app):
    url, page = preview_of(admin, GOOD.encode())
    before = companies(app)
    response = admin.post(f"{url}/apply", data={"plan": "f" * 32}, follow_redirects=True)
    assert "changed since this preview was shown, or the confirmation did not come from it" in response.get_data(
        as_text=True)
    assert companies(app) == before
    assert admin.post(f"{url}/apply", data={}).status_code == 302  # no token at all: back to the preview
    assert companies(app) == before


def test_deactivate_the_missing_ones_only_when_ticked_and_cancel(admin, app):
    url, page = preview_of(admin, (HEAD + "g1,,acme,甲厂,,,,\n").encode())
    assert "In the town but not in the file (2)" in page and "乙厂" in page
    admin.post(f"{url}/apply", data={"plan": fingerprint(page), "deactivate_missing": "y"})
    assert [c[3] for c in companies(app)] == [True, False]
    url, page = preview_of(admin, GOOD.encode())
    assert admin.post(f"{url}/cancel").status_code == 302
    assert "This import was cancelled" in admin.get(url).get_data(as_text=True)
    assert admin.post(f"{url}/apply", data={"plan": fingerprint(page)}, follow_redirects=True).status_code == 200
    assert companies(app)[0][2] == "g1"  # acme still in g1


@pytest.mark.parametrize(("data", "words"), [
    (b"\xd0\xcf\x11\xe0" + b"\0" * 64, "old Excel file (.xls)"),
    ("网格,企业\nG1,厂\n".encode(), "Required columns are missing"),
    (HEAD.encode(), "no companies or grids below it"),
])
def test_a_file_that_cannot_be_read_is_refused_with_its_reason(admin, app, data, words):
    response = upload(admin, data)
    assert response.status_code == 400 and words in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count(TownImport.id))) == 0


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_template_and_the_export_import_back(admin, app, fmt):
    template = admin.get(f"/admin/register/template.{fmt}")
    assert template.status_code == 200
    _url, page = preview_of(admin, template.data, f"template.{fmt}")
    assert "0 problems" in texts(page, "ul", class_="summary")[0]
    export = admin.get(f"/admin/register/export.{fmt}")
    assert export.status_code == 200 and "attachment" in export.headers["Content-Disposition"]
    if fmt == "xlsx":
        sheet = load_workbook(io.BytesIO(export.data)).worksheets[0]
        assert [c.value for c in sheet[1]][:4] == ["Grid code", "Grid name", "Company code", "Company name"]
    _url, page = preview_of(admin, export.data, f"export.{fmt}")
    summary = texts(page, "ul", class_="summary")[0]
    assert "2 companies unchanged" in summary and "0 companies to change" in summary and "0 problems" in summary
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(AuditLog)
                                 .where(AuditLog.action == "register.export")) == 1


def test_another_admin_s_import_and_other_roles_are_refused(client, app, town):
    sign_in_staff(client, "admin")
    url, _page = preview_of(client, GOOD.encode())
    with app.app_context():
        make_staff("admin-2", "town_admin")
        db.session.commit()
    client.post("/logout").close()
    sign_in_staff(client, "admin-2")
    assert client.get(url).status_code == 404
    assert client.post(f"{url}/apply", data={"plan": "0" * 32}).status_code == 404
    for username in ("officer-1", "staff-a"):
        client.post("/logout").close()
        sign_in_staff(client, username)
        assert client.get("/admin/register").status_code == 403
        assert client.get(url).status_code == 403
        assert client.get("/admin/register/export.csv").status_code == 403
    assert companies(app)[0][2] == "g1"


def test_an_applied_or_cancelled_import_s_page_says_its_rows_are_no_longer_kept(admin, app):
    applied_url, page = preview_of(admin, GOOD.encode(), "applied.csv")
    admin.post(f"{applied_url}/apply", data={"plan": fingerprint(page)}).close()
    cancelled_url, _page = preview_of(admin, GOOD.encode(), "cancelled.csv")
    admin.post(f"{cancelled_url}/cancel").close()
    for url, said in ((applied_url, "was applied on"), (cancelled_url, "was cancelled")):
        page = admin.get(url).get_data(as_text=True)
        assert said in page and "The file's rows are no longer kept" in page and "newco001" not in page
    listing = admin.get("/admin/register").get_data(as_text=True)
    assert texts(listing, "td", **{"data-label": "Status"}) == ["Cancelled", "Applied"]


def test_a_preview_past_the_keeping_time_says_it_has_expired_and_applies_nothing(admin, app):
    url, page = preview_of(admin, GOOD.encode())
    with app.app_context():
        db.session.get(TownImport, int(url.rsplit("/", 1)[1])).created_at -= timedelta(hours=3)
        db.session.commit()
    expired = admin.get(url).get_data(as_text=True)
    assert "This preview has expired (a preview is kept for 2 hours)" in expired and "/apply" not in expired
    assert admin.get(f"{url}/preview.csv").status_code == 404
    response = admin.post(f"{url}/apply", data={"plan": fingerprint(page)}, follow_redirects=True)
    assert "This preview has expired (a preview is kept for 2 hours)" in response.get_data(as_text=True)
    assert companies(app)[0][1:] == ("甲厂", "g1", True)  # nothing applied
    listing = admin.get("/admin/register").get_data(as_text=True)
    assert texts(listing, "td", **{"data-label": "Status"}) == ["Expired"]


def test_a_preview_that_retention_removed_says_it_has_expired_and_to_upload_again(admin, app):
    url, page = preview_of(admin, GOOD.encode())
    with app.app_context():
        record = db.session.get(TownImport, int(url.rsplit("/", 1)[1]))
        record.created_at = datetime(2025, 1, 6, 9)
        db.session.commit()
        assert purge_town(first_town().id, date(2026, 11, 24), 12, ZoneInfo("Asia/Shanghai"),
                          datetime(2026, 11, 24, 2)).register_imports == 1
        db.session.commit()
    for response in (admin.get(url), admin.post(f"{url}/apply", data={"plan": fingerprint(page)}),
                     admin.post(f"{url}/cancel")):
        assert response.status_code == 404
        gone = response.get_data(as_text=True)
        assert "This preview has expired" in gone and "Upload the file again to see a new preview." in gone
        assert 'href="/admin/register"' in gone
    assert companies(app)[0][1:] == ("甲厂", "g1", True)  # nothing applied


def test_the_pages_are_in_chinese_by_default(admin):
    admin.set_cookie("lang", "zh")
    _url, page = preview_of(admin, GOOD.encode())
    assert "名册导入预览" in page and "家企业将新增" in page and "转网格" in page


def test_every_reason_a_whole_file_is_refused_for_has_words():
    from quizapp.register.wording import MESSAGES

    reasons = ("empty", "too_big", "old_xls", "not_xlsx", "too_big_unpacked", "too_many_rows", "encoding",
               "unreadable", "missing_columns", "duplicate_columns", "no_rows")  # SheetError's, and no_rows
    assert {f"register.file.{r}" for r in reasons} <= set(MESSAGES)


def _five_companies_with_open_cases(app) -> None:
    """acme and bolt, three more companies in two more grids (five in four grids), a case open on each."""
    with app.app_context():
        acme = db.session.scalar(select(Company).where(Company.code == "acme"))
        grids = [Grid(code=f"g{i}", name=f"网格{i}", active=True, town_id=acme.grid.town_id) for i in (3, 4)]
        db.session.add_all(grids)
        db.session.flush()
        db.session.add_all([Company(code=code, name=name, grid_id=grid, questions_per_quiz=5, workdays="12345",
                                    active=True) for code, name, grid in (
            ("cocoa01", "丙厂", grids[0].id), ("dune001", "丁厂", grids[1].id), ("echo001", "戊厂", acme.grid_id))])
        db.session.flush()
        db.session.add_all([SupervisionCase(company_id=c.id, rule="manual", reason="test", opened_on=date(2026, 11, 2))
                            for c in db.session.scalars(select(Company))])
        db.session.commit()


def test_a_file_of_one_company_says_what_deactivating_would_do_and_takes_a_second_tick(admin, app):
    _five_companies_with_open_cases(app)
    url, page = preview_of(admin, (HEAD + "g2,,bolt,乙厂,,,,\n").encode())
    assert page.count("Ticking “Deactivate…” would deactivate 4 companies and 3 grids, and close 4 open "
                      "supervision cases.") == 2  # at the top and by the list
    assert "would deactivate 4 of the 5 active companies and 3 of the 4 active grids — more than half" in page
    assert 'href="#cases"' in page and "Open supervision cases that would close (4)" in page
    cases = table_rows(page.split('id="cases"')[1])
    assert sorted(row[1] for row in cases[1:]) == ["acme", "cocoa01", "dune001", "echo001"]
    assert all(row[3:] == ["Added by an officer", "2026-11-02", "only if “Deactivate…” is ticked"]
               for row in cases[1:])
    assert "They stay closed if the company is reactivated later" in page
    with app.app_context():
        first = db.session.scalar(select(func.min(SupervisionCase.id)))
    assert f'href="/reports/supervision/cases/{first}"' in page
    assert 'name="confirm_most"' in page
    refused = admin.post(f"{url}/apply", data={"plan": fingerprint(page), "deactivate_missing": "y"},
                         follow_redirects=True).get_data(as_text=True)
    assert "Nothing was applied: this would deactivate 4 of the 5 active companies and 3 of the 4 active grids." \
        in refused
    assert [c[3] for c in companies(app)] == [True] * 5
    admin.post(f"{url}/apply", data={"plan": fingerprint(page), "deactivate_missing": "y", "confirm_most": "y"})
    assert [(c[0], c[3]) for c in companies(app) if c[3]] == [("bolt", True)]
    with app.app_context():
        assert db.session.scalar(select(func.count()).where(SupervisionCase.status == "open")) == 1


def test_the_cases_a_file_closes_by_itself_are_named_even_without_the_tick(admin, app):
    _five_companies_with_open_cases(app)
    _url, page = preview_of(admin, (HEAD + "g1,,acme,甲厂,,,,否\n").encode())
    assert "The file deactivates 1 companies (Active: 否): applying closes their 1 open supervision cases." in page
    cases = table_rows(page.split('id="cases"')[1])
    assert [row[1] for row in cases[1:] if row[5] == "in any case: the file deactivates the company"] == ["acme"]


def test_a_shift_workers_are_on_reads_as_shifts_not_program_output(admin, app):
    with app.app_context():
        acme = db.session.scalar(select(Company).where(Company.code == "acme"))
        db.session.add(Shift(company_id=acme.id, name="中班", starts_at=datetime(2026, 1, 1, 14).time()))
        db.session.execute(insert(Employee), [{"company_id": acme.id, "employee_no": "Z1", "name": "中班的",
                                               "team": "一车间", "shift": "中班", "active": True}])
        db.session.commit()
    _url, page = preview_of(admin, (HEAD + "g1,,acme,甲厂,,,早班 08:00; 夜班 20:00,\n").encode())
    rows = table_rows(page.split('id="problems"')[1])
    assert rows[1][:3] == ["2", "班次", "早班 08:00；夜班 20:00"] and "The shift 中班 would be removed" in rows[1][3]
    assert "[[" not in page


def test_the_preview_lists_every_row_however_many_and_downloads_every_change(admin, app):
    rows = "".join(f"g1,,new{i:05d},新厂{i},,,,\n" for i in range(320))
    url, page = preview_of(admin, (HEAD + rows + "g2,,bolt,乙厂新名,7,,,\n").encode())
    assert "320 companies to add" in texts(page, "ul", class_="summary")[0] and "more." not in page
    added = table_rows(page.split('id="added"')[1].split("</table>")[0])
    assert [row[1] for row in added[1:]] == [f"new{i:05d}" for i in range(320)]
    assert re.search(r'<details class="listing">\s*<summary>The whole list: 320</summary>', page)
    assert re.search(r'<details class="listing" open>\s*<summary>The whole list: 1</summary>',
                     page.split('id="changed"')[1])
    response = admin.get(f"{url}/preview.csv")
    assert response.status_code == 200 and "attachment" in response.headers["Content-Disposition"]
    lines = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert lines[0] == ["Row", "What happens", "Code", "Name", "Field", "Now", "After the import", "Note"]
    assert len({line[2] for line in lines if line[1] == "Company to add"}) == 320
    assert ["322", "Company to change", "bolt", "乙厂", "Company name", "乙厂", "乙厂新名", ""] in lines
    assert ["322", "Company to change", "bolt", "乙厂", "Questions per quiz", "5", "7", ""] in lines
    assert [line[2] for line in lines if line[1] == "Company not in the file"] == ["acme"]
    assert admin.get(f"{url}/preview.xlsx").status_code == 200


def test_a_register_workbook_s_preview_names_the_sheet_it_read(admin):
    template = load_workbook(io.BytesIO(admin.get("/admin/register/template.xlsx").data))
    template.active.title = "名册"
    template.create_sheet("备注", 0).append(["填写说明"])
    out = io.BytesIO()
    template.save(out)
    _url, page = preview_of(admin, out.getvalue(), "register.xlsx")
    # The template has its own notes sheet (说明) after the register.
    assert texts(page, "p", class_="sheet-read") == ["Read the sheet “名册”. Other sheets, not read: 备注 and 说明."]
    assert "0 problems" in texts(page, "ul", class_="summary")[0]
