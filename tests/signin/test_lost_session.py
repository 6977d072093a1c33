"""The worker's forms after the phone lost its session cookie (WeChat drops them) but kept its
remember cookie: the page's CSRF token belongs to the old session, yet signing in, "开始", a scam
report and "退出登录（不是我的手机）" work when the browser says the form came from this site
(quizapp.web.same_site_form). A stale token from another site's Origin is still refused, and so is a
POST with neither a valid token nor a browser's word on where it came from."""

import re

import pytest

from tests.factories import PASSWORD, PIN

HERE = "http://localhost"
EVIL = "https://evil.example"


def token_of(response) -> str:
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', response.get_data(as_text=True)).group(1)


@pytest.fixture
def csrf_on(app):
    app.config["WTF_CSRF_ENABLED"] = True
    yield app
    app.config["WTF_CSRF_ENABLED"] = False


def signed_in(app, town):
    """A worker signed in with CSRF on, through the real form."""
    client = app.test_client()
    token = token_of(client.get(f"/c/{town.code_a}"))
    assert client.post(f"/c/{town.code_a}", data={"employee_no": town.worker_a_no, "pin": PIN,
                                                   "csrf_token": token}).location == "/today"
    return client


def test_start_after_a_lost_session_cookie_works_from_this_site_only(csrf_on, town):
    client = signed_in(csrf_on, town)
    stale = token_of(client.get("/today"))
    client.delete_cookie("session")  # the remember cookie stays
    form = {"kind": "official", "csrf_token": stale}
    assert client.post("/today/start", data=form, headers={"Origin": EVIL}).status_code == 400
    assert client.post("/today/start", data=form).status_code == 400  # no Origin, no Referer
    started = client.post("/today/start", data=form, headers={"Origin": HERE})
    assert started.status_code == 302 and "/q/1" in started.location


def test_signing_in_after_a_lost_session_cookie_works_from_this_site_only(csrf_on, town):
    client = csrf_on.test_client()
    stale = token_of(client.get(f"/c/{town.code_a}"))
    client.delete_cookie("session")
    form = {"employee_no": town.worker_a_no, "pin": PIN, "csrf_token": stale}
    assert client.post(f"/c/{town.code_a}", data=form, headers={"Origin": EVIL}).status_code == 400
    referred = client.post(f"/c/{town.code_a}", data=form, headers={"Referer": f"{HERE}/c/{town.code_a}"})
    assert referred.location == "/today"
    client.delete_cookie("session")
    client.delete_cookie("remember_token")
    assert client.post(f"/c/{town.code_a}", data=form, headers={"Origin": HERE}).location == "/today"


def test_not_my_phone_signs_out_after_a_lost_session_cookie(csrf_on, town):
    client = signed_in(csrf_on, town)
    stale = token_of(client.get("/today"))
    client.delete_cookie("session")
    forged = client.post("/logout", data={"csrf_token": stale}, headers={"Origin": EVIL})
    assert forged.status_code == 400
    assert client.get("/today").status_code == 200  # another site cannot sign the worker out
    out = client.post("/logout", data={"csrf_token": stale}, headers={"Origin": HERE})
    assert out.location == f"/c/{town.code_a}"
    assert client.get_cookie("remember_token") is None
    assert client.get("/today").status_code == 302  # signed out: to the sign-in page


def test_a_scam_report_after_a_lost_session_cookie_is_sent(csrf_on, town):
    client = signed_in(csrf_on, town)
    stale = token_of(client.get("/scam-report"))
    client.delete_cookie("session")
    report = {"channel": "sms", "asked_for": "money", "text": "您的快递丢失，加微信领取理赔", "money_lost": "no",
              "csrf_token": stale}
    assert client.post("/scam-report", data=report, headers={"Origin": EVIL}).status_code == 400
    sent = client.post("/scam-report", data=report, headers={"Origin": HERE})
    assert sent.status_code == 302 and "/scam-report/sent" in sent.location


def test_other_forms_keep_the_token_check(csrf_on, town):
    """A staff form is not a worker's: this site's Origin does not stand in for its token."""
    staff = csrf_on.test_client()
    token = token_of(staff.get("/login"))
    staff.post("/login", data={"username": "staff-a", "password": PASSWORD, "csrf_token": token})
    response = staff.post(f"/console/roster/{town.worker_a}/unlock", headers={"Origin": HERE})
    assert response.status_code == 400
