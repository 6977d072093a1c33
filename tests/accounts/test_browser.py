"""Accounts in a real desktop browser: the town admin creates a grid officer for grid g1, reads the
one-time password, the officer signs in with it in their own browser and must first set their own
password, the admin deactivates the account, and the officer's open session ends at their next
click."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser import shot, sign_in_staff

pytestmark = pytest.mark.e2e


def test_create_an_officer_hand_over_the_password_and_deactivate(browser, desktop, live_server, town):
    admin = desktop.new_page()
    sign_in_staff(admin, live_server, "admin")
    admin.goto(f"{live_server}/admin/accounts")
    expect(admin.locator("table.accounts-table")).to_contain_text("officer-1")
    shot(admin, "admin-accounts-1-list")

    admin.locator("a[href$='/admin/accounts/new']").first.click()
    admin.locator("#username").fill("officer-zhao")
    admin.locator("#display_name").fill("赵网格员")
    admin.locator("#role").select_option("grid_officer")
    admin.get_by_label("g1 · 网格一").check()
    admin.locator("#email").fill("zhao@example.cn")
    shot(admin, "admin-accounts-2-new")
    admin.locator("form.account-form button[type=submit]").click()
    admin.wait_for_load_state()
    secret = admin.locator("dd.secret")
    expect(secret).to_be_visible()
    password = secret.inner_text().strip()
    assert len(password) == 14
    shot(admin, "admin-accounts-3-password-once")

    officer_context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="zh-CN")
    try:
        officer = officer_context.new_page()
        sign_in_staff(officer, live_server, "officer-zhao", password)
        officer.wait_for_url("**/login/password")  # their own password before anything else
        shot(officer, "admin-accounts-own-password")
        officer.locator("#current").fill(password)
        officer.locator("#password").fill("zhao's own secret")
        officer.locator("#password_again").fill("zhao's own secret")
        officer.locator("form button[type=submit]").click()
        officer.wait_for_url("**/reports/")
        expect(officer.locator("body")).to_contain_text("甲厂")
        expect(officer.locator("body")).not_to_contain_text("乙厂")  # grid g1 only

        admin.locator(".one-time a.button").click()  # "done": back to the account's page
        admin.wait_for_url("**/admin/accounts/*")
        admin.locator("form[action$='/deactivate'] button").click()
        admin.wait_for_load_state()
        expect(admin.locator("h1 .status-off")).to_be_visible()
        shot(admin, "admin-accounts-4-deactivated")

        officer.reload()  # the open session ended: back to the sign-in page
        officer.wait_for_url(re.compile(r"/login\?next="))
        expect(officer.locator("input[name=password]")).to_be_visible()
        shot(officer, "admin-accounts-5-signed-out")
        assert "王小明" not in admin.content()
    finally:
        officer_context.close()
