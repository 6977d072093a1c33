"""The sign-in pages' refusals: a locked worker is sent to their company's outreach staff, a
locked staff or officer account to the town admin (who unlocks accounts)."""

import re

import pytest

from tests.pages import sign_in_staff


@pytest.mark.parametrize("username", ["staff-a", "officer-1"])
def test_a_locked_staff_or_officer_account_is_told_to_ask_the_town_admin(client, town, username):
    client.set_cookie("lang", "en")
    for _ in range(5):
        sign_in_staff(client, username, "wrong password")
    response = sign_in_staff(client, username)  # the right password, but locked
    assert response.status_code == 200  # the sign-in page again, not a redirect into the console
    refusal = " ".join(re.findall(r'<p class="flash error"[^>]*>(.*?)</p>', response.get_data(as_text=True)))
    assert "ask the town administrator to unlock your account" in refusal and "outreach staff" not in refusal


def test_a_locked_worker_is_still_told_to_ask_the_outreach_staff(client, town):
    client.set_cookie("lang", "en")
    client.post(f"/c/{town.code_a}", data={"employee_no": town.worker_a_no})
    for _ in range(5):
        response = client.post(f"/c/{town.code_a}/pin", data={"pin": "0000"})
    refusal = " ".join(re.findall(r'<p class="flash error"[^>]*>(.*?)</p>', response.get_data(as_text=True)))
    assert "ask your outreach staff to reset your PIN" in refusal and "town administrator" not in refusal
