"""The baseline for bench/shift_burst.py: a bare Flask + Flask-SQLAlchemy endpoint doing one INSERT
and one commit, on the same database and the same connection settings as quizapp (WAL,
synchronous=NORMAL, busy timeout on SQLite). Served by gunicorn like quizapp."""

import os

from flask import Flask
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import event, text

db = SQLAlchemy()


def create_app():
    app = Flask(__name__)
    app.config["SQLALCHEMY_DATABASE_URI"] = os.environ["QUIZAPP_DATABASE_URL"]
    db.init_app(app)
    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            from quizapp.database import _sqlite_pragmas

            event.listen(db.engine, "connect", _sqlite_pragmas)
        with db.engine.begin() as conn:
            conn.execute(text("CREATE TABLE IF NOT EXISTS bench_bare (id INTEGER PRIMARY KEY, note VARCHAR(40))"
                              if db.engine.dialect.name == "sqlite" else
                              "CREATE TABLE IF NOT EXISTS bench_bare (id SERIAL PRIMARY KEY, note VARCHAR(40))"))

    @app.post("/insert")
    def insert():
        db.session.execute(text("INSERT INTO bench_bare (note) VALUES (:n)"), {"n": "answer"})
        db.session.commit()
        return "ok"

    return app
