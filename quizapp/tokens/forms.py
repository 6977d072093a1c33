"""The town admin's API token forms: issuing a token (what it is for) and revoking one.

Used by quizapp/admin/tokens.py. CSRF on both (Flask-WTF); the revoke form carries nothing else,
since the token comes from the URL and the confirmation page shows which one it is.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import StringField
from wtforms.validators import DataRequired, Length

from quizapp.validators import Form

NAME_MAX = 100  # ApiToken.name


class IssueTokenForm(Form):
    name = StringField(_l("What the token is for"), validators=[
        DataRequired(_l("Name the system that will use the token, e.g. “town analysis system”.")),
        Length(max=NAME_MAX, message=_l("At most %(max)d characters."))],
        description=_l("Name the system or person that will use it, so you know which token to revoke later."))


class RevokeTokenForm(Form):
    """Only the CSRF token: the confirmation page names the token being revoked."""
