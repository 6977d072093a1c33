"""The Flask extensions, created unbound so that models and blueprints can import them."""

from typing import TYPE_CHECKING

from flask_babel import Babel
from flask_limiter import Limiter
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
# Addresses are a weak key here: a whole factory shares one NAT address, so limits keyed on the
# address sit far above what honest typos reach; accounts are throttled in the database.
limiter = Limiter(key_func=get_remote_address, default_limits=[])
