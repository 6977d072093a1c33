"""The sign-in pages: a locked staff or officer account reads exactly like a wrong password (a
stranger cannot tell them apart) and names the town admin (who unlocks accounts); a worker's
sign-in tells a stranger nothing (same page for any number, no name before the PIN), counts every
step against the address and the company, keeps a colleague's guesses from locking the worker's own
phone, needs a one-time code to set a PIN, reads input as phones type it and refuses weak PINs;
staff see and unlock stopped workers and print first-time codes."""

import json
import re

import pytest
from sqlalchemy import select

from quizapp.clock import utcnow
from quizapp.extensions import db
from quizapp.models import AuditLog, Employee
from quizapp.signin import workers
from tests.factories import PASSWORD, PIN
from tests.pages import sign_in_staff, sign_in_worker, texts


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


# --- workers ------------------------------------------------------------------------------------

def page(response) -> str:
    return response.get_data(as_text=True)


def flashes(response) -> list[str]:
    return texts(page(response), "p", class_="flash")


def without(response, typed: str) -> str:
    """The page with the number the visitor typed (echoed back in its field) blanked out."""
    return page(response).replace(f'value="{typed}"', 'value=""')


def english(client):
    client.set_cookie("lang", "en")
    return client


def own_phone(app, town):
    """A phone the worker has signed in on before (it holds the device cookie) whose session has
    since ended (staff signed the worker out everywhere; "not my phone" would drop the device too)."""
    client = english(app.test_client())
    assert sign_in_worker(client, town.code_a, town.worker_a_no).location == "/today"
    client.delete_cookie("session")
    client.delete_cookie("remember_token")
    return client


def test_a_known_and_an_unknown_number_look_the_same_and_no_name_is_shown_before_the_pin(client, town):
    english(client)
    form = page(client.get(f"/c/{town.code_a}"))
    assert "王小明" not in form
    unknown = client.post(f"/c/{town.code_a}", data={"employee_no": "A999", "pin": "1357"})
    known = client.post(f"/c/{town.code_a}", data={"employee_no": town.worker_a_no, "pin": "1357"})
    never = client.post(f"/c/{town.code_a}", data={"employee_no": "A002", "pin": "1357"})  # has no PIN yet
    assert unknown.status_code == known.status_code == never.status_code == 200
    assert without(unknown, "A999") == without(known, "A001") == without(never, "A002")
    assert "王小明" not in page(known) and "张新来" not in page(never)
    assert flashes(known) == ["The employee number or the PIN is not right. Check both and try again. After several "
                              "wrong tries you must wait a few minutes."]
    # The greeting comes only after the PIN was right.
    assert sign_in_worker(client, town.code_a, town.worker_a_no).location == "/today"
    assert "Hello, 王小明" in page(client.get("/today"))


def test_the_page_after_a_reset_looks_the_same_to_a_stranger_as_for_any_number(app, town):
    # Several clients: pytest-flask's `client` would keep its request context (and signed-in user) between them.
    client = app.test_client()
    staff = app.test_client()
    sign_in_staff(staff, "staff-a")
    staff.post(f"/console/roster/{town.worker_a}/reset-pin", data={"confirm": "yes"}).close()
    english(client)
    reset = client.post(f"/c/{town.code_a}", data={"employee_no": town.worker_a_no, "pin": PIN})
    unknown = client.post(f"/c/{town.code_a}", data={"employee_no": "A999", "pin": PIN})
    assert (reset.status_code, without(reset, "A001")) == (unknown.status_code, without(unknown, "A999"))
    setup = {"code": "12345678", "pin": "1357", "pin_again": "1357"}
    a = client.post(f"/c/{town.code_a}/welcome", data={"employee_no": town.worker_a_no, **setup})
    b = client.post(f"/c/{town.code_a}/welcome", data={"employee_no": "A999", **setup})
    assert (a.status_code, without(a, "A001")) == (b.status_code, without(b, "A999"))


