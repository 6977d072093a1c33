"""Signing in through the real pages, as a person would (never login_user() in a test)."""

from tests.factories import PASSWORD, PIN


def sign_in_worker(client, code: str, employee_no: str, pin: str = PIN):
    client.post(f"/c/{code}", data={"employee_no": employee_no})
    return client.post(f"/c/{code}/pin", data={"pin": pin})


def sign_in_staff(client, username: str, password: str = PASSWORD):
    return client.post("/login", data={"username": username, "password": password})


def sign_in_staff_in_english(client, username: str):
    """Sign in and switch to English: the check reads the English source text."""
    response = sign_in_staff(client, username)
    client.set_cookie("lang", "en")
    return response


def read(client, url: str) -> tuple[int, str]:
    """GET a page: its status and text (the response closed)."""
    response = client.get(url)
    text = response.get_data(as_text=True)
    response.close()
    return response.status_code, text
