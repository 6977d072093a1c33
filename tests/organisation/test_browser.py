"""The town admin in a real desktop browser: creates a company with the suggested random code, sees
its QR code and sign-in link, and deactivates it (after a confirmation page), after which the link no
longer opens."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser import shot, sign_in_staff

pytestmark = pytest.mark.e2e


def test_create_a_company_see_its_qr_code_and_deactivate_it(desktop, live_server, town):
    page = desktop.new_page()
    sign_in_staff(page, live_server, "admin")
    page.goto(f"{live_server}/admin/companies")
    expect(page.locator("table.companies-table tbody tr")).to_have_count(2)
    shot(page, "admin-org-1-companies")

    page.locator("a[href$='/admin/companies/new']").click()
    page.wait_for_url("**/admin/companies/new")
    code = page.locator("#code").input_value()
    assert re.fullmatch(r"[23456789abcdefghjkmnpqrstuvwxyz]{8}", code)  # random, not from the name
    page.locator("#name").fill("丙电子厂")
    page.locator("#grid_id").select_option(label="网格二")
    page.locator("#questions_per_quiz").fill("4")
    page.locator("form.org-form button[type=submit]").click()
    page.wait_for_url(re.compile(r".*/admin/companies/\d+$"))
    expect(page.locator("h1")).to_contain_text("丙电子厂")
    expect(page.locator(".qr-box svg.qr")).to_be_visible()
    expect(page.locator(".worker-url")).to_contain_text(f"/c/{code}")
    expect(page.locator(".qr-box a", has_text="PNG")).to_have_attribute("href", re.compile(r"/qr\.png$"))
    shot(page, "admin-org-2-company-created")

    sign_in_page = desktop.new_page()
    response = sign_in_page.goto(f"{live_server}/c/{code}")
    assert response.status == 200  # the QR code's link opens the company's sign-in page
    expect(sign_in_page.locator("body")).to_contain_text("丙电子厂")

    page.locator("form[action$='/deactivate'] button").click()
    page.wait_for_url(re.compile(r".*/admin/companies/\d+/deactivate\??$"))  # a GET form: "?" and no query
    # One click only asks: the page says what happens (past periods unchanged, no open case to close).
    expect(page.locator(".confirm-delete")).to_contain_text("过去的日期和周期数据不变")
    expect(page.locator(".confirm-delete")).to_contain_text("没有未结督办案件")
    shot(page, "admin-org-3a-company-deactivate-confirm")
    page.locator(".confirm-delete form button[type=submit]").click()
    page.wait_for_url(re.compile(r".*/admin/companies/\d+$"))
    expect(page.locator("h1 .status-off")).to_be_visible()
    expect(page.locator("form[action$='/active'] input[name=active]")).to_have_value("1")  # now: reactivate
    shot(page, "admin-org-3-company-deactivated")
    response = sign_in_page.goto(f"{live_server}/c/{code}")
    assert response.status == 404
    sign_in_page.close()

    page.goto(f"{live_server}/admin/companies?status=inactive")
    expect(page.locator("table.companies-table tbody tr")).to_have_count(1)
    expect(page.locator("table.companies-table tbody tr")).to_contain_text("丙电子厂")
    assert "王小明" not in page.content()
