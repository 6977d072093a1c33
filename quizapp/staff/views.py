"""Console: the company's own staff accounts, for its outreach staff (the console blueprint's
guard): who created each and who last reset its password, when, and when it last signed in; and
signing oneself out on every device. The town admin creates and resets these accounts with a
one-time password (quizapp/accounts/); this page lets the company see that it happened.

Its routes are attached to the console blueprint in quizapp/audiences.py; the rule of which
accounts are shown is accounts.service.company_accounts.
"""

from flask import render_template
from flask_login import current_user

from quizapp.accounts import service
from quizapp.routing import Routes

routes = Routes()


@routes.get("/staff")
def staff_accounts():
    return render_template("staff/index.html", accounts=service.company_accounts(current_user))