def test_typed_as_a_phone_types_it_lower_case_number_and_full_width_pin(app, client, town):
    with app.app_context():
        code = workers.issue_code(db.session.scalar(select(Employee).where(Employee.employee_no == "A002")), utcnow())
        db.session.commit()
    done = client.post(f"/c/{town.code_a}/welcome", data={"employee_no": " a002 ", "code": code,
                                                           "pin": "２５８０", "pin_again": "２５８０"})
    assert done.location == "/today"
    client.post("/logout").close()
    assert sign_in_worker(client, town.code_a, "a002", "2580").location == "/today"


def test_the_inputs_ask_for_the_right_keyboard(client, town):
    for url in (f"/c/{town.code_a}", f"/c/{town.code_a}/welcome"):
        html = page(client.get(url))
        number = re.search(r'<input[^>]*name="employee_no"[^>]*>', html).group(0)
        assert 'autocapitalize="characters"' in number and 'autocomplete="username"' in number
        for name in ("pin", "code", "pin_again"):
            found = re.search(rf'<input[^>]*name="{name}"[^>]*>', html)
            if found:
                assert 'inputmode="numeric"' in found.group(0) and 'pattern="[0-9]*"' in found.group(0), found


@pytest.mark.parametrize(("pin", "reason"), [
    ("1234", "Digits in a row, like 1234 or 4321, are too easy to guess. Choose another PIN."),
    ("654321", "Digits in a row, like 1234 or 4321, are too easy to guess. Choose another PIN."),
    ("0000", "One digit repeated is too easy to guess. Choose another PIN."),
    ("1212", "This is one of the most common PINs, easy to guess. Choose another."),
    ("12", "A PIN is 4 to 6 digits.")])
def test_a_weak_pin_is_refused_at_its_field_with_the_reason(app, client, town, pin, reason):
    with app.app_context():
        code = workers.issue_code(db.session.scalar(select(Employee).where(Employee.employee_no == "A002")), utcnow())
        db.session.commit()
    english(client)
    response = client.post(f"/c/{town.code_a}/welcome", data={"employee_no": "A002", "code": code, "pin": pin,
                                                               "pin_again": pin})
    assert response.status_code == 200
    html = page(response)
    assert texts(html, "span", class_="field-error") == [reason]
    assert re.search(r'<input[^>]*aria-invalid="true"[^>]*name="pin"|<input[^>]*name="pin"[^>]*aria-invalid="true"',
                     html)
    # A screen reader reads the reason with the field: the input names its error's id.
    pin_input = re.search(r'<input[^>]*name="pin"[^>]*>', html).group(0)
    assert 'aria-describedby="pin-error"' in pin_input
    assert texts(html, "span", id="pin-error") == [reason]
    with app.app_context():  # the code was not used up by a refused PIN
        assert db.session.scalar(select(Employee.setup_code_hash).where(Employee.employee_no == "A002"))


def test_the_own_phone_is_locked_at_the_fifth_wrong_pin_and_told_until_when(app, town):
    phone = own_phone(app, town)
    for _ in range(4):
        assert flashes(sign_in_worker(phone, town.code_a, town.worker_a_no, "1357")) == ["Wrong PIN. Please try again."]
    [refusal] = flashes(sign_in_worker(phone, town.code_a, town.worker_a_no, "1357"))
    assert re.fullmatch(r"Too many wrong tries\. Please try again after \d\d:\d\d, or ask your outreach staff "
                        r"to reset your PIN\.", refusal), refusal
    assert sign_in_worker(phone, town.code_a, town.worker_a_no).status_code == 200  # still locked
    assert "town administrator" not in refusal


