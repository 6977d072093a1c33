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
