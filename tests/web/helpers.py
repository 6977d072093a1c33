"""Signing in through the real pages, as a person would (never login_user() in a test)."""

from tests.factories import PASSWORD, PIN


def sign_in_worker(client, code: str, employee_no: str, pin: str = PIN):
    client.post(f"/c/{code}", data={"employee_no": employee_no})
    return client.post(f"/c/{code}/pin", data={"pin": pin})


def sign_in_staff(client, username: str, password: str = PASSWORD):
    return client.post("/login", data={"username": username, "password": password})
