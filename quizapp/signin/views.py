"""Signing in and out, for workers (/c/<company-code>, the URL in the QR code) and for staff (/login).

Public blueprint: no guard. A worker's phone is remembered for weeks (remember-me cookie), so the
PIN is needed only the first time and after signing out. The phone also keeps a signed device
cookie naming the workers who signed in on it: their wrong PINs there count on their own track
(signin.workers), apart from guesses from other phones.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from flask import (
    Blueprint,
    abort,
    after_this_request,
    current_app,
    flash,
    g,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import format_time, ngettext
from flask_babel import gettext as _
from flask_limiter.util import get_remote_address
from flask_login import current_user, login_user, logout_user
from itsdangerous import BadData, URLSafeSerializer
from limits import parse_many
from limits.errors import StorageError

from quizapp.access import home_for, is_worker
from quizapp.accounts.service import MIN_PASSWORD_LENGTH
from quizapp.audit import service as audit
from quizapp.clock import to_local, utcnow
from quizapp.database import commit_keeping_loaded
from quizapp.extensions import db, limiter
from quizapp.models import StaffUser
from quizapp.rules.errors import ServiceError
from quizapp.signin import rules, staff, tries, workers
from quizapp.signin import service as accounts
from quizapp.signin.forms import (
    CompanyCodeForm,
    FirstTimeForm,
    LogoutForm,
    PasswordChangeForm,
    StaffLoginForm,
    WorkerSignInForm,
)
from quizapp.signin.sessions import end_sessions
from quizapp.signin.wording import MESSAGES
from quizapp.validators import filled
from quizapp.web import safe_next, same_site_form
from quizapp.wording import attach_to_form

bp = Blueprint("auth", __name__)

COMPANY_COOKIE = "company"


DEVICE_COOKIE = "device"
DEVICE_WORKERS = 5  # a shared phone remembers the last five workers who signed in on it


def _address_limit() -> str:
    return current_app.config["QUIZAPP_SIGNIN_ADDRESS_LIMIT"]


def _company_limit() -> str:
    return current_app.config["QUIZAPP_SIGNIN_COMPANY_LIMIT"]


def _company_key() -> str:
    # Lower case, as codes are found (service.company_by_code): /c/HJM spends the budget of /c/hjm.
    return "company:" + str((request.view_args or {}).get("code", "")).lower()


def _failed(response) -> bool:
    """A staff sign-in failed when it shows the form again instead of moving on."""
    return response.status_code != 302


# Every worker sign-in step, right or wrong, counts against the address and against the company
# (so numbers cannot be tried faster than this from anywhere); both sit far above a factory's
# honest shift start behind one NAT address (docs/privacy.md, "Signing in").
address_budget = limiter.limit(_address_limit, methods=["POST"])
company_budget = limiter.limit(_company_limit, methods=["POST"], key_func=_company_key)


def _guess_limits():
    return parse_many(current_app.config["QUIZAPP_SIGNIN_GUESS_LIMIT"])


def _guesses_spent() -> bool:
    """The address has used its budget of wrong PINs and codes from phones that are not the
    worker's own: more such tries are refused unchecked (the worker's own phone still gets in).
    The budget lives in the rate-limit storage (Redis with several servers); while that storage
    cannot be reached it is not spent (fail open, as Flask-Limiter's own limits here): the
    per-worker tracks in the database still slow guessing down."""
    try:
        return not all(limiter.limiter.test(item, "signin-guess", get_remote_address()) for item in _guess_limits())
    except StorageError as error:
        current_app.logger.warning("rate-limit storage unreachable, guess budget not checked: %s", error)
        return False


def _guesses_back_at():
    """When the address may guess again: the latest reset among its spent windows (UTC)."""
    address = get_remote_address()
    try:
        resets = [limiter.limiter.get_window_stats(item, "signin-guess", address).reset_time
                  for item in _guess_limits() if not limiter.limiter.test(item, "signin-guess", address)]
    except StorageError:
        resets = []
    return datetime.fromtimestamp(max(resets), UTC).replace(tzinfo=None) if resets else utcnow()


def _count_guess(company, now) -> None:
    try:
        spent = [item for item in _guess_limits()
                 if not limiter.limiter.hit(item, "signin-guess", get_remote_address())]
    except StorageError as error:
        current_app.logger.warning("rate-limit storage unreachable, guess not counted: %s", error)
        return
    if spent:
        audit.record_repeated(None, "signin.address_throttled", {
            "company": company.code, "address": get_remote_address()}, now, town_id=company.grid.town_id)


def _device() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="worker-device")


def trusted_workers() -> list[int]:
    """The workers who have signed in on this phone before (its signed device cookie)."""
    try:
        ids = _device().loads(request.cookies.get(DEVICE_COOKIE, ""))
    except BadData:
        return []
    return [i for i in ids if isinstance(i, int)] if isinstance(ids, list) else []


def _company_or_404(code: str):
    """The company of /c/<code>. An unknown code (an old poster, a typo) gets a 404 that says so and
    where to go, with a box to type the code; a code in other capitals goes to its own address."""
    company = accounts.company_by_code(code)
    if company is None:
        form = CompanyCodeForm(formdata=None)
        abort(make_response(render_template("signin/start.html", form=form, missing=True), 404))
    if company.code != code:
        kept: dict[str, Any] = request.args.to_dict()  # a team's poster keeps its ?team=
        abort(redirect(url_for(request.endpoint or "auth.company", code=company.code, **kept)))
    return company


def _refusal(outcome: workers.Outcome, setting_up: bool, phone_waits: int | None) -> str:
    """What the page says. A stranger's phone is only ever told "not right" about a worker; the
    worker's own phone (device cookie) hears about a lock or a reset PIN. A phone whose own wrong
    tries for the number typed now make it wait hears so, and for how many minutes (`phone_waits`):
    that is counted the same for every number, on the roster or not (signin.tries)."""
    if outcome.refusal == "locked" and outcome.until is not None:
        return _("Too many wrong tries. Please try again after %(time)s, or ask your outreach staff to reset your PIN.",
                 time=format_time(to_local(outcome.until), "HH:mm"))
    if outcome.refusal == "no_pin":
        return _("Your PIN was reset. Tap “First time, or a new code” and enter the code from your outreach staff.")
    if not outcome.guessed:  # the worker's own phone: the number is theirs
        if setting_up:
            return _("The code is not right, or it has expired. Ask your outreach staff for a new code.")
        return _("Wrong PIN. Please try again.")
    if phone_waits is not None and setting_up:
        return ngettext("The employee number or the code is not right, or the code has expired. Too many wrong "
                        "tries: please try again in %(num)d minute.",
                        "The employee number or the code is not right, or the code has expired. Too many wrong "
                        "tries: please try again in %(num)d minutes.", phone_waits)
    if phone_waits is not None:
        return ngettext("The employee number or the PIN is not right. Too many wrong tries: please try again in "
                        "%(num)d minute.",
                        "The employee number or the PIN is not right. Too many wrong tries: please try again in "
                        "%(num)d minutes.", phone_waits)
    if setting_up:
        return _("The employee number or the code is not right, or the code has expired. Check both, or ask your "
                 "outreach staff for a new code. After several wrong tries you must wait a few minutes.")
    return _("The employee number or the PIN is not right. Check both and try again. After several wrong tries "
             "you must wait a few minutes.")


@bp.get("/")
def worker_start():
    """Where a worker lands without a company link: their last company, or how to get one (scan the
    poster again, or type the company code printed under its QR code). A worker whose phone lost
    every cookie mid-quiz comes here: nothing the phone still sends names the company, and an
    attempt's number must not tell a stranger whose it is."""
    if current_user.is_authenticated:
        return redirect(home_for(current_user))
    typed = "code" in request.args
    form = CompanyCodeForm(formdata=request.args if typed else None)
    if typed and form.validate():
        company = accounts.company_by_code(rules.typed_company_code(form.code.data))
        if company is not None:
            return redirect(url_for("auth.company", code=company.code))
        form.code.errors = [_("There is no company with this code. Check it against the poster, or ask your "
                              "company's anti-fraud outreach staff.")]
        return render_template("signin/start.html", form=form)
    code = request.cookies.get(COMPANY_COOKIE)
    if not typed and code and accounts.company_by_code(code):
        return redirect(url_for("auth.company", code=code))
    return render_template("signin/start.html", form=form)


def _try(company, form, attempt):
    """Run a sign-in or set-up try; the response if the worker is in, else None (the form again).
    When this network has used its budget of guesses, the page says so and when it opens again
    (status 429): it tells nothing about any worker, and a worker with the right PIN is not left
    thinking the PIN is wrong."""
    now = utcnow()
    spent = _guesses_spent()
    number = filled(form.employee_no.data)
    phone = _phone_tries(now)
    waiting = phone.waiting_until(company.id, number)  # after this phone's own wrong tries
    outcome = attempt(now, spent)
    if outcome.guessed:
        _count_guess(company, now)
    # The try's counters are kept in step with its UPDATEs (workers._claim, _cleared): the account
    # and company need not be read again for the session cookie and the page.
    commit_keeping_loaded()
    if outcome.employee is not None:
        phone.right(company.id, number)
        return _signed_in(outcome.employee, company.code)
    if spent and outcome.guessed:
        flash(_("Too many wrong tries from this network. Please try again after %(time)s, or sign in on your "
                "own phone.", time=format_time(to_local(_guesses_back_at()), "HH:mm")), "error")
        g.signin_throttled = True
        return None
    if outcome.guessed and waiting is not None:
        # Whatever was typed and whatever the worker's row says: a phone learns only what it did.
        flash(ngettext("Too many tries. Please try again in %(num)d minute.",
                       "Too many tries. Please try again in %(num)d minutes.", rules.minutes_left(waiting, now)),
              "error")
        return None
    # A wrong try from a phone that is not the worker's own counts on this phone for the number typed.
    waits = phone.wrong(company.id, number) if outcome.guessed else None
    flash(_refusal(outcome, isinstance(form, FirstTimeForm), rules.minutes_left(waits, now) if waits else None),
          "error")
    return None


def _phone_tries(now) -> tries.PhoneTries:
    """This phone's own wrong tries (its `tries` cookie), written back with the response if changed."""
    phone = tries.PhoneTries(current_app.config["SECRET_KEY"], request.cookies.get(tries.COOKIE), now)

    @after_this_request
    def keep(response):
        if phone.changed:
            value = phone.value()
            if value is None:
                response.delete_cookie(tries.COOKIE)
            else:
                response.set_cookie(tries.COOKIE, value, max_age=int(tries.KEPT.total_seconds()), httponly=True,
                                    samesite="Lax", secure=current_app.config["SESSION_COOKIE_SECURE"])
        return response

    return phone


def _status() -> int:
    return 429 if g.get("signin_throttled") else 200


@bp.route("/c/<code>", methods=["GET", "POST"])
@same_site_form
@address_budget
@company_budget
def company(code: str):
    """Employee number and PIN, on one page: a known and an unknown number get the same answer."""
    company = _company_or_404(code)
    if is_worker() and current_user.company_id == company.id:
        return redirect(url_for("quiz.today"))
    form = WorkerSignInForm()
    if form.validate_on_submit():
        done = _try(company, form, lambda now, stopped: workers.sign_in(
            company, filled(form.employee_no.data), filled(form.pin.data), trusted_workers(),
            get_remote_address(), now, strangers_stopped=stopped))
        if done is not None:
            return done
    return render_template("signin/company.html", company=company, form=form), _status()


@bp.route("/c/<code>/welcome", methods=["GET", "POST"])
@same_site_form
@address_budget
@company_budget
def first_time(code: str):
    """The first PIN, or a new one after staff reset it: the one-time code staff handed over."""
    company = _company_or_404(code)
    form = FirstTimeForm()
    if form.validate_on_submit():
        done = _try(company, form, lambda now, stopped: workers.set_up(
            company, filled(form.employee_no.data), filled(form.code.data), rules.typed_digits(form.pin.data),
            trusted_workers(), get_remote_address(), now, strangers_stopped=stopped))
        if done is not None:
            return done
    return render_template("signin/first_time.html", company=company, form=form), _status()


def _signed_in(employee, code: str):
    login_user(employee, remember=True)
    response = redirect(url_for("quiz.today"))
    secure = current_app.config["SESSION_COOKIE_SECURE"]
    response.set_cookie(COMPANY_COOKIE, code, max_age=60 * 60 * 24 * 365, httponly=True, samesite="Lax",
                        secure=secure)
    # This phone is now one of the worker's own: their wrong PINs on it count on their own track.
    _keep_device([employee.id, *(i for i in trusted_workers() if i != employee.id)][:DEVICE_WORKERS], response)
    return response


def _keep_device(ids: list[int], response) -> None:
    """The phone's device cookie now names `ids` (deleted when nobody is left)."""
    if not ids:
        response.delete_cookie(DEVICE_COOKIE)
        return
    response.set_cookie(DEVICE_COOKIE, _device().dumps(ids), max_age=60 * 60 * 24 * 365, httponly=True,
                        samesite="Lax", secure=current_app.config["SESSION_COOKIE_SECURE"])


STAFF_DEVICE_COOKIE = "staff_device"


def _staff_device() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="staff-device")


