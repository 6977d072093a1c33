"""Admin: staff and officer accounts, for the town admin only (the admin blueprint's guard): the
list with filters, create and reset a password (a one-time password, shown once), edit, unlock,
sign out everywhere, deactivate and reactivate.

Its routes are attached to the admin blueprint in quizapp/audiences.py; the rules live in
accounts.service. A deactivated account's open session ends at its next request
(signin.sessions.load_account).
"""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from quizapp.accounts import service
from quizapp.accounts.forms import AccountActionForm, AccountCreateForm, AccountEditForm
from quizapp.accounts.wording import MESSAGES, ROLE_LABELS
from quizapp.clock import utcnow
from quizapp.extensions import db
from quizapp.models import StaffUser
from quizapp.routing import Routes
from quizapp.rules.errors import ServiceError
from quizapp.rules.vocab import Role, parse
from quizapp.validators import filled, query_int, query_text
from quizapp.wording import attach_to_form, say


def _filter() -> service.AccountFilter:
    active = {"1": True, "0": False}.get(request.args.get("active", ""))
    return service.AccountFilter(role=parse(Role, request.args.get("role")), grid_id=query_int("grid"),
                                 company_id=query_int("company"), active=active,
                                 search=query_text("q"), page=query_int("page", 1))

routes = Routes()


@routes.get("/accounts")
def accounts():
    page = service.list_accounts(current_user, _filter())
    return render_template("accounts/index.html", page=page, roles=ROLE_LABELS, grids=service.all_grids(current_user),
                           companies=service.all_companies(current_user), now=utcnow())


def _input(form: AccountEditForm) -> service.AccountInput:
    return service.AccountInput(display_name=filled(form.display_name.data), role=form.role.data,
                                company_id=form.company_id(), grid_ids=form.grid_ids(),
                                email=form.email.data or None, webhook_url=form.webhook_url.data or None)


def _password_page(account, password: str, created: bool):
    response = render_template("accounts/password.html", account=account, password=password, created=created)
    return response, 200, {"Cache-Control": "no-store"}


@routes.route("/accounts/new", methods=["GET", "POST"])
def account_new():
    form = AccountCreateForm()
    form.fill_choices(service.company_choices(current_user), service.grid_choices(current_user))
    if form.validate_on_submit():
        try:
            account, password = service.create_account(current_user, filled(form.username.data), _input(form),
                                                       utcnow())
        except ServiceError as error:
            attach_to_form(form, error, MESSAGES)
        else:
            db.session.commit()
            return _password_page(account, password, created=True)
    status = 400 if request.method == "POST" else 200
    return render_template("accounts/form.html", form=form, account=None), status


def _account_or_404(account_id: int) -> StaffUser:
    return service.find_account(current_user, account_id) or abort(404)


@routes.route("/accounts/<id:account_id>", methods=["GET", "POST"])
def account_edit(account_id: int):
    account = _account_or_404(account_id)
    form = AccountEditForm(data=None if request.method == "POST" else {
        "display_name": account.display_name, "role": account.role, "company": str(account.company_id or ""),
        "grids": [str(g.id) for g in account.grids], "email": account.email or "",
        "webhook_url": account.webhook_url or ""})
    form.fill_choices(service.company_choices(current_user, account), service.grid_choices(current_user, account))
    if form.validate_on_submit():
        try:
            changed = service.update_account(current_user, account, _input(form))
        except ServiceError as error:
            db.session.rollback()
            attach_to_form(form, error, MESSAGES)
        else:
            db.session.commit()
            flash(_("Saved.") if changed else _("Nothing was changed."), "info")
            return redirect(url_for("admin.account_edit", account_id=account.id))
    status = 400 if request.method == "POST" else 200
    return render_template("accounts/form.html", form=form, account=account, action_form=AccountActionForm(),
                           locked=service.is_locked(account, utcnow())), status


def _action(account_id: int, change) -> object:
    """A one-click action: checked CSRF, the change, the commit, and back to the account's page."""
    account = _account_or_404(account_id)
    if not AccountActionForm().validate_on_submit():
        abort(400)
    try:
        result = change(account)
    except ServiceError as error:
        db.session.rollback()
        flash(say(error, MESSAGES), "error")
        return redirect(url_for("admin.account_edit", account_id=account_id))
    db.session.commit()
    return result


@routes.post("/accounts/<id:account_id>/password")
def account_password(account_id: int):
    return _action(account_id, lambda account: _password_page(
        account, service.reset_password(current_user, account, utcnow()), created=False))


def _done(account, message: str):
    flash(message, "info")
    return redirect(url_for("admin.account_edit", account_id=account.id))


@routes.post("/accounts/<id:account_id>/sign-out")
def account_sign_out(account_id: int):
    def sign_out(account: StaffUser):
        service.sign_out_everywhere(current_user, account)
        return _done(account, _("%(name)s is signed out on every device.", name=account.username))

    return _action(account_id, sign_out)


@routes.post("/accounts/<id:account_id>/unlock")
def account_unlock(account_id: int):
    def unlock(account: StaffUser):
        service.unlock(current_user, account)
        return _done(account, _("Unlocked: %(name)s can sign in again now.", name=account.username))

    return _action(account_id, unlock)


@routes.post("/accounts/<id:account_id>/deactivate")
def account_deactivate(account_id: int):
    def deactivate(account: StaffUser):
        service.set_active(current_user, account, False)
        return _done(account, _("Deactivated: %(name)s can no longer sign in.", name=account.username))

    return _action(account_id, deactivate)


@routes.post("/accounts/<id:account_id>/reactivate")
def account_reactivate(account_id: int):
    def reactivate(account: StaffUser):
        service.set_active(current_user, account, True)
        return _done(account, _("Reactivated: %(name)s can sign in again.", name=account.username))

    return _action(account_id, reactivate)
