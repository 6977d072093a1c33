"""Company staff import the roster in a real browser on a desktop: download the template, upload a
file (GBK, as Excel on Chinese Windows saves it) with a bad row, read the preview with the row
number and reason, confirm, and find the new workers on the roster."""

import pytest

from tests.browser import shot, sign_in_staff

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
