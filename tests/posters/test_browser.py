"""The QR posters inside WeChat's browser, which saves no files: each code is also a picture to
long-press and save, and the page says how to download in the phone's own browser."""

import pytest

from tests.browser import TEAMS, sign_in_staff

pytestmark = pytest.mark.e2e


def test_in_wechat_each_code_is_a_picture_to_long_press(phone, live_server, plant):
    page = phone.new_page()
    sign_in_staff(page, live_server, "staff-a")
    page.goto(f"{live_server}/console/posters?team={TEAMS[4]}")
    assert page.locator(".wechat-notice").is_visible()
    picture = page.locator(".poster-picture img")
    picture.scroll_into_view_if_needed()
    page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=picture.element_handle())
    assert picture.evaluate("img => img.naturalWidth") > 600  # big enough to print
    assert page.locator(".poster-picture figcaption").inner_text() == "长按图片，保存到手机。"
    assert page.locator("a[download]").count() == 0
