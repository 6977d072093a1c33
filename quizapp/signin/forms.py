"""Sign-in forms for workers and staff."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, Length, Regexp

PIN_RULE = Regexp(r"^\d{4,6}$", message=_l("A PIN is 4 to 6 digits."))


class EmployeeNoForm(FlaskForm):
    employee_no = StringField(_l("Employee number (工号)"), validators=[DataRequired(), Length(max=32)])


class PinForm(FlaskForm):
    pin = PasswordField(_l("PIN"), validators=[DataRequired(), PIN_RULE])


class FirstTimeForm(FlaskForm):
    name = StringField(_l("Your name, as on the roster"), validators=[DataRequired(), Length(max=64)])
    pin = PasswordField(_l("Choose a PIN (4 to 6 digits)"), validators=[DataRequired(), PIN_RULE])
    pin_again = PasswordField(_l("Type the PIN again"),
                              validators=[DataRequired(), EqualTo("pin", message=_l("The two PINs are not the same."))])


class StaffLoginForm(FlaskForm):
    username = StringField(_l("Username"), validators=[DataRequired(), Length(max=64)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=200)])


class PasswordChangeForm(FlaskForm):
    """A staff member's own new password (accounts.service.password_problem is checked by the service)."""

    current = PasswordField(_l("The password you were given"), validators=[DataRequired(), Length(max=200)])
    password = PasswordField(_l("Your new password"), validators=[DataRequired(), Length(max=200)])
    password_again = PasswordField(_l("Type the new password again"), validators=[
        DataRequired(), EqualTo("password", message=_l("The two passwords are not the same."))])


class LogoutForm(FlaskForm):
    """No fields: the CSRF token alone proves the click came from our page."""
