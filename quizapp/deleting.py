"""Deleting a record after a confirmation page, one way for every page that deletes (an incident, an
outreach activity, a supervision follow-up): nothing is lost without the user seeing it first.

The record's delete button is a plain link-like GET to `<record>/delete`, which shows what will be
deleted with 删除 / 取消 (works with JavaScript off). Only the POST of that page deletes: it carries
the CSRF token and the `confirm` field the page sets. A POST without it (an old form, a crafted
request) deletes nothing and shows the confirmation page instead. The feature's view names what is
shown and calls its own service (which writes the audit row); this module owns the page and the shape.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from flask import redirect, render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import lazy_gettext as _l
from wtforms import HiddenField
from wtforms.validators import AnyOf

from quizapp.extensions import db
from quizapp.validators import Form

CONFIRMED = "yes"


class ConfirmDeleteForm(Form):
    """The confirmation page's form: its CSRF token, and `confirm`, which only that page sends."""

    # No default: an empty POST (no form data at all) must not read as confirmed; the page writes the value.
    confirm = HiddenField(validators=[AnyOf([CONFIRMED], message=_l("Confirm on this page."))])


@dataclass(frozen=True)
class Deletion:
    """What the confirmation page shows: the question, the record's facts (label, value) and where
    取消 goes back to (the record's page)."""

    question: str
    facts: Sequence[tuple[str, object]]
    cancel_url: str


def confirm_then_delete(deletion: Deletion, delete: Callable[[], str]) -> ResponseReturnValue:
    """GET: the confirmation page. POST from that page: `delete()` (the feature's service call and
    its flash), commit, and go where it says. Any other POST: the page again, nothing deleted."""
    form = ConfirmDeleteForm()
    if request.method == "POST" and form.validate_on_submit():
        target = delete()
        db.session.commit()
        return redirect(target)
    return render_template("_confirm_delete.html", layout=f"{request.blueprint}/_layout.html", deletion=deletion,
                           form=ConfirmDeleteForm(formdata=None), confirmed=CONFIRMED)
