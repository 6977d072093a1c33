"""What every page shares: the language choice, security headers, /healthz, template helpers, and
the same-site check of the worker's forms (same_site_form)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import wraps
from typing import Any, TypeVar
from urllib.parse import urlsplit

from babel.lists import format_list
from flask import Flask, current_app, g, jsonify, redirect, request, url_for
from flask_babel import get_locale, get_translations
from flask_wtf.csrf import CSRFError, validate_csrf
from jinja2 import pass_context
from jinja2.runtime import Context
from markupsafe import Markup, escape
from sqlalchemy import text
from wtforms import ValidationError

from quizapp.extensions import csrf, db, limiter

LOCALES = ("zh_CN", "en")
LANG_COOKIE = "lang"

# No inline script or style anywhere, and nothing from any other host.
CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'self'; "
       "form-action 'self'; frame-ancestors 'none'")


def select_locale() -> str:
    """Simplified Chinese unless the visitor chose English with the switch on every page."""
    chosen = request.cookies.get(LANG_COOKIE)
    return chosen if chosen in LOCALES else current_app.config["BABEL_DEFAULT_LOCALE"]


def content_lang() -> str:
    """Which text of a bilingual question to show: 'zh' or 'en'."""
    return "en" if str(get_locale()).startswith("en") else "zh"


def safe_next(target: str | None, fallback: str) -> str:
    """Only same-site relative paths: a `next` parameter must not send anyone elsewhere."""
    if not target:
        return fallback
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return fallback
    return target


def sent_from_here() -> bool:
    """The CSRF check of a form that must survive a lost session cookie.

    The token lives in the session; a phone that lost its session cookie (WeChat drops them, a
    phone low on memory too) is signed in again by its remember cookie but holds a page with a
    token of the old session. The form is still taken when the browser says it was sent from this
    site: its Origin, or its Referer when it sends no Origin (OWASP's "verifying origin with
    standard headers"). A cross-site form cannot forge either, and the remember cookie
    (SameSite=Lax) is not sent with another site's POST anyway. Without a word from the browser,
    the token decides; another site's Origin with no valid token is refused."""
    if not current_app.config.get("WTF_CSRF_ENABLED", True):
        return True
    here = request.host_url.rstrip("/")
    origin = request.headers.get("Origin")
    if origin == here:  # what a phone's browser sends with a form's POST: no token to verify then
        return True
    try:
        validate_csrf(request.form.get("csrf_token"))
        return True
    except ValidationError:
        pass
    if origin:
        return False
    referer = request.headers.get("Referer") or ""
    return referer.startswith(here + "/")


View = TypeVar("View", bound=Callable[..., Any])


def same_site_form(view: View) -> View:
    """A worker's form (sign in, start, answer, sign out, a scam report): checked by
    sent_from_here() instead of the token alone, so a worker whose phone dropped its session cookie
    is not shown "this page has expired". Everything else keeps Flask-WTF's token check."""

    @wraps(view)
    def checked(*args: Any, **kwargs: Any) -> Any:
        if request.method in current_app.config["WTF_CSRF_METHODS"]:
            if not sent_from_here():
                raise CSRFError("The form was not sent from this site.")
            g.csrf_valid = True  # the form's own token check is done (Flask-WTF reads this mark)
        return view(*args, **kwargs)

    return csrf.exempt(checked)


def listing(items: Iterable[object], tag: str | None = None) -> Markup:
    """Names listed in a sentence as the page's language lists them: 工号、姓名、班组和班次 in
    Chinese, "工号, 姓名, 班组, and 班次" in English (CLDR's list patterns), never a half-width
    comma between Chinese words. Each name escaped and, with `tag`, in that element (strong, code)."""
    names = [Markup("<{0}>{1}</{0}>").format(Markup(tag), item) if tag else escape(item) for item in items]
    return Markup(listed(names))


def listed(items: Iterable[object]) -> str:
    """`listing` as plain text, for a sentence that is escaped where it is shown (a flash, a
    confirmation's line)."""
    return format_list([str(item) for item in items], locale=get_locale())


def label(text: str) -> str:
    """A label before what it names: "Remember: " and the rule in English, "记住：" and the rule in
    Chinese, whose full-width colon holds its own space. Templates write {{ _("Remember:")|label }}
    with no space of their own after it."""
    return text if text.endswith("：") else text + " "


def menu(sections: list[tuple[str, object]]) -> list[tuple[str, object, str]]:
    """A section menu: (endpoint, label, URL) for each section whose endpoint is registered."""
    return [(endpoint, label, url_for(endpoint)) for endpoint, label in sections
            if endpoint in current_app.view_functions]


def set_language(code: str):
    response = redirect(safe_next(request.args.get("next"), "/"))
    if code in LOCALES:
        response.set_cookie(LANG_COOKIE, code, max_age=60 * 60 * 24 * 365, samesite="Lax",
                            httponly=True, secure=current_app.config["SESSION_COOKIE_SECURE"])
    return response


def healthz():
    """For the load balancer's health checks (no sign-in, no rate limit, one cheap query): 503 when
    this server cannot reach the database, so the balancer sends its requests elsewhere. The
    rate-limit storage (Redis) is reported but never fails the check: every server shares the
    same Redis, so failing on it would take them all out at once, for limits that fail open."""
    limits = "memory" if current_app.config["RATELIMIT_STORAGE_URI"].startswith("memory://") else (
        "ok" if limiter.storage.check() else "unreachable")
    if limits == "unreachable":
        current_app.logger.warning("health check: the rate-limit storage is unreachable (limits fail open)")
    try:
        db.session.execute(text("SELECT 1"))
    except Exception as exc:  # any driver error means "not reachable"
        current_app.logger.error("health check failed: %s", exc)
        return jsonify(status="error", database="unreachable", limits=limits), 503
    return jsonify(status="ok", database="ok", limits=limits)


def security_headers(response):
    user = g.get("_login_user")  # only when this request looked (a static file does not)
    if (user is not None and user.is_authenticated and response.mimetype == "text/html"
            and "no-store" not in response.headers.get("Cache-Control", "")):
        # Signed-in pages show names (roster, chase list, history, import preview): no copy in a
        # shared computer's or a proxy's cache, nor in the back-button history after signing out.
        response.headers["Cache-Control"] = "no-store"
    response.headers.setdefault("Content-Security-Policy", CSP)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    response.headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
    if request.is_secure:
        response.headers.setdefault("Strict-Transport-Security", "max-age=31536000")
    return response


def init_app(app: Flask) -> None:
    app.add_url_rule("/healthz", "healthz", healthz)
    app.add_url_rule("/lang/<code>", "set_language", set_language)
    app.after_request(security_headers)
    from flask_babel import format_date, format_time

    from quizapp.clock import local_today, utcnow
    from quizapp.downloads import in_wechat
    from quizapp.incidents import wording as incident_words
    from quizapp.rules import metrics, vocab
    from quizapp.signin.forms import LogoutForm
    from quizapp.wording import change_words, figure_definition, figure_name

    app.jinja_env.globals.update(content_lang=content_lang, format_date=format_date, format_time=format_time,
                                 utcnow=utcnow,
                                 today_local=local_today, logout_form_factory=LogoutForm, in_wechat=in_wechat)
    # Shares and changes are written by the same rules everywhere (pages, messages, file names).
    app.jinja_env.filters.update(percent=metrics.percent, label=label, listing=listing)
    app.jinja_env.globals.update(point_change=metrics.point_change, relative_change=metrics.relative_change,
                                 change_words=change_words)
    # A figure's one name and definition (quizapp.wording: "a figure means one thing").
    app.jinja_env.globals.update(figure_name=figure_name, figure_definition=figure_definition)
    # The "three declines" and quiet months are worded by one rule each (incidents.wording).
    app.jinja_env.globals.update(verdict=incident_words.verdict, zero_run=incident_words.zero_run,
                                 quiet_months=incident_words.quiet_months,
                                 declines_label=incident_words.figure_name,
                                 declines_basis=incident_words.basis)
    # Templates compare with the vocabularies' members: {% if case.status == CaseStatus.OPEN %}.
    app.jinja_env.globals.update({enum.__name__: enum for enum in vocab.ALL})

    def language_switch_url() -> str:
        # A function, not a context processor: built only by the pages that show the switch, not
        # for every fragment the answer request renders.
        other = "en" if content_lang() == "zh" else "zh_CN"
        return url_for("set_language", code=other, next=request.full_path.rstrip("?"))

    app.jinja_env.globals["language_switch_url"] = language_switch_url
    _fast_template_gettext(app)


def _fast_template_gettext(app: Flask) -> None:
    """Templates' _() and ngettext with the request's translations found in one step. Flask-Babel's
    own callables look the locale and the translations up again on every call (about 10 µs: a
    quiz's pages make some 300 calls). The locale is still Flask-Babel's, read from its context on
    every call, so force_locale (digests, e-mails in the reader's language) keeps working."""
    by_locale: dict = {}

    def translations():
        state = g.get("_flask_babel")
        locale = getattr(state, "babel_locale", None)
        if locale is None:  # the first call of the request: Flask-Babel chooses the locale
            return get_translations()
        found = by_locale.get(locale)
        if found is None:
            found = by_locale[locale] = get_translations()
        return found

    app.jinja_env.install_gettext_callables(  # type: ignore[attr-defined]  # added by jinja2.ext.i18n
        gettext=lambda s: translations().ugettext(s),
        ngettext=lambda s, p, n: translations().ungettext(s, p, n),
        newstyle=True,
        pgettext=lambda c, s: translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: translations().unpgettext(c, s, p, n))

    @pass_context
    def gettext(context: Context, string: str, **variables: Any) -> str:
        """Jinja's newstyle gettext (escaped, always a format string) in one call: its own `_` goes
        through two more (the alias, then the wrapper, each by Context.call), a third of the time
        a quiz fragment takes to render."""
        text = translations().ugettext(string)
        if context.eval_ctx.autoescape:
            text = Markup(text)
        return text % variables

    app.jinja_env.globals.update(_=gettext, gettext=gettext)
