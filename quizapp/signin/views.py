"""Signing in and out, for workers (/c/<company-code>, the URL in the QR code) and for staff (/login).

Public blueprint: no guard. A worker's phone is remembered for weeks (remember-me cookie), so the
PIN is needed only the first time and after signing out.
"""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import format_time
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from quizapp.access import home_for, is_worker
from quizapp.accounts.service import MIN_PASSWORD_LENGTH
from quizapp.clock import to_local, utcnow
from quizapp.extensions import db, limiter
from quizapp.models import StaffUser
from quizapp.rules.errors import ServiceError
from quizapp.signin import service as accounts
from quizapp.signin import staff
from quizapp.signin.forms import EmployeeNoForm, FirstTimeForm, LogoutForm, PasswordChangeForm, PinForm, StaffLoginForm
from quizapp.signin.sessions import end_sessions
from quizapp.signin.wording import MESSAGES
from quizapp.validators import filled
from quizapp.web import safe_next
from quizapp.wording import attach_to_form

bp = Blueprint("auth", __name__)

COMPANY_COOKIE = "company"


def _address_limit() -> str:
    return current_app.config["QUIZAPP_SIGNIN_ADDRESS_LIMIT"]


def _failed(response) -> bool:
    """A sign-in step failed when it shows the form again instead of moving on."""
    return response.status_code != 302


# A whole factory signs in from one NAT address at shift start, so only failed tries count against
# the address, and the limit sits far above a factory's honest typos; each worker locks sooner.
address_limit = limiter.limit(_address_limit, methods=["POST"], deduct_when=_failed)


def _company_or_404(code: str):
    company = accounts.company_by_code(code)
    if company is None:
        abort(404)
    return company


def _pending(code: str, wants_pin: bool):
    """The worker who entered their employee number on this company's page, for the PIN step
    (`wants_pin`: returning worker) or the first-time step; otherwise where they should go."""
    company = _company_or_404(code)
    employee_id = session.get("pending_worker")
    employee = db.session.get(accounts.Employee, employee_id) if employee_id else None
    if employee is None or employee.company_id != company.id:
        return company, None, redirect(url_for("auth.company", code=code))
    if (employee.pin_hash is not None) != wants_pin:
        return company, None, redirect(url_for("auth.pin" if employee.pin_hash else "auth.first_time", code=code))
    return company, employee, None


def _refusal(result: accounts.SignIn) -> str:
    if result.locked_until is not None:  # only a lock carries a time
        return _("Too many wrong tries. Please try again after %(time)s, or ask your outreach staff to reset your PIN.",
                 time=format_time(to_local(result.locked_until), "HH:mm"))
    if result.error == "inactive":
        return _("This employee number is not active. Please ask your company's outreach staff.")
    if result.error == "name_mismatch":
        return _("The name does not match the roster. Write it exactly as your company has it.")
    return _("Wrong PIN. Please try again.")


@bp.get("/")
def worker_start():
    """Where a worker lands without a company link: their last company, or how to get one."""
    if current_user.is_authenticated:
        return redirect(home_for(current_user))
    code = request.cookies.get(COMPANY_COOKIE)
    if code and accounts.company_by_code(code):
        return redirect(url_for("auth.company", code=code))
    return render_template("signin/start.html")


@bp.route("/c/<code>", methods=["GET", "POST"])
@address_limit
def company(code: str):
    company = _company_or_404(code)
    if is_worker() and current_user.company_id == company.id:
        return redirect(url_for("quiz.today"))
    form = EmployeeNoForm()
    if form.validate_on_submit():
        employee = accounts.find_employee(company, filled(form.employee_no.data))
        if employee is None:
            flash(_("Employee number %(no)s is not on %(company)s's roster. Check it, or ask your outreach staff.",
                    no=filled(form.employee_no.data).strip(), company=company.name), "error")
        elif not employee.active:
            flash(_("This employee number is not active. Please ask your company's outreach staff."), "error")
        else:
            session["pending_worker"] = employee.id
            step = "auth.pin" if employee.pin_hash else "auth.first_time"
            return redirect(url_for(step, code=code))
    return render_template("signin/company.html", company=company, form=form)


@bp.route("/c/<code>/pin", methods=["GET", "POST"])
@address_limit
def pin(code: str):
    company, employee, elsewhere = _pending(code, wants_pin=True)
    if elsewhere:
        return elsewhere
    form = PinForm()
    if form.validate_on_submit():
        result = accounts.verify_pin(employee, filled(form.pin.data), utcnow())
        db.session.commit()
        if result.account is not None:
            return _signed_in(employee, code)
        flash(_refusal(result), "error")
    return render_template("signin/pin.html", company=company, employee=employee, form=form)


@bp.route("/c/<code>/welcome", methods=["GET", "POST"])
@address_limit
def first_time(code: str):
    company, employee, elsewhere = _pending(code, wants_pin=False)
    if elsewhere:
        return elsewhere
    form = FirstTimeForm()
    if form.validate_on_submit():
        result = accounts.register_pin(employee, filled(form.name.data), filled(form.pin.data), utcnow())
        db.session.commit()
        if result.account is not None:
            return _signed_in(employee, code)
        flash(_refusal(result), "error")
    return render_template("signin/first_time.html", company=company, employee=employee, form=form)


def _signed_in(employee, code: str):
    session.pop("pending_worker", None)
    login_user(employee, remember=True)
    response = redirect(url_for("quiz.today"))
    response.set_cookie(COMPANY_COOKIE, code, max_age=60 * 60 * 24 * 365, httponly=True, samesite="Lax",
                        secure=current_app.config["SESSION_COOKIE_SECURE"])
    return response


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
                                    request.remote_addr or "")
        db.session.commit()
        if result.account is not None:
            login_user(result.account)
            if isinstance(result.account, StaffUser) and result.account.must_change_password:
                return redirect(url_for("auth.change_password"))
            return redirect(safe_next(request.args.get("next"), home_for(result.account)))
        if result.error == "inactive":  # only after the right password
            flash(_("This account is deactivated. Ask the town administrator."), "error")
        else:
            # A locked account reads like a wrong password: a stranger learns nothing about either.
            flash(_("Wrong username or password, or too many wrong tries: the account is then locked for "
                    "%(minutes)d minutes. Try again later, or ask the town administrator.",
                    minutes=accounts.LOCK_MINUTES), "error")
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
def logout():
    """Signing out ends every session of the account, on every device (its session generation is
    raised): the same button is "sign out everywhere", and on a worker's phone "not my phone"."""
    form = LogoutForm()
    if not form.validate_on_submit():
        abort(400)
    worker = is_worker()
    company_code = current_user.company.code if worker else None
    if current_user.is_authenticated:
        end_sessions(current_user._get_current_object())
        db.session.commit()
    # Clear first: logout_user() leaves the note that deletes the remember-me cookie.
    session.clear()
    logout_user()
    if worker:
        return redirect(url_for("auth.company", code=company_code))
    return redirect(url_for("auth.login"))