def test_a_colleagues_guesses_never_lock_the_worker_out_of_their_own_phone(app, town):
    # Several clients: pytest-flask's `client` would keep its request context (and signed-in user) between them.
    client = app.test_client()
    phone = own_phone(app, town)
    english(client)
    for _ in range(12):
        sign_in_worker(client, town.code_a, town.worker_a_no, "1357").close()
    assert sign_in_worker(client, town.code_a, town.worker_a_no).status_code == 200  # other phones wait
    assert sign_in_worker(phone, town.code_a, town.worker_a_no).location == "/today"


def test_every_step_counts_against_the_address_right_or_wrong(app, town):
    # Several clients: pytest-flask's `client` would keep its request context (and signed-in user) between them.
    client = app.test_client()
    app.config["QUIZAPP_SIGNIN_ADDRESS_LIMIT"] = "3 per 10 minutes"
    try:
        for _ in range(3):
            assert sign_in_worker(client, town.code_a, town.worker_a_no).status_code == 302
            client.post("/logout").close()
        english(client)
        response = sign_in_worker(client, town.code_a, town.worker_a_no)
        assert response.status_code == 429
        assert [text for text in texts(page(response), "p")
                if re.fullmatch(r"Too many tries from this network\. Please try again after \d\d:\d\d\.", text)]
        # Another address is not affected.
        other = app.test_client()
        assert other.post(f"/c/{town.code_a}", data={"employee_no": "A001", "pin": PIN},
                          environ_base={"REMOTE_ADDR": "10.1.1.1"}).status_code == 302
    finally:
        app.config["QUIZAPP_SIGNIN_ADDRESS_LIMIT"] = "2000 per 10 minutes"


def test_every_step_counts_against_the_company_from_any_address(app, town):
    # Several clients: pytest-flask's `client` would keep its request context (and signed-in user) between them.
    client = app.test_client()
    app.config["QUIZAPP_SIGNIN_COMPANY_LIMIT"] = "4 per 10 minutes"
    try:
        statuses = [client.post(f"/c/{town.code_a}", data={"employee_no": f"A9{i:02d}", "pin": "1357"},
                                environ_base={"REMOTE_ADDR": f"10.2.0.{i}"}).status_code for i in range(6)]
        assert statuses == [200, 200, 200, 200, 429, 429]
        # Another company's budget is its own.
        assert client.post(f"/c/{town.code_b}", data={"employee_no": "B001", "pin": PIN}).status_code == 302
    finally:
        app.config["QUIZAPP_SIGNIN_COMPANY_LIMIT"] = "3000 per 10 minutes"


def test_an_address_out_of_guesses_is_refused_but_the_own_phone_still_gets_in(app, town):
    # Several clients: pytest-flask's `client` would keep its request context (and signed-in user) between them.
    client = app.test_client()
    phone = own_phone(app, town)
    app.config["QUIZAPP_SIGNIN_GUESS_LIMIT"] = "2 per 10 minutes"
    try:
        for number in ("A001", "A777"):
            sign_in_worker(client, town.code_a, number, "1357").close()
        # The right PIN from another phone at this address is now refused: the page says this network
        # must wait and until when (nothing about the worker), so nobody thinks the PIN is wrong.
        client.set_cookie("lang", "en")
        refused = sign_in_worker(client, town.code_a, town.worker_a_no)
        assert refused.status_code == 429
        flashes = texts(page(refused), "p", class_="flash")
        assert len(flashes) == 1 and flashes[0].startswith("Too many wrong tries from this network. Please try "
                                                            "again after ")
        assert "own phone" in flashes[0]
        assert sign_in_worker(phone, town.code_a, town.worker_a_no).location == "/today"
    finally:
        app.config["QUIZAPP_SIGNIN_GUESS_LIMIT"] = "200 per 10 minutes;2000 per day"
    with app.app_context():
        assert db.session.scalar(select(AuditLog.id).where(AuditLog.action == "signin.address_throttled"))


