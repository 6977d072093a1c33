"""The Flask extensions, created unbound so that models and blueprints can import them."""

from typing import TYPE_CHECKING

import flask_limiter
from flask import Blueprint, request
from flask_babel import Babel
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

# Named constraints so that migrations can alter them on SQLite and PostgreSQL alike.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


db = SQLAlchemy(model_class=Base)
if TYPE_CHECKING:
    # Flask-SQLAlchemy builds db.Model at run time from Base's body (adding automatic table names), which a
    # type checker cannot follow: to mypy a model is simply a Base.
    Model = Base
else:
    Model = db.Model
# Batch mode: SQLite can only alter a table by copying it.
migrate = Migrate(render_as_batch=True, compare_type=True)
login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()


class Limiter(flask_limiter.Limiter):
    """Flask-Limiter, without its per-request work where there is nothing to check.

    Its before-request hook resolves every request's limits (the view's qualified name, the
    blueprint's exemptions and limits, application, default and meta limits) even for a blueprint
    exempted from all of them, which cost the quiz's answer request about 7 % of its CPU. Here a
    blueprint exempted whole (`limiter.exempt(bp)`, the default scopes) and the endpoints in
    UNCHECKED skip that hook. A limit decorated on one of their views is still checked by its own
    decorator; a blueprint exempted whole carries no limits of its own (none would be checked).
    """

    UNCHECKED = frozenset({"static", "healthz"})  # static files and the load balancer's health check

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.unchecked_blueprints: set[str] = set()

    def exempt(self, obj=None, **kwargs):
        if isinstance(obj, Blueprint) and not kwargs:
            self.unchecked_blueprints.add(obj.name)
        return super().exempt(obj, **kwargs)

    def _check_request_limit(self, callable_name: str | None = None, in_middleware: bool = True) -> None:
        if in_middleware and (request.blueprint in self.unchecked_blueprints or request.endpoint in self.UNCHECKED):
            return
        super()._check_request_limit(callable_name, in_middleware)


# Addresses are a weak key here: a whole factory shares one NAT address, so limits keyed on the
# address sit far above what honest typos reach; accounts are throttled in the database.
limiter = Limiter(key_func=get_remote_address, default_limits=[])
