"""Admin: the question bank's item analysis (/admin/bank), for the town anti-fraud centre only (the
admin blueprint's guard). The figures come from bank.items; the rules from bank/rules/item_analysis.py."""

from flask import render_template, request
from flask_login import current_user

from quizapp import scope
from quizapp.bank import items
from quizapp.clock import local_today
from quizapp.routing import Routes
from quizapp.signin.forms import LogoutForm
from quizapp.validators import query_int

routes = Routes()


@routes.get("/bank")
def bank():
    """How each question performs: difficulty, discrimination, option shares, and what looks broken."""
    days = query_int("days", 90)
    days = days if days in (30, 90, 365) else 90
    rows = items.analyse_items(local_today(), days, scope.town_company_ids(scope.own_town_id(current_user)))
    flagged_only = request.args.get("flagged") == "1"
    shown = [r for r in rows if r.stats and r.stats.flags] if flagged_only else rows
    return render_template("bank/index.html", rows=shown, all_rows=rows, days=days, flagged_only=flagged_only,
                           logout_form=LogoutForm())
