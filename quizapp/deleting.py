"""Confirming before something is lost or changed for good, one way for every page that does it:
deleting a record (an incident, an outreach activity, a supervision follow-up), resetting a worker's
PIN or deactivating a worker, removing a place, saving supervision rules or a target that flag
companies. Nothing is lost or rewritten without the user seeing it first.

The page's button is a plain link-like GET to the action's URL, which shows what will happen (the
question, the facts of what it acts on, the consequences, and a list such as the companies that
would be flagged) with the action's button and 取消 (works with JavaScript off). Only the POST of that
page acts: it carries the CSRF token, the `confirm` field the page sets, and any values the action
needs again (`carry`, e.g. the new thresholds, re-checked by the feature's own form). A POST without
`confirm` (an old form, a crafted request, a first submission that must be previewed) changes nothing
and shows the confirmation page instead. The feature's view says what is shown and calls its own
service (which writes the audit row); this module owns the page and the shape.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from flask import redirect, render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import lazy_gettext as _l
from werkzeug.wrappers import Response
from wtforms import HiddenField
from wtforms.validators import AnyOf

from quizapp.extensions import db
from quizapp.validators import Form

CONFIRMED = "yes"
SHOWN = 200  # lines a confirmation lists (companies it would flag, ...); more are counted


def first_lines(lines: Sequence[str]) -> list[str]:
    """A confirmation's list cut at SHOWN lines, the rest counted ("… and 46 more.")."""
    from flask_babel import gettext as _

    return [*lines[:SHOWN], *([_("… and %(n)s more.", n=len(lines) - SHOWN)] if len(lines) > SHOWN else [])]


class ConfirmForm(Form):
    """The confirmation page's form: its CSRF token, and `confirm`, which only that page sends."""

    # No default: an empty POST (no form data at all) must not read as confirmed; the page writes the value.
    confirm = HiddenField(validators=[AnyOf([CONFIRMED], message=_l("Confirm on this page."))])


def confirmed() -> bool:
    """Whether this request is the confirmation page's POST (CSRF token and `confirm`)."""
    return request.method == "POST" and ConfirmForm().validate_on_submit()


@dataclass(frozen=True)
class Confirmation:
    """What the confirmation page shows: the question, a line before the facts, the facts of what is
    acted on (label, value), what will happen (sentences), a list (e.g. companies, under `listed_title`),
    the button, where 取消 goes back to, and the values re-posted with the confirmation."""

    question: str
    facts: Sequence[tuple[str, object]]
    cancel_url: str
    lead: str = ""
    happens: Sequence[str] = ()
    button: str = ""
    listed_title: str = ""
    listed: Sequence[str] = ()
    carry: Sequence[tuple[str, object]] = field(default_factory=tuple)
    danger: bool = True


def deletion(question: str, facts: Sequence[tuple[str, object]], cancel_url: str) -> Confirmation:
    """The confirmation before a record is deleted."""
    return Confirmation(question, facts, cancel_url, lead=_l("This will be deleted:"),
                        happens=(_l("It cannot be undone here; the audit log keeps what it said."),),
                        button=_l("Delete"))


def show(confirmation: Confirmation) -> ResponseReturnValue:
    """The confirmation page, in the layout of the blueprint it belongs to."""
    return render_template("_confirm.html", layout=f"{request.blueprint}/_layout.html", confirmation=confirmation,
                           form=ConfirmForm(formdata=None), confirmed=CONFIRMED)


def confirm_then(confirmation: Confirmation | Callable[[], Confirmation],
                 act: Callable[[], str | Response]) -> ResponseReturnValue:
    """GET: the confirmation page. POST from that page: `act()` (the feature's service call and its
    flash), commit, and go where it says (a URL), or answer with its page (a response, e.g. a
    one-time code shown once). Any other POST: the page again, nothing done. `confirmation` may be
    a function making the page, called only when it is shown (a preview that costs a query)."""
    if confirmed():
        result = act()
        db.session.commit()
        return redirect(result) if isinstance(result, str) else result
    return show(confirmation() if callable(confirmation) else confirmation)
