"""The demo city, built once per test run for the tests that read it (tests/demo/test_service.py).

Building it is the slowest thing the suite does (13 weeks of quizzes answer by answer, two towns),
so it is built once, by the command a user runs (`quizapp demo --no-serve --json`), into a database
of its own: the shared test database is emptied after every test, and this one must outlive them.
On the PostgreSQL pass that is a second database on the same throwaway server, dropped at the end.
The demo's tests read it and may add to it (an API token, a sign-in), never change what another
test reads.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from tests.conftest import close_test_app, make_test_app

PORT = 8123  # the port the entry URLs name (nothing is served)


@dataclass(frozen=True)
class DemoCity:
    app: Flask
    info: dict[str, Any]  # what `quizapp demo --json` printed


def _server_database(url: str):
    """A database of its own next to the test database at `url`, on the same server: (its URL, a
    callable that drops it)."""
    server = make_url(url)
    name = f"{server.database}_demo_{os.getpid()}"  # two runs against one server keep apart
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{name}"'))

    def drop() -> None:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    return server.set(database=name).render_as_string(hide_password=False), drop


@pytest.fixture(scope="session")
def demo_city(tmp_path_factory) -> Iterator[DemoCity]:
    url = os.environ.get("QUIZAPP_TEST_DATABASE_URL")
    drop = None
    if url:
        url, drop = _server_database(url)
    else:
        url = f"sqlite:///{tmp_path_factory.mktemp('demo') / 'demo.sqlite'}"
    app = None
    try:
        # As a user's `quizapp demo` runs it: without QUIZAPP_TOWN_SEED, each town makes its own secret.
        app = make_test_app(url, tmp_path_factory, QUIZAPP_TOWN_SEED=None)
        with pytest.MonkeyPatch.context() as patch:
            # The command sets QUIZAPP_SECURE_COOKIES for the server it starts (as on a user's machine,
            # where it is unset): put back as it was afterwards, for the apps of later tests.
            patch.delenv("QUIZAPP_SECURE_COOKIES", raising=False)
            result = app.test_cli_runner().invoke(args=["demo", "--no-serve", "--json", "--port", str(PORT)])
        assert result.exit_code == 0, result.output
        yield DemoCity(app, json.loads(result.stdout))  # JSON alone on stdout, on a first run too
    finally:
        if app is not None:
            close_test_app(app)
        if drop:
            drop()
