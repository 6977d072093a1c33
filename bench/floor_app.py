"""quizapp with two extra routes on the worker's side, for the benchmarks only (never served in
production, never imported by quizapp): the fixed cost every signed-in request pays before any work
of its own, and that plus one UPDATE and its commit (about what bench/bare_app.py's INSERT does).
What the answer request cannot go below.

Used in process by bench/profile_answer.py (--floor) and served by gunicorn from
bench/answer_vs_bare.py (--floor: `floor_app:create_app()`)."""

from __future__ import annotations


def add_floor_routes(app) -> None:
    """POST /bench-floor/nothing and /bench-floor/one_update, signed in as a worker (login_required),
    exempt from the CSRF check as the answer is (it checks the form's origin itself, cheaply)."""
    from flask_login import current_user, login_required
    from sqlalchemy import text

    from quizapp.extensions import csrf, db

    def nothing():
        return "ok"

    def one_update():
        db.session.execute(text("UPDATE employee SET active = active WHERE id = :id"), {"id": current_user.id})
        db.session.commit()
        return "ok"

    for view in (nothing, one_update):
        app.add_url_rule(f"/bench-floor/{view.__name__}", f"bench_floor_{view.__name__}",
                         csrf.exempt(login_required(view)), methods=["POST"])


def create_app():
    from quizapp import create_app as quizapp_app

    app = quizapp_app()
    add_floor_routes(app)
    return app
