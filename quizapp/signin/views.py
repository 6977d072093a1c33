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
from quizapp.clock import to_local, utcnow
from quizapp.extensions import db, limiter
from quizapp.signin import service as accounts
from quizapp.signin.forms import EmployeeNoForm, FirstTimeForm, LogoutForm, PinForm, StaffLoginForm
from quizapp.validators import filled
from quizapp.web import safe_next

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


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit("60 per 10 minutes", methods=["POST"], deduct_when=_failed)
def login():
    if current_user.is_authenticated and not is_worker():
        return redirect(home_for(current_user))
    form = StaffLoginForm()
    if form.validate_on_submit():
        result = accounts.verify_staff(filled(form.username.data), filled(form.password.data), utcnow())
        db.session.commit()
        if result.account is not None:
            login_user(result.account)
            return redirect(safe_next(request.args.get("next"), home_for(result.account)))
        if result.locked_until is not None:  # only a lock carries a time
            # Staff and officers are unlocked by the town admin (accounts), not by outreach staff.
            flash(_("Too many wrong tries. Please try again after %(time)s, or ask the town administrator to "
                    "unlock your account.", time=format_time(to_local(result.locked_until), "HH:mm")), "error")
        elif result.error == "inactive":
            flash(_("This account is deactivated. Ask the town administrator."), "error")
        else:
            flash(_("Wrong username or password."), "error")
    return render_template("signin/login.html", form=form)


@bp.post("/logout")
def logout():
    form = LogoutForm()
    if not form.validate_on_submit():
        abort(400)
    worker = is_worker()
    company_code = current_user.company.code if worker else None
    # Clear first: logout_user() leaves the note that deletes the remember-me cookie.
    session.clear()
    logout_user()
    if worker:
        return redirect(url_for("auth.company", code=company_code))
    return redirect(url_for("auth.login"))
