"""Company staff import the roster in a real browser on a desktop: download the template, upload a
file (GBK, as Excel on Chinese Windows saves it) with a bad row, read the preview with the row
number and reason, confirm, and find the new workers on the roster."""

import pytest

from tests.browser import page_width, shot, sign_in_staff

pytestmark = pytest.mark.e2e

ROSTER = ("工号,姓名,班组,班次,手机\r\n"
          "A001,王小明,二车间,早班,13800000000\r\n"
          "A100,新员工,一车间,早班,\r\n"
          "A101,,一车间,早班,\r\n"
          "A102,=HYPERLINK(\"http://evil\"),一车间,早班,\r\n")


def test_import_with_a_bad_row_preview_confirm(desktop, live_server, town, tmp_path):
    page = desktop.new_page()
    sign_in_staff(page, live_server, "staff-a")
    page.goto(f"{live_server}/console/roster")
    shot(page, "console-roster-1-list")

    page.goto(f"{live_server}/console/roster/import")
    with page.expect_download() as download:
        page.locator("a[href$='template.xlsx']").click()
    assert download.value.suggested_filename == "roster-template.xlsx"

    roster_file = tmp_path / "花名册.csv"
    roster_file.write_bytes(ROSTER.encode("gbk"))
    page.locator("#file").set_input_files(str(roster_file))
    shot(page, "console-roster-2-upload")
    page.locator("form.upload button[type=submit]").click()
    page.wait_for_url("**/console/roster/import/*")

    rows = page.locator("#left-out table.problems tbody tr")
    assert rows.count() == 2
    assert rows.nth(0).locator("td").nth(0).inner_text() == "4"
    assert rows.nth(0).locator("td").nth(1).inner_text() == "姓名"
    assert rows.nth(1).locator("td").nth(0).inner_text() == "5"
    assert "=HYPERLINK" in rows.nth(1).inner_text()
    assert "新员工" in page.locator("#added").inner_text()
    assert "一车间 → 二车间" in page.locator("#changed").inner_text()
    assert "张新来" in page.locator("#missing").inner_text()  # A002 is not in the file
    shot(page, "console-roster-3-preview")

    page.locator("#deactivate_missing").check()
    page.locator(".confirm form").first.locator("button[type=submit]").click()
    page.wait_for_url("**/console/roster")
    table = page.locator("table.roster-table").inner_text()
    assert "新员工" in table and "A101" not in table
    assert page.locator("tr.inactive").inner_text().startswith("A002")
    assert page.locator(".flash").inner_text().strip() != ""
    shot(page, "console-roster-4-after")

    page.locator("a", has_text="A100").click()
    page.wait_for_url("**/console/roster/*")
    assert page.locator("#name").input_value() == "新员工"
    shot(page, "console-roster-5-worker")


def test_import_on_a_phone_inside_wechat(phone, live_server, plant, tmp_path):
    """The same import from a 360 px phone in WeChat: the page says how to get the template, the
    file input works, and the preview's tables scroll inside their own boxes, never the page."""
    page = phone.new_page()
    sign_in_staff(page, live_server, "staff-a")
    page.goto(f"{live_server}/console/roster/import")
    assert page.locator(".wechat-notice").is_visible()
    roster_file = tmp_path / "花名册.csv"
    roster_file.write_bytes(("工号,姓名,班组,班次\r\n" + "".join(
        f"YLF{i:05d},{name},仓储物流部,早班\r\n" for i, name in enumerate(["欧阳伟伟", "王伟", "李秀英"]))
        + "YLF99999,新来的员工,仓储物流部,早班\r\n").encode("utf-8"))
    page.locator("#file").set_input_files(str(roster_file))
    page.locator("form.upload button[type=submit]").click()
    page.wait_for_url("**/console/roster/import/*")
    assert page_width(page)[0] <= 360
    changed = page.locator("#changed table")
    assert changed.evaluate("t => t.scrollWidth > t.clientWidth")  # the diff scrolls inside its box
    assert "新来的员工" in page.locator("#added").inner_text()
    shot(page, "console-roster-phone-preview")
    page.locator(".confirm form").first.locator("button[type=submit]").click()
    page.wait_for_url("**/console/roster")
    assert page_width(page)[0] <= 360 and page.locator(".flash").count() == 1


def _roster_dates(app) -> dict[str, object]:
    from sqlalchemy import select

    from quizapp.extensions import db
    from quizapp.models import Employee

    with app.app_context():
        return {e.employee_no: e.active_from for e in db.session.scalars(select(Employee))}


def _upload(page, live_server, path) -> None:
    page.goto(f"{live_server}/console/roster/import")
    page.locator("#file").set_input_files(str(path))
    page.locator("form.upload button[type=submit]").click()
    page.wait_for_url("**/console/roster/import/*")


