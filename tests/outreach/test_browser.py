"""An officer's journey through the outreach ledger in a real browser, in Chinese: from the menu to
the form, an activity recorded with a photo, the ledger's totals, the photo shown only through
its guarded address, and the same totals on the grid dashboard."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from tests.browser import shot, sign_in_staff

pytestmark = pytest.mark.e2e


def test_an_officer_records_an_activity_with_a_photo_and_sees_the_totals(desktop, live_server, town, tmp_path):
    photo = tmp_path / "宣讲现场.jpg"
    Image.new("RGB", (1200, 800), (180, 40, 40)).save(photo, "JPEG")
    page = desktop.new_page()
    problems = []
    page.on("pageerror", lambda error: problems.append(str(error)))
    sign_in_staff(page, live_server, "officer-1")
    page.get_by_role("link", name="宣传活动台账").first.click()
    page.wait_for_load_state()
    assert "本月暂无登记的活动。" in page.content()
    page.get_by_role("link", name="登记活动").click()
    page.locator("#kind").select_option("community")
    page.locator("#place").fill("新塘村文化广场")
    page.locator("#speaker").fill("李警官")
    page.locator("#people").fill("1200")
    page.locator("#note").fill("刷单返利、冒充客服")
    page.locator("#photo").set_input_files(str(photo))
    page.get_by_role("button", name="保存").click()
    page.wait_for_load_state()
    assert "活动已保存。" in page.content()
    total = page.locator("#outreach-month-total").inner_text()
    assert "1 场" in total and "1,200 人次" in total
    row = page.locator("table.outreach-records tbody tr").first
    assert "进社区" in row.inner_text() and "新塘村文化广场" in row.inner_text()
    shot(page, "officer-outreach-ledger")
    # The photo opens through its guarded address, re-encoded (a JPEG, no bigger than the original).
    with page.expect_popup() as popup:
        row.get_by_role("link", name="照片").click()
    image = popup.value
    image.wait_for_load_state()
    response = image.request.get(image.url)
    assert response.status == 200 and response.headers["content-type"] == "image/jpeg"
    with Image.open(io.BytesIO(response.body())) as kept:
        assert kept.size == (1200, 800) and not kept.getexif()
    # The dashboard shows the same totals.
    page.goto(f"{live_server}/reports/")
    assert "本月共开展 1 场宣传活动，覆盖 1,200 人次。" in page.locator("p.outreach-total").inner_text()
    assert problems == []
