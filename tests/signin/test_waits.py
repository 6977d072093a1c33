"""A phone that must wait after its own wrong tries is told so, and for how long, whatever PIN is
typed (the right one too), so a worker whose phone is no longer their own (after "not my phone")
does not think they forgot the PIN. It hears only what it did itself: any number, on the roster
or not, reads the same, and a phone that made no tries hears nothing of another's (signin.tries)."""

from datetime import timedelta

from quizapp.clock import utcnow
from quizapp.extensions import db
from quizapp.models import Employee
from quizapp.signin import rules, views, workers
from tests.factories import PIN
from tests.pages import sign_in_worker, texts

WRONG = "The employee number or the PIN is not right. Check both and try again. After several wrong tries you must " \
        "wait a few minutes."
STARTS = "The employee number or the PIN is not right. Too many wrong tries: please try again in 1 minute."
WAIT = "Too many tries. Please try again in 1 minute."


def flashes(response) -> list[str]:
    return texts(response.get_data(as_text=True), "p", class_="flash")


def no_longer_own(app, town):
    """The worker's phone after "退出登录（不是我的手机）": it counts as any other phone for them."""
    phone = app.test_client()
    assert sign_in_worker(phone, town.code_a, town.worker_a_no).location == "/today"
    phone.post("/logout").close()
    phone.set_cookie("lang", "en")
    return phone


def test_typos_then_the_right_pin_says_how_long_to_wait_and_then_it_works(app, town, monkeypatch):
    phone = no_longer_own(app, town)
    assert [flashes(sign_in_worker(phone, town.code_a, town.worker_a_no, "1357")) for _ in range(3)] == [
        [WRONG], [WRONG], [STARTS]]
    right = sign_in_worker(phone, town.code_a, town.worker_a_no)
    assert right.status_code == 200 and flashes(right) == [WAIT]
    assert flashes(sign_in_worker(phone, town.code_a, town.worker_a_no, "9999")) == [WAIT]  # any PIN: the same
    later = utcnow() + timedelta(seconds=61)
    monkeypatch.setattr(views, "utcnow", lambda: later)
    assert sign_in_worker(phone, town.code_a, town.worker_a_no).location == "/today"
    with app.app_context():
        worker = db.session.get(Employee, town.worker_a)
        assert (worker.stranger_failures, worker.stranger_until) == (0, None)


def test_a_number_not_on_the_roster_reads_exactly_the_same(app, town):
    known, unknown = no_longer_own(app, town), app.test_client()
    unknown.set_cookie("lang", "en")
    for pin in ("1357", "1357", "1357", PIN, "9999"):
        a = sign_in_worker(known, town.code_a, town.worker_a_no, pin)
        b = sign_in_worker(unknown, town.code_a, "A999", pin)
        assert a.status_code == b.status_code == 200
        assert flashes(a) == flashes(b)
        assert a.get_data(as_text=True).replace('value="A001"', "") == b.get_data(as_text=True).replace(
            'value="A999"', "")


def test_a_phone_that_made_no_tries_hears_nothing_of_another_s_wait(app, town):
    guesser, stranger = app.test_client(), app.test_client()
    stranger.set_cookie("lang", "en")
    for _ in range(3):
        sign_in_worker(guesser, town.code_a, town.worker_a_no, "1357").close()
    # The worker's row makes other phones wait (the right PIN is refused unchecked), but this phone
    # is told only what any number gets: telling it more would say A001 is on the roster.
    waiting = sign_in_worker(stranger, town.code_a, town.worker_a_no)
    assert waiting.status_code == 200 and flashes(waiting) == [WRONG]
    assert flashes(sign_in_worker(stranger, town.code_a, "A999")) == [WRONG]


def test_the_own_phone_keeps_its_own_track(app, town):
    """A phone that still holds the worker (device cookie) is not made to wait by its count here:
    it has the own track (five tries, then a 15-minute lock, told until when)."""
    phone = app.test_client()
    assert sign_in_worker(phone, town.code_a, town.worker_a_no).location == "/today"
    phone.delete_cookie("session")
    phone.delete_cookie("remember_token")
    phone.set_cookie("lang", "en")
    for _ in range(4):
        assert flashes(sign_in_worker(phone, town.code_a, town.worker_a_no, "1357")) == ["Wrong PIN. Please try again."]
    assert sign_in_worker(phone, town.code_a, town.worker_a_no).location == "/today"


def test_staff_s_unlock_lets_the_worker_in_from_the_waiting_phone_at_once(app, town):
    """The phone's count chooses the words only: the try is still checked, so an unlock works."""
    phone = no_longer_own(app, town)
    for _ in range(3):
        sign_in_worker(phone, town.code_a, town.worker_a_no, "1357").close()
    assert flashes(sign_in_worker(phone, town.code_a, town.worker_a_no)) == [WAIT]
    with app.app_context():
        workers.clear_stops(db.session.get(Employee, town.worker_a))
        db.session.commit()
    assert flashes(sign_in_worker(phone, town.code_a, town.worker_a_no, "9999")) == [WAIT]
    assert sign_in_worker(phone, town.code_a, town.worker_a_no).location == "/today"


def test_minutes_left_round_up():
    now = utcnow()
    assert [rules.minutes_left(now + timedelta(seconds=s), now) for s in (1, 60, 61, 3600)] == [1, 1, 2, 60]
