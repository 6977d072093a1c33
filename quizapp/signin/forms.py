"""Sign-in forms for workers and staff."""

from flask_babel import lazy_gettext as _l
from wtforms import PasswordField, StringField, ValidationError
from wtforms.validators import DataRequired, EqualTo, Length

from quizapp.signin import rules
from quizapp.validators import Form

# What phones need to offer the right keyboard: digits for a PIN or code, capitals for an employee
# number (Android keyboards start in lower case; the roster matches any case anyway).
NUMBER_KEYBOARD = {"autocapitalize": "characters", "autocorrect": "off", "spellcheck": "false"}
DIGITS_KEYBOARD = {"inputmode": "numeric", "pattern": "[0-9]*"}
WEAK_REASONS = {
    "same": _l("One digit repeated is too easy to guess. Choose another PIN."),
    "run": _l("Digits in a row, like 1234 or 4321, are too easy to guess. Choose another PIN."),
    "common": _l("This is one of the most common PINs, easy to guess. Choose another."),
}


def _pin_format(form, field) -> None:
    """4 to 6 digits, full-width digits (１２３４) read as 1234."""
    if not rules.is_pin(rules.typed_digits(field.data)):
        raise ValidationError(_l("A PIN is 4 to 6 digits."))


def _strong_pin(form, field) -> None:
    pin = rules.typed_digits(field.data)
    reason = rules.weak_pin(pin) if rules.is_pin(pin) else None  # a malformed one is told so by _pin_format
    if reason is not None:
        raise ValidationError(WEAK_REASONS[reason])


def _same_pin(form, field) -> None:
    if rules.typed_digits(field.data) != rules.typed_digits(form.pin.data):
        raise ValidationError(_l("The two PINs are not the same."))


def _code_format(form, field) -> None:
    if not rules.CODE_PATTERN.match(rules.typed_digits(field.data)):
        raise ValidationError(_l("The code is %(n)s digits, as your outreach staff gave it.", n=rules.CODE_LENGTH))


def _number_field() -> StringField:
    return StringField(_l("Employee number (工号)"), validators=[DataRequired(), Length(max=64)],
                       render_kw={**NUMBER_KEYBOARD, "autocomplete": "username"})


class CompanyCodeForm(Form):
    """The company code typed by hand, when there is no QR code to scan. Sent by GET (it changes
    nothing, it only finds a page), so it carries no CSRF token."""

    code = StringField(_l("Your company's code"), validators=[DataRequired(), Length(max=200)],
                       render_kw={"autocapitalize": "none", "autocorrect": "off", "spellcheck": "false",
                                  "autocomplete": "off"})

    class Meta:
        csrf = False


class WorkerSignInForm(Form):
    employee_no = _number_field()
    pin = PasswordField(_l("PIN"), validators=[DataRequired(), _pin_format],
                        render_kw={**DIGITS_KEYBOARD, "autocomplete": "current-password"})


class FirstTimeForm(Form):
    """The first PIN, or the first after a reset: the one-time code from staff, then a PIN."""

    employee_no = _number_field()
    code = StringField(_l("One-time code from your outreach staff"), validators=[DataRequired(), _code_format],
                       render_kw={**DIGITS_KEYBOARD, "autocomplete": "one-time-code"})
    pin = PasswordField(_l("Choose a PIN (4 to 6 digits)"), validators=[DataRequired(), _pin_format, _strong_pin],
                        render_kw={**DIGITS_KEYBOARD, "autocomplete": "new-password"})
    pin_again = PasswordField(_l("Type the PIN again"), validators=[DataRequired(), _same_pin],
                              render_kw={**DIGITS_KEYBOARD, "autocomplete": "new-password"})


class StaffLoginForm(Form):
    username = StringField(_l("Username"), validators=[DataRequired(), Length(max=64)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=200)])


class PasswordChangeForm(Form):
    """A staff member's own new password (accounts.service.password_problem is checked by the service)."""

    current = PasswordField(_l("The password you were given"), validators=[DataRequired(), Length(max=200)])
    password = PasswordField(_l("Your new password"), validators=[DataRequired(), Length(max=200)])
    password_again = PasswordField(_l("Type the new password again"), validators=[
        DataRequired(), EqualTo("password", message=_l("The two passwords are not the same."))])


class LogoutForm(Form):
    """No fields: the CSRF token alone proves the click came from our page."""
