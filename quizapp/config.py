"""Settings for every deployment, read once from the environment (QUIZAPP_*).

Used by create_app(). Owns defaults: the SQLite file under instance/, the town's time zone, cookie
and rate-limit settings. Tests pass overrides as a dict.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from quizapp.rules import zones

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "quizapp"
INSTANCE = Path(os.environ.get("QUIZAPP_INSTANCE", ROOT / "instance"))


def _secret_key(instance: Path) -> str:
    """A stable secret per installation: sessions and remember-me cookies survive restarts."""
    if os.environ.get("QUIZAPP_SECRET_KEY"):
        return os.environ["QUIZAPP_SECRET_KEY"]
    instance.mkdir(parents=True, exist_ok=True)
    path = instance / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()


def _flag(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    return default if value is None else value.strip().lower() in ("1", "true", "yes", "on")


def storage_options(uri: str) -> dict:
    """How the rate-limit storage is reached: its errors surface as limits.errors.StorageError
    (signin.views fails open on them), and a Redis that does not answer within half a second
    counts as down, so that a lost Redis slows no request by more than that."""
    options: dict = {"wrap_exceptions": True}
    if uri.split(":", 1)[0] in ("redis", "rediss", "redis+unix"):
        options.update(socket_connect_timeout=0.5, socket_timeout=0.5)
    return options


def from_env() -> dict:
    database = os.environ.get("QUIZAPP_DATABASE_URL") or f"sqlite:///{INSTANCE / 'quizapp.sqlite'}"
    storage = os.environ.get("QUIZAPP_RATELIMIT_STORAGE_URI", "memory://")
    return {
        "SECRET_KEY": _secret_key(INSTANCE),
        "SQLALCHEMY_DATABASE_URI": database,
        # A database server's connection can drop (a restart, a failover): each checkout tests it
        # first (one SELECT 1 per request). A SQLite file's cannot: no test, one statement less.
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": not database.startswith("sqlite")},
        "QUIZAPP_TIMEZONE": zones.configured_zone_name(),
        # Orders the common daily set (a secret: whoever knows it can compute the coming days' sets).
        # Unset: generated once and kept in the database (quiz.service.town_seed).
        "QUIZAPP_TOWN_SEED": os.environ.get("QUIZAPP_TOWN_SEED") or None,
        # Outreach photos (re-encoded, quizapp/outreach/photos.py): outside static, served only by a guarded view.
        "QUIZAPP_PHOTO_DIR": os.environ.get("QUIZAPP_PHOTO_DIR", str(INSTANCE / "outreach-photos")),
        "QUIZAPP_BANK_PATH": os.environ.get("QUIZAPP_BANK_PATH", str(ROOT / "question_bank")),
        # Behind HTTPS in production; the demo on plain http://127.0.0.1 turns this off.
        "SESSION_COOKIE_SECURE": _flag("QUIZAPP_SECURE_COOKIES", True),
        "REMEMBER_COOKIE_SECURE": _flag("QUIZAPP_SECURE_COOKIES", True),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        # Workers should not sign in again for weeks (a shift start is no time for a PIN).
        "REMEMBER_COOKIE_DURATION": 60 * 60 * 24 * 42,
        "PERMANENT_SESSION_LIFETIME": 60 * 60 * 12,
        "BABEL_DEFAULT_LOCALE": "zh_CN",
        "BABEL_DEFAULT_TIMEZONE": "Asia/Shanghai",
        # memory:// counts in each process alone: `quizapp serve` then runs one process (cli.serve).
        # Several processes or servers share one Redis (redis://host:6379/0): docs/deploy.md.
        "RATELIMIT_STORAGE_URI": storage,
        "RATELIMIT_STORAGE_OPTIONS": storage_options(storage),
        # Redis down: limits fail open (the request goes through, the error is logged) rather than
        # every sign-in failing; the per-account lockouts are in the database and keep holding.
        "RATELIMIT_SWALLOW_ERRORS": True,
        # How many proxies in front of quizapp set X-Forwarded-For/-Proto (nginx: 1). Their headers
        # are believed only then: with 0 anyone could claim any address and dodge the limits.
        "QUIZAPP_TRUSTED_PROXIES": int(os.environ.get("QUIZAPP_TRUSTED_PROXIES") or 0),
        "RATELIMIT_HEADERS_ENABLED": True,
        # Worker sign-in steps, right or wrong, per client address and per company; wrong PINs and
        # codes from phones that are not the worker's own, per address (docs/privacy.md, docs/deploy.md).
        "QUIZAPP_SIGNIN_ADDRESS_LIMIT": os.environ.get("QUIZAPP_SIGNIN_ADDRESS_LIMIT", "2000 per 10 minutes"),
        "QUIZAPP_SIGNIN_COMPANY_LIMIT": os.environ.get("QUIZAPP_SIGNIN_COMPANY_LIMIT", "3000 per 10 minutes"),
        "QUIZAPP_SIGNIN_GUESS_LIMIT": os.environ.get("QUIZAPP_SIGNIN_GUESS_LIMIT", "200 per 10 minutes;2000 per day"),
        # Failed staff sign-ins per client address (docs/deploy.md).
        "QUIZAPP_STAFF_SIGNIN_ADDRESS_LIMIT": os.environ.get("QUIZAPP_STAFF_SIGNIN_ADDRESS_LIMIT",
                                                             "60 per 10 minutes"),
        # API requests per token (docs/api.md), in Flask-Limiter's notation.
        "QUIZAPP_API_RATE_LIMIT": os.environ.get("QUIZAPP_API_RATE_LIMIT", "120 per minute"),
        "WTF_CSRF_TIME_LIMIT": 60 * 60 * 12,
        # The largest request the app reads (the roster upload, 10 MB, with room for the form):
        # anything larger is refused with 413 before its body is read.
        "MAX_CONTENT_LENGTH": int(os.environ.get("QUIZAPP_MAX_CONTENT_LENGTH") or 12 * 1024 * 1024),
        # The daily digest (`quizapp digest`, docs/deploy.md): the site's public address for the
        # dashboard link (no link when unset), the town's name for the subject, and the SMTP server.
        "QUIZAPP_BASE_URL": os.environ.get("QUIZAPP_BASE_URL", ""),
        "QUIZAPP_TOWN_NAME": os.environ.get("QUIZAPP_TOWN_NAME", ""),
        "QUIZAPP_SMTP_HOST": os.environ.get("QUIZAPP_SMTP_HOST", ""),
        "QUIZAPP_SMTP_PORT": int(os.environ.get("QUIZAPP_SMTP_PORT") or 25),
        "QUIZAPP_SMTP_USER": os.environ.get("QUIZAPP_SMTP_USER", ""),
        "QUIZAPP_SMTP_PASSWORD": os.environ.get("QUIZAPP_SMTP_PASSWORD", ""),
        "QUIZAPP_SMTP_FROM": os.environ.get("QUIZAPP_SMTP_FROM", ""),
        "QUIZAPP_SMTP_STARTTLS": _flag("QUIZAPP_SMTP_STARTTLS", False),
        "QUIZAPP_SMTP_SSL": _flag("QUIZAPP_SMTP_SSL", False),
        "QUIZAPP_SMTP_TIMEOUT": float(os.environ.get("QUIZAPP_SMTP_TIMEOUT") or 10),
    }
