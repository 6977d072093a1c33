"""The test factories' shortcut stays honest: the password and PIN hashes they compute once per
session are made the way the app makes them, and they sign in through the real checks."""

from quizapp.models import StaffUser
from quizapp.signin import service as signin
from tests import factories


def test_the_cached_hashes_use_the_app_s_methods_and_check_out():
    made = StaffUser()
    made.set_password(factories.PASSWORD)
    cached = StaffUser(password_hash=factories.password_hash(factories.PASSWORD))
    assert cached.password_hash.split("$")[0] == made.password_hash.split("$")[0]  # method and cost
    assert cached.check_password(factories.PASSWORD) and not cached.check_password("wrong horse battery")
    pin = factories.pin_hash(factories.PIN)
    assert pin.split("$")[0] == signin.hash_pin(factories.PIN).split("$")[0] == signin.PIN_HASH
    # Once per session: the same string each time, not a new salt.
    assert factories.password_hash(factories.PASSWORD) is cached.password_hash
