"""The sign-in pages' refusals: a locked worker is sent to their company's outreach staff; a locked
staff or officer account reads exactly like a wrong password (a stranger cannot tell them apart),
and both name the town admin (who unlocks accounts)."""

import re

import pytest

from tests.pages import sign_in_staff


def refusal(response) -> str:
    return " ".join(re.findall(r'<p class="flash error"[^>]*>(.*?)</p>', response.get_data(as_text=True)))


@pytest.mark.parametrize("username", ["staff-a", "officer-1"])
def test_a_locked_staff_or_officer_account_reads_like_a_wrong_password(client, town, username):
    client.set_cookie("lang", "en")
    wrong = sign_in_staff(client, username, "wrong password")
    unknown = sign_in_staff(client, "nobody-here", "wrong password")
    for _ in range(4):
        sign_in_staff(client, username, "wrong password")
    locked = sign_in_staff(client, username)  # the right password, but locked
    assert locked.status_code == wrong.status_code == unknown.status_code == 200  # the page again, no redirect
    assert refusal(locked) == refusal(wrong) == refusal(unknown)
    assert "ask the town administrator" in refusal(locked) and "outreach staff" not in refusal(locked)


def test_a_locked_worker_is_still_told_to_ask_the_outreach_staff(client, town):
    client.set_cookie("lang", "en")
    client.post(f"/c/{town.code_a}", data={"employee_no": town.worker_a_no})
    for _ in range(5):
        response = client.post(f"/c/{town.code_a}/pin", data={"pin": "0000"})
    refusal = " ".join(re.findall(r'<p class="flash error"[^>]*>(.*?)</p>', response.get_data(as_text=True)))
    assert "ask your outreach staff to reset your PIN" in refusal and "town administrator" not in refusal
