"""The exports inside WeChat's browser, which saves no files: the page says how to open it in the
phone's own browser and offers each report on screen, as a table to read and text to copy; a
desktop browser downloads the files as before."""

import pytest

from tests.browser import page_width, shot, sign_in_staff

pytestmark = pytest.mark.e2e


def test_in_wechat_the_exports_say_how_to_download_and_show_the_report_on_screen(phone, live_server, plant):
    page = phone.new_page()
    sign_in_staff(page, live_server, "staff-a")
    page.goto(f"{live_server}/console/exports?days=7")
    notice = page.locator(".wechat-notice")
    assert notice.is_visible() and "在浏览器打开" in notice.inner_text() and "···" in notice.inner_text()
    shot(page, "console-exports-wechat-1")
    page.locator("a[href*='by-worker.html']").click()
    page.wait_for_url("**/console/exports/by-worker.html?days=7")
    rows = page.locator("table.report-table tbody tr")
    assert rows.count() >= 960
    assert page.locator("table.report-table thead th").first.inner_text() == "工号"
    text = page.locator("textarea.paste-text").input_value().splitlines()
    assert text[0].split("\t")[:2] == ["工号", "姓名"] and len(text) == rows.count() + 1
    assert page_width(page)[0] <= 360  # the table scrolls inside its own box
    shot(page, "console-exports-wechat-2-on-screen")


def test_a_desktop_browser_gets_no_notice_and_downloads_the_file(desktop, live_server, town):
    page = desktop.new_page()
    sign_in_staff(page, live_server, "staff-a")
    page.goto(f"{live_server}/console/exports")
    assert page.locator(".wechat-notice").count() == 0
    with page.expect_download() as download:
        page.locator("a[href*='by-team.xlsx']").click()
    assert download.value.suggested_filename.startswith("acme-by-team-")
