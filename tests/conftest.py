"""Fixtures shared by every test: one app and one database per session, emptied after each test.

The database is SQLite in a temporary file by default, or the server named by
QUIZAPP_TEST_DATABASE_URL (the test command runs the suite again on a throwaway PostgreSQL). The
schema comes from the real migrations, so every run also proves they work.
"""

from __future__ import annotations

import os

import pytest
from flask_migrate import upgrade
from hypothesis import settings
from sqlalchemy import event, text

from quizapp import create_app
from quizapp.config import storage_options
from quizapp.extensions import db, limiter
from quizapp.models import Employee
from tests import factories
from tests.receivers import Receiver

# The rate-limit storage: memory:// on SQLite; on the PostgreSQL run scripts/test starts a throwaway
# Redis and names it in QUIZAPP_TEST_REDIS_URL, so the limits and lockouts are tested as several
# servers share them. Every app a test creates reads it (from the environment, like a server).
LIMITS = os.environ.get("QUIZAPP_TEST_REDIS_URL") or "memory://"
os.environ["QUIZAPP_RATELIMIT_STORAGE_URI"] = LIMITS

# No time limit per example: on a loaded machine (CI, or eight suites at once) hypothesis's default
# 200 ms deadline fails correct code; a test's correctness never depends on how fast it ran.
settings.register_profile("quizapp", deadline=None)
settings.load_profile("quizapp")

# The browser fixtures (live server, Chromium) for the test_browser.py modules of each feature.
pytest_plugins = ["tests.browser"]


def pytest_collection_modifyitems(config, items):
    """Tests run in the pass their marker names, deselected (not skipped) in the other: `cluster`
    (tests/cluster: app servers against a database server) and `postgresql` in the PostgreSQL pass
    only, `sqlite` in the SQLite pass only."""
    on_postgresql = (os.environ.get("QUIZAPP_TEST_DATABASE_URL") or "").startswith("postgresql")
    others = ("sqlite",) if on_postgresql else ("postgresql", "cluster")
    deselected = [item for item in items if any(item.get_closest_marker(m) for m in others)]
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = [item for item in items if item not in deselected]


def make_test_app(url: str, tmp_path_factory, **config):
    """An app on the database at `url`, emptied and migrated from the first migration, configured
    as the tests expect (no CSRF, cookies over http, the test rate-limit storage); `config` adds or
    overrides settings."""
    app = create_app({
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "SQLALCHEMY_DATABASE_URI": url,
        "WTF_CSRF_ENABLED": False,
        "SESSION_COOKIE_SECURE": False,
        "REMEMBER_COOKIE_SECURE": False,
        "QUIZAPP_TOWN_SEED": "test-town",
        "RATELIMIT_STORAGE_URI": LIMITS,
        "RATELIMIT_STORAGE_OPTIONS": storage_options(LIMITS),
        "QUIZAPP_PHOTO_DIR": str(tmp_path_factory.mktemp("photos")),
        **config,
    })
    with app.app_context():
        db.drop_all()
        db.session.execute(text("DROP TABLE IF EXISTS alembic_version"))
        db.session.commit()
        upgrade()
    return app


def close_test_app(app) -> None:
    """Close every pooled connection before the interpreter does (psycopg warns otherwise)."""
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture(scope="session")
def app(tmp_path_factory):
    url = os.environ.get("QUIZAPP_TEST_DATABASE_URL") or f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite'}"
    app = make_test_app(url, tmp_path_factory)
    yield app
    close_test_app(app)


@pytest.fixture(autouse=True)
def _push_request_context(request):
    """Replaces pytest-flask's: a request context held for the whole test hides Flask-Login
    sign-ins and sign-outs between requests (flask-login issue 704). Tests push contexts themselves."""
    yield


@pytest.fixture(autouse=True)
def _clean_database(request):
    """Empty every table after a test that used the app (domain tests never touch it)."""
    yield
    if "app" not in request.fixturenames:
        return
    app = request.getfixturevalue("app")
    with app.app_context():
        db.session.rollback()
        # question <-> question_version point at each other: break the cycle first.
        db.session.execute(db.metadata.tables["question"].update().values(current_version_id=None))
        for table in reversed(db.metadata.sorted_tables):
            db.session.execute(table.delete())
        db.session.commit()
        limiter.reset()


@pytest.fixture
def ctx(app):
    """An app context for service and model tests."""
    with app.app_context():
        yield
        db.session.rollback()


@pytest.fixture
def statements_of(app):
    """Run a callable and count the SQL statements it sends: (what it returned, how many). A page
    that reads a figure for every row in one go sends as many for 12 rows as for 2."""
    def run(call):
        sent: list[str] = []

        def count(_conn, _cursor, statement, *_rest):
            sent.append(statement)

        event.listen(db.engine, "before_cursor_execute", count)
        try:
            found = call()
        finally:
            event.remove(db.engine, "before_cursor_execute", count)
        return found, len(sent)
    return run


@pytest.fixture
def english(app):
    """A request in English, for use cases whose words come from Flask-Babel (it reads the
    reader's language from the request): messages in the source language, whatever the catalog."""
    with app.test_request_context("/", headers={"Cookie": "lang=en"}):
        yield


@pytest.fixture
def bank(app):
    """A small bank (4 topics × 6 questions, some common, one family pair each) in the database."""
    # Its own short app context: a context held across requests would share `g` (and with it
    # Flask-Login's and Flask-Babel's per-request caches) between requests.
    with app.app_context():
        return factories.load_small_bank()


@pytest.fixture
def town(app, bank):
    """Two companies in two grids, a worker with a PIN in each, and one account per staff role."""
    with app.app_context():
        return factories.make_town()


@pytest.fixture
def floor(town):
    """Teams and shifts on the town's factory floors, for the trends and exports tests. Company A:
    worker A (一车间, 早班), a second 一车间 worker on 中班, one in 二车间 (中班); company B's worker
    in 乙车间. Returns the employees by key. Needs an app context (the `ctx` fixture)."""
    a = db.session.get(Employee, town.worker_a)
    b = db.session.get(Employee, town.worker_b)
    people = {
        "a": a,
        "a2": factories.make_employee(a.company, "A010", "赵一", team="一车间", shift="中班"),
        "a3": factories.make_employee(a.company, "A011", "钱二", team="二车间", shift="中班"),
        "b": b,
    }
    b.team = "乙车间"
    # A002 (no PIN) in town is in 一车间 / 早班 and never takes a quiz: a non-starter.
    db.session.commit()
    return people


@pytest.fixture
def receivers():
    """Start WeChat Work robot stand-ins (tests/receivers.py): receivers("500") answers errors;
    all of them stop after the test."""
    started = []

    def start(answer: str = "ok") -> Receiver:
        started.append(Receiver(answer))
        return started[-1]

    yield start
    for receiver in started:
        receiver.close()


@pytest.fixture
def runner(app):
    """The `quizapp` command against the test app (FlaskCliRunner)."""
    return app.test_cli_runner()
