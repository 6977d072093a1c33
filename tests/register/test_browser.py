"""The town admin in a real desktop browser: downloads the register as it is, uploads a register
with a new grid, a new company and a move, reads the preview (it fits the desktop width and prints
without its controls), and applies it."""

import pytest
from playwright.sync_api import expect

from tests.browser import page_width, shot, sign_in_staff

pytestmark = pytest.mark.e2e

FILE = ("网格编码,网格名称,企业编码,企业名称,每次题数,工作日,班次,启用\n"
        "G7,新塘村网格,newco001,东莞示例电子有限公司,6,1-5,早班 07:30; 夜班 19:30,是\n"
        "g2,,acme,甲厂,,,,\n").encode("utf-8-sig")


def test_upload_a_register_read_the_preview_print_it_and_apply(desktop, live_server, town):
    page = desktop.new_page()
    sign_in_staff(page, live_server, "admin")
    page.goto(f"{live_server}/admin/register")
    with page.expect_download() as download:
        page.locator("a[href$='/admin/register/export.csv']").click()
    assert download.value.suggested_filename.endswith(".csv")

    page.locator("input[type=file]").set_input_files(files=[{"name": "名册.csv", "mimeType": "text/csv",
                                                             "buffer": FILE}])
    page.locator("form.upload button[type=submit]").click()
    page.wait_for_url("**/admin/register/*")
    expect(page.locator("ul.summary")).to_contain_text("1")
    expect(page.locator("#changed tr.moves")).to_contain_text("网格一 (g1) → 网格二 (g2)")
    expect(page.locator("#added")).to_contain_text("新塘村网格 (G7)")
    width, sticking_out = page_width(page)
    assert width <= 1366, sticking_out
    shot(page, "admin-register-preview")

    page.emulate_media(media="print")
    expect(page.locator("section.confirm")).to_be_hidden()
    expect(page.locator("#changed")).to_be_visible()
    page.emulate_media(media="screen")

    page.locator("section.confirm button[type=submit]").first.click()
    page.wait_for_url("**/admin/grids")
    expect(page.locator("table.grids-table")).to_contain_text("新塘村网格")
    assert "王小明" not in page.content()