def test_staff_see_stopped_workers_on_the_board_and_unlock_them_in_one_tap(app, town):
    # Several clients: pytest-flask's `client` would keep its request context (and signed-in user) between them.
    client = app.test_client()
    for _ in range(3):
        sign_in_worker(client, town.code_a, town.worker_a_no, "1357").close()
    staff = app.test_client()
    sign_in_staff(staff, "staff-a")
    board = page(staff.get("/console/"))
    assert "Cannot sign in right now" in board or "暂时无法登录" in board
    assert f'action="/console/roster/{town.worker_a}/unlock"' in board
    other = app.test_client()
    sign_in_staff(other, "staff-b")
    assert f"/console/roster/{town.worker_a}/unlock" not in page(other.get("/console/"))
    assert other.post(f"/console/roster/{town.worker_a}/unlock").status_code == 404
    response = staff.post(f"/console/roster/{town.worker_a}/unlock", data={"next": "/console/"})
    assert response.location == "/console/"
    assert f"/console/roster/{town.worker_a}/unlock" not in page(staff.get("/console/"))
    assert sign_in_worker(client, town.code_a, town.worker_a_no).location == "/today"
    with app.app_context():
        row = db.session.scalar(select(AuditLog).where(AuditLog.action == "worker.unlock"))
        assert row.actor_id is not None and json.loads(row.detail) == {"company": "acme", "worker": town.worker_a}


def test_unlocking_needs_the_csrf_token(app, town):
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        staff = app.test_client()
        form = page(staff.get("/login"))
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', form).group(1)
        staff.post("/login", data={"username": "staff-a", "password": PASSWORD, "csrf_token": token}).close()
        staff.post(f"/console/roster/{town.worker_a}/unlock").close()
        with app.app_context():
            assert db.session.scalar(select(AuditLog.id).where(AuditLog.action == "worker.unlock")) is None
    finally:
        app.config["WTF_CSRF_ENABLED"] = False


def test_first_time_codes_are_made_for_workers_not_signed_in_and_printed_once(app, town):
    # Several clients: pytest-flask's `client` would keep its request context (and signed-in user) between them.
    client = app.test_client()
    sign_in_staff(client, "staff-a")
    client.set_cookie("lang", "en")
    listing = page(client.get("/console/roster/first-time-codes"))
    assert "张新来" in listing and "王小明" not in listing and "none yet" in listing
    made = page(client.post("/console/roster/first-time-codes", data={"team": ""}))
    [first] = texts(made, "strong", class_="code")
    assert "张新来" in made and "shown only now" in made
    assert first not in page(client.get("/console/roster/first-time-codes"))
    [second] = texts(page(client.post("/console/roster/first-time-codes", data={"team": ""})), "strong", class_="code")
    with app.app_context():
        rows = list(db.session.scalars(select(AuditLog).where(AuditLog.action == "worker.first_time_codes")))
        assert [json.loads(r.detail) for r in rows] == [{"company": "acme", "team": None, "codes": 1}] * 2
        assert not any(first in r.detail or second in r.detail for r in rows)
    worker = app.test_client()
    setup = {"employee_no": "A002", "pin": "1357", "pin_again": "1357"}
    if first != second:  # the newer code replaced the older one
        assert worker.post(f"/c/{town.code_a}/welcome", data={**setup, "code": first}).status_code == 200
    assert worker.post(f"/c/{town.code_a}/welcome", data={**setup, "code": second}).location == "/today"


def test_the_town_admin_reads_the_sign_in_trail_counted_and_without_names_or_numbers(app, town):
    client = app.test_client()
    for _ in range(3):
        sign_in_worker(client, town.code_a, town.worker_a_no, "1357").close()
    admin = app.test_client()
    sign_in_staff(admin, "admin")
    admin.set_cookie("lang", "en")
    html = page(admin.get("/admin/audit?action=signin."))
    assert "Failed worker sign-ins (counted per ten minutes)" in html and "×3" in html
    assert "Other phones were made to wait after wrong tries" in html and "another phone or browser" in html
    assert "王小明" not in html and town.worker_a_no not in html and "1357" not in html
