"""The answer form's CSRF check (quizapp.web.sent_from_here, shared by the worker's forms) asks the
browser's Origin first, which a phone's browser sends with every form POST, and verifies the signed
token only without it: the same answers are accepted and refused as when the token was verified
first (test_pages.py has the lost session cookie; tests/signin/test_lost_session.py the other forms)."""

import re

from tests.factories import PIN


def token_of(html: str) -> str:
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)


def test_origin_first_accepts_and_refuses_what_the_token_did(app, town):
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        client = app.test_client()
        page = client.get(f"/c/{town.code_a}").get_data(as_text=True)
        client.post(f"/c/{town.code_a}", data={"employee_no": town.worker_a_no, "pin": PIN,
                                               "csrf_token": token_of(page)})
        today = client.get("/today").get_data(as_text=True)
        attempt = client.post("/today/start", data={"kind": "official", "csrf_token": token_of(today)}
                              ).location.split("/q/")[0]
        token = token_of(client.get(f"{attempt}/q/1").get_data(as_text=True))
        here = "http://localhost"
        # This site's Origin: taken without a token.
        assert client.post(f"{attempt}/q/1", data={"choice": "0"}, headers={"Origin": here}).status_code == 200
        # Another site's Origin and no valid token: refused; with the page's valid token: taken, as before.
        assert client.post(f"{attempt}/q/2", data={"choice": "0", "csrf_token": "forged"},
                           headers={"Origin": "https://evil.example"}).status_code == 400
        assert client.post(f"{attempt}/q/2", data={"choice": "0", "csrf_token": token},
                           headers={"Origin": "https://evil.example"}).status_code == 200
        # No Origin: the token, else this site's Referer.
        assert client.post(f"{attempt}/q/3", data={"choice": "0", "csrf_token": token}).status_code == 200
        assert client.post(f"{attempt}/q/4", data={"choice": "0"}).status_code == 400
        assert client.post(f"{attempt}/q/4", data={"choice": "0"},
                           headers={"Referer": f"{here}{attempt}/q/4"}).status_code == 200
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
