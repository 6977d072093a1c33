"""quizapp: five minutes of anti-fraud practice before every shift.

create_app() only wires things together: configuration, extensions, blueprints, the CLI, error
pages and security headers. Everything with rules in it lives in domain/ and services/.
"""

from __future__ import annotations

from flask import Flask
from jinja2 import FileSystemLoader

from quizapp import config


def create_app(overrides: dict | None = None) -> Flask:
    app = Flask(__name__, static_folder=str(config.ROOT / "static"), instance_path=str(config.INSTANCE))
    # Environment first, then test or CLI overrides, so one process can point anywhere.
    app.config.from_mapping(config.from_env())
    app.config.from_mapping(overrides or {})

    from quizapp import assets, errors, validators, web
    from quizapp.extensions import babel, csrf, db, limiter, login_manager, migrate

    db.init_app(app)
    # Migrations live inside the package so an installed quizapp can upgrade its own database.
    migrate.init_app(app, db, directory=str(config.ROOT / "quizapp" / "migrations"))
    login_manager.init_app(app)
    csrf.init_app(app)
    babel.init_app(app, locale_selector=web.select_locale, timezone_selector=lambda: app.config["QUIZAPP_TIMEZONE"])
    limiter.init_app(app)

    # SQLite pragmas (WAL, busy timeout) must be set on every new connection.
    from quizapp import database
    database.register(app)

    # `<id:...>` in routes: every id in a URL is a bounded integer (before any blueprint is compiled).
    validators.register_converters(app)
    from quizapp import (
        access,  # noqa: F401  (registers the user loader)
        audiences,
    )
    from quizapp.api.views import bp as api_bp
    from quizapp.quiz.views import bp as quiz_bp
    from quizapp.signin.views import bp as signin_bp

    # Each feature folder keeps its templates beside its code (quizapp/<feature>/templates/<feature>/).
    app.jinja_loader = FileSystemLoader([str(config.PACKAGE / "templates"),
                                         *sorted(str(p) for p in config.PACKAGE.glob("*/templates"))])
    for blueprint in (signin_bp, quiz_bp, api_bp):
        app.register_blueprint(blueprint)
    audiences.init_app(app)

    web.init_app(app)
    assets.init_app(app)
    errors.init_app(app)

    # Behind nginx every request comes from the proxy's address: the client's is in the headers the
    # trusted proxies add, and only as many of them as the deployment says are believed.
    proxies = app.config.get("QUIZAPP_TRUSTED_PROXIES", 0)
    if proxies:
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies)  # type: ignore[method-assign]

    from quizapp.cli import register
    register(app)
    return app
