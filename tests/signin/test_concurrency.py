"""Parallel wrong PINs, as a script sends them: each try is claimed by one conditional UPDATE before
the PIN is checked, so the lock comes at exactly the documented count however many arrive at once
(on SQLite and on PostgreSQL: the suite runs on both)."""

import threading

from sqlalchemy import func, select

from quizapp.extensions import db
from quizapp.models import AuditLog, Employee
from quizapp.signin import rules
from tests.pages import sign_in_worker

TRIES = 12


def _in_parallel(app, town, cookies: dict[str, str]) -> list[str]:
    """TRIES wrong PINs for worker A at once, each from its own client (own session), as pages."""
    barrier = threading.Barrier(TRIES)
    pages: list[str] = [""] * TRIES
    errors: list[BaseException] = []

    def one(index: int) -> None:
        try:
            client = app.test_client()
            client.set_cookie("lang", "en")
            for name, value in cookies.items():
                client.set_cookie(name, value)
            barrier.wait()
            response = sign_in_worker(client, town.code_a, town.worker_a_no, "1357")
            pages[index] = response.get_data(as_text=True)
            response.close()
        except BaseException as error:  # reported below, in the test's thread
            errors.append(error)

    threads = [threading.Thread(target=one, args=(i,)) for i in range(TRIES)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors
    return pages


def test_parallel_wrong_pins_from_the_own_phone_lock_at_exactly_the_fifth(app, town):
    phone = app.test_client()
    assert sign_in_worker(phone, town.code_a, town.worker_a_no).location == "/today"
    device = phone.get_cookie("device").value
    pages = _in_parallel(app, town, {"device": device})
    wrong = sum("Wrong PIN. Please try again." in p for p in pages)
    locked = sum("Too many wrong tries." in p for p in pages)
    assert (wrong, locked) == (rules.OWN_DEVICE_TRIES - 1, TRIES - rules.OWN_DEVICE_TRIES + 1)
    with app.app_context():
        worker = db.session.get(Employee, town.worker_a)
        assert worker.pin_failures == rules.OWN_DEVICE_TRIES and worker.locked_until is not None
        assert worker.stranger_failures == 0


def test_parallel_guesses_from_other_phones_are_checked_only_up_to_the_free_tries(app, town):
    pages = _in_parallel(app, town, {})
    assert all("The employee number or the PIN is not right." in p for p in pages)
    with app.app_context():
        worker = db.session.get(Employee, town.worker_a)
        assert worker.stranger_failures == rules.STRANGER_FREE_TRIES and worker.stranger_until is not None
        assert (worker.pin_failures, worker.locked_until) == (0, None)
        # Every try is in the audit trail's counts, none lost to a race.
        counted = db.session.scalar(select(func.sum(AuditLog.times)).where(AuditLog.action == "signin.failed"))
        assert counted == TRIES