def trusted_staff() -> list[int]:
    """The staff accounts that have signed in on this browser before (its signed staff device
    cookie): their wrong passwords here count on the account's own track (signin.staff)."""
    try:
        ids = _staff_device().loads(request.cookies.get(STAFF_DEVICE_COOKIE, ""))
    except BadData:
        return []
    return [i for i in ids if isinstance(i, int)] if isinstance(ids, list) else []


def _staff_address_limit() -> str:
    return current_app.config["QUIZAPP_STAFF_SIGNIN_ADDRESS_LIMIT"]


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_staff_address_limit, methods=["POST"], deduct_when=_failed)
def login():
    if current_user.is_authenticated and not is_worker():
        return redirect(home_for(current_user))
    form = StaffLoginForm()
    if form.validate_on_submit():
        result = staff.verify_staff(filled(form.username.data), filled(form.password.data), utcnow(),
                                    request.remote_addr or "", trusted_staff())
        db.session.commit()
        if result.account is not None:
            login_user(result.account)
            if isinstance(result.account, StaffUser) and result.account.must_change_password:
                response = redirect(url_for("auth.change_password"))
            else:
                response = redirect(safe_next(request.args.get("next"), home_for(result.account)))
            # This browser is now one of the account's own: its wrong passwords count on the own track.
            known = [result.account.id, *(i for i in trusted_staff() if i != result.account.id)][:DEVICE_WORKERS]
            response.set_cookie(STAFF_DEVICE_COOKIE, _staff_device().dumps(known), max_age=60 * 60 * 24 * 365,
                                httponly=True, samesite="Lax", secure=current_app.config["SESSION_COOKIE_SECURE"])
            return response
        if result.error == "inactive":  # only after the right password
            flash(_("This account is deactivated. Ask the town administrator."), "error")
        else:
            # A locked account reads like a wrong password: a stranger learns nothing about either.
            flash(_("Wrong username or password, or too many wrong tries: the account is then locked for "
                    "%(minutes)d minutes. Try again later, or ask the town administrator.",
                    minutes=rules.OWN_DEVICE_LOCK.seconds // 60), "error")
    return render_template("signin/login.html", form=form)


@bp.route("/login/password", methods=["GET", "POST"])
def change_password():
    """A staff member sets their own password: required before any other page after the town
    admin created the account or reset its password (a one-time password)."""
    if not current_user.is_authenticated or is_worker():
        return redirect(url_for("auth.login"))
    form = PasswordChangeForm()
    if form.validate_on_submit():
        user = current_user._get_current_object()
        try:
            staff.change_own_password(user, filled(form.current.data), filled(form.password.data), utcnow())
        except ServiceError as error:
            db.session.rollback()
            attach_to_form(form, error, MESSAGES)
        else:
            db.session.commit()
            login_user(user)  # in again with the new session generation: every other session has ended
            flash(_("Your password is set. Other devices signed in with this account are signed out."), "info")
            return redirect(home_for(user))
    status = 400 if request.method == "POST" else 200
    return render_template("signin/password.html", form=form, min_password=MIN_PASSWORD_LENGTH), status


@bp.post("/logout")
@same_site_form  # "not my phone" must sign out after the phone lost its session cookie too
def logout():
    """Signing out ends every session of the account, on every device (its session generation is
    raised): the same button is "sign out everywhere", and on a worker's phone "not my phone", which
    also takes the worker off the phone's device cookie: it is no longer treated as their own."""
    form = LogoutForm()
    if not form.validate_on_submit():
        abort(400)
    worker = is_worker()
    company_code = current_user.company.code if worker else None
    worker_id = current_user.id if worker else None
    if current_user.is_authenticated:
        end_sessions(current_user._get_current_object())
        db.session.commit()
    # Clear first: logout_user() leaves the note that deletes the remember-me cookie.
    session.clear()
    logout_user()
    if worker:
        response = redirect(url_for("auth.company", code=company_code))
        if trusted_workers():
            _keep_device([i for i in trusted_workers() if i != worker_id], response)
        return response
    return redirect(url_for("auth.login"))