def test_re_importing_the_template_with_blank_start_dates_keeps_them_and_the_marker_clears_one(
        app, desktop, live_server, town, tmp_path):
    """Issue 10: a full roster in the app's own template, the optional 入职日期 column left blank,
    must not wipe start dates; writing 清空 empties one, shown as such in the preview first."""
    from datetime import date

    from openpyxl import load_workbook
    from sqlalchemy import update

    from quizapp.extensions import db
    from quizapp.models import Employee

    with app.app_context():
        for number, start in (("A001", date(2025, 10, 31)), ("A002", date(2026, 12, 1))):
            db.session.execute(update(Employee).where(Employee.employee_no == number).values(active_from=start))
        db.session.commit()
    page = desktop.new_page()
    sign_in_staff(page, live_server, "staff-a")
    page.goto(f"{live_server}/console/roster/import")
    assert "清空" in page.locator("#blanks").inner_text()
    with page.expect_download() as download:
        page.locator("a[href$='template.xlsx']").click()
    template = tmp_path / "roster-template.xlsx"
    download.value.save_as(template)

    # The whole roster in the template, start dates left blank.
    book = load_workbook(template)
    sheet = book.worksheets[0]
    assert [c.value for c in sheet[1]] == ["工号", "姓名", "班组", "班次", "入职日期"]
    sheet.delete_rows(2, sheet.max_row)
    sheet.append(["A001", "王小明", "一车间", "早班", None])
    sheet.append(["A002", "张新来", "一车间", "早班", None])
    book.save(template)
    _upload(page, live_server, template)
    assert page.locator("#changed").count() == 0 and page.locator("#emptied").count() == 0  # no change at all
    assert page.locator(".summary li").nth(2).inner_text().startswith("2")  # both unchanged
    shot(page, "console-roster-6-blank-start-dates")
    page.locator(".confirm form").first.locator("button[type=submit]").click()
    page.wait_for_url("**/console/roster")
    dates = _roster_dates(app)
    assert (dates["A001"], dates["A002"]) == (date(2025, 10, 31), date(2026, 12, 1))

    # Now empty A002's start date on purpose.
    sheet["E3"] = "清空"
    book.save(template)
    _upload(page, live_server, template)
    emptied = page.locator("#emptied")
    assert emptied.count() == 1
    assert emptied.locator("tbody tr").count() == 1
    row = emptied.locator("tbody tr").inner_text()
    assert "A002" in row and "入职日期" in row and "2026-12-01" in row
    assert "将清空" in page.locator("#changed").inner_text()
    assert page.locator("#changed del").inner_text() == "2026-12-01"
    shot(page, "console-roster-7-clear-marker")
    page.locator(".confirm form").first.locator("button[type=submit]").click()
    page.wait_for_url("**/console/roster")
    dates = _roster_dates(app)
    assert (dates["A001"], dates["A002"]) == (date(2025, 10, 31), None)


def test_a_file_that_would_deactivate_most_of_the_roster_warns_and_takes_both_ticks(app, browser, live_server,
                                                                                     town, tmp_path):
    from sqlalchemy import func, select

    from quizapp.extensions import db
    from quizapp.models import Employee

    with app.app_context():
        db.session.add_all([Employee(company_id=town.company_a, employee_no=f"M{i:03d}", name=f"工人{i}",
                                     team="一车间", shift="早班", active=True) for i in range(38)])
        db.session.commit()
    context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="zh-CN", java_script_enabled=False)
    try:
        page = context.new_page()
        sign_in_staff(page, live_server, "staff-a")
        page.goto(f"{live_server}/console/roster/import")
        one_team = tmp_path / "一个班组.csv"
        one_team.write_bytes("工号,姓名,班组,班次\r\nA001,王小明,一车间,早班\r\n".encode("gbk"))
        page.locator("#file").set_input_files(str(one_team))
        page.locator("form.upload button[type=submit]").click()
        page.wait_for_url("**/console/roster/import/*")
        warning = page.locator("#most-warning").first
        assert "将停用 40 名在册员工中的 39 名" in warning.inner_text()
        heading = page.locator("#missing h2").inner_text()
        assert "不在文件中" in heading and "39" in heading
        shot(page, "console-roster-6-most-warning")
        page.locator("#deactivate_missing").check()
        page.locator(".confirm form").first.locator("button[type=submit]").click()
        page.wait_for_load_state()
        assert "未做任何修改" in page.locator(".flash").first.inner_text()
        with app.app_context():
            assert db.session.scalar(select(func.count()).where(Employee.company_id == town.company_a,
                                                                 Employee.active)) == 40
        page.locator("#deactivate_missing").check()
        page.locator("#confirm_most").check()
        page.locator(".confirm form").first.locator("button[type=submit]").click()
        page.wait_for_url("**/console/roster")
        with app.app_context():
            assert db.session.scalar(select(func.count()).where(Employee.company_id == town.company_a,
                                                                 Employee.active)) == 1
    finally:
        context.close()
