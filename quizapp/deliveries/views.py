"""The town admin's messages sent (admin.deliveries): every delivery, reminders and digests, newest
first, filtered by status and kind, with its tries and last error; and "retry now" for a failed
digest (sent again with fresh figures, once). A retry holds the digest job's lock (quizapp/jobs.py)
until it has committed what it sent: while `quizapp digest` runs (it retries failed digests itself)
the button says so and sends nothing, and a run started meanwhile waits for the next cron turn, so
the two never send the same digest.

Its routes are attached to the admin blueprint in quizapp/audiences.py (town admin only). Reminders are not retried from
here: `quizapp remind` retries them itself until their shift starts, after which a reminder has
nothing left to say.
"""

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from quizapp import jobs
from quizapp.clock import to_local, utcnow
from quizapp.deliveries import service
from quizapp.digest import service as digest
from quizapp.digest.forms import RetryForm
from quizapp.digest.rules import key_label, masked_target
from quizapp.digest.wording import town_outbox
from quizapp.extensions import db
from quizapp.routing import Routes
from quizapp.rules.inputs import row_id
from quizapp.rules.vocab import DeliveryKind, DeliveryStatus, parse
from quizapp.validators import query_int
from quizapp.web import safe_next

routes = Routes()


@routes.get("/deliveries")
def deliveries():
    status, kind = parse(DeliveryStatus, request.args.get("status")), parse(DeliveryKind, request.args.get("kind"))
    page = service.list_deliveries(current_user, status, kind, query_int("page", 1))
    return render_template("deliveries/index.html", page=page, status=status, kind=kind, retry_form=RetryForm(),
                           masked=masked_target, key_label=key_label, to_local=to_local)


@routes.post("/deliveries/retry")
def delivery_retry():
    form = RetryForm()
    chosen = form.delivery.data or ""
    number = row_id(chosen) if form.validate_on_submit() else None
    found = service.find_delivery(current_user, number) if number is not None else None
    with jobs.exclusive("digest") as free:
        outcome = digest.retry(found, utcnow(), town_outbox()) if found is not None and free else None
        db.session.commit()  # before the lock is let go: a run after it finds the digest sent
    if found is not None and not free:
        flash(_("The digest is being sent right now, failed ones included: nothing was sent from here. "
                "Look again in a few minutes."), "error")
    elif found is None or outcome is None:
        flash(_("Only a failed digest to an active officer who still has that address can be retried here."), "error")
    elif outcome:
        flash(_("Sent again: the digest went out."), "info")
    else:
        flash(_("Tried again, and it failed again: %(error)s", error=found.last_error), "error")
    return redirect(safe_next(form.next.data, url_for("admin.deliveries")))
