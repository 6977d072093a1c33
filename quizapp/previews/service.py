"""Kept imports: a file a town's staff uploaded, kept on the server between its preview and its
confirmation (models.TownImport), for the town admin's register and for the incident and outreach
imports. The preview keeps the checked rows; the confirmation form names them by id only, so no
file travels back through the browser.

Used by register.service, incidents.service and outreach.service, each with its own `kind`; their
refusals are "<kind>.import_not_found", "<kind>.import_closed" and "<kind>.import_expired", worded by
each feature. An import belongs to the account that uploaded it, in that account's town, and to its
kind: anyone else's, another town's, or another kind's is not found. It applies once: `claim` moves
it from preview to applied in the caller's transaction, and of two confirmations racing only one
finds it still in preview. A preview can be applied for MAX_AGE after its upload: the one keeping
time of every kept import, the company's roster imports included (roster.service uses `expired`,
`refuse_closed` and `close` on its own table, models.RosterImport).

Its rows (the file's content: names, places, notes) serve its preview and its confirmation only:
leaving the preview state (applied or cancelled) empties `rows` and `errors` in the same statement,
and the town's retention (retention.service) empties those of a preview nobody confirmed within
MAX_AGE; the record itself (file name, who, when, status) stays as the trail until retention
deletes it with the town's other old records.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select, update

from quizapp import scope
from quizapp.database import rows_changed
from quizapp.extensions import db
from quizapp.models import RosterImport, StaffUser, TownImport
from quizapp.rules.errors import Conflict, NotFound
from quizapp.rules.vocab import ImportKind, ImportStatus

MAX_AGE = timedelta(hours=2)  # a preview older than this can no longer be applied: upload the file again
# What a kept import holds of its file once it can no longer be applied (applied, cancelled, expired).
EMPTIED: dict[str, list] = {"rows": [], "errors": []}


def expired(record: TownImport | RosterImport, now: datetime) -> bool:
    """A preview that can no longer be applied (upload the file again): uploaded longer than MAX_AGE
    before `now`, or emptied already (retention empties expired previews; a live one always holds a
    row or a problem, every file with no row at all being refused at upload)."""
    return now - record.created_at > MAX_AGE or (not record.rows and not record.errors)


def keep(actor: StaffUser, kind: ImportKind, filename: str, rows: list, errors: list,
         now: datetime) -> TownImport:
    """Keep a checked file as an import of the actor's, in their town, waiting for confirmation.
    `now` is its upload time (UTC, the app's clock: retention and the expiry compare against it)."""
    filename = filename.replace("\\", "/").rsplit("/", 1)[-1]  # some browsers send the whole path
    record = TownImport(kind=kind, town_id=scope.own_town_id(actor), created_by=actor.id,
                        filename=filename[:255] or kind.value, rows=rows, errors=errors,
                        status=ImportStatus.PREVIEW, created_at=now)
    db.session.add(record)
    db.session.flush()
    return record


def _own(actor: StaffUser, kind: ImportKind):
    return (TownImport.kind == kind, TownImport.created_by == actor.id,
            TownImport.town_id == scope.town_of(actor))


def find(actor: StaffUser, kind: ImportKind, import_id: int) -> TownImport | None:
    """One of the actor's own imports of this kind in their town; anyone else's is not found. Read
    afresh (`claim`'s statement bypasses an import already loaded): a second confirmation in the same
    transaction finds it applied."""
    return db.session.scalar(select(TownImport).where(TownImport.id == import_id, *_own(actor, kind))
                             .execution_options(populate_existing=True))


def recent(actor: StaffUser, kind: ImportKind, limit: int = 10) -> list[TownImport]:
    return list(db.session.scalars(select(TownImport).where(*_own(actor, kind))
                                   .order_by(TownImport.id.desc()).limit(limit)))


def waiting(actor: StaffUser, kind: ImportKind, import_id: int, action: str, now: datetime) -> TownImport:
    """The actor's import, still waiting for confirmation: NotFound "<kind>.import_not_found" for
    an unknown id or anyone else's; Conflict "<kind>.import_closed" once applied or cancelled
    (`action`, "apply" or "cancel", is what the user tried); to apply, Conflict
    "<kind>.import_expired" for one that has expired by `now` (`expired`). An expired one may
    still be cancelled."""
    record = find(actor, kind, import_id)
    if record is None:
        raise NotFound(f"{kind}.import_not_found", import_id=import_id)
    refuse_closed(record, kind, action, now)
    return record


def refuse_closed(record: TownImport | RosterImport, prefix: str, action: str, now: datetime) -> None:
    """Conflict "<prefix>.import_closed" for an import applied or cancelled already, whatever
    `action` ("apply" or "cancel") the user tried; to apply, Conflict "<prefix>.import_expired"
    (with the hours a preview is kept) for an expired preview (`expired`)."""
    if record.status != ImportStatus.PREVIEW:
        raise Conflict(f"{prefix}.import_closed", status=record.status, action=action)
    if action == "apply" and expired(record, now):
        raise Conflict(f"{prefix}.import_expired", hours=MAX_AGE // timedelta(hours=1))


def claim(record: TownImport, now: datetime) -> None:
    """Mark the import applied, first thing in the transaction that applies it, and empty its rows
    (read them before: the loaded `record` keeps them for this transaction): of two confirmations
    racing, the second finds it applied already (Conflict "<kind>.import_closed") and its
    transaction must roll back; so must one refused later, which brings the rows back."""
    close(record, record.kind, "apply", status=ImportStatus.APPLIED, applied_at=now)


def cancel(record: TownImport) -> None:
    """Drop an import waiting for confirmation (found with `waiting`), and its rows: it can no
    longer be applied. Only while it still waits: a cancel racing a confirmation that claimed it
    first is refused (Conflict "<kind>.import_closed", applied), never marks an applied import
    cancelled."""
    close(record, record.kind, "cancel", status=ImportStatus.CANCELLED)
    db.session.refresh(record)


def close(record: TownImport | RosterImport, prefix: str, action: str, **values) -> None:
    """Leave the preview state (applied or cancelled: `values`) if the import is still in it, and
    empty its rows and problems (EMPTIED), in one conditional UPDATE of its table: of two requests
    racing, the second changes nothing and is refused with the state the first left (Conflict
    "<prefix>.import_closed"). The loaded `record` is left as it was (refresh it to see the change)."""
    model = type(record)
    closed = rows_changed(update(model).where(model.id == record.id, model.status == ImportStatus.PREVIEW)
                          .values(**values, **EMPTIED).execution_options(synchronize_session=False))
    if closed != 1:
        status = db.session.scalar(select(model.status).where(model.id == record.id))
        raise Conflict(f"{prefix}.import_closed", status=status, action=action)


def reason(error: NotFound | Conflict) -> tuple[str, str]:
    """A refusal of `waiting` or `claim` as an import's (reason, detail), the words the incident and
    outreach imports share: "already_imported", "expired" (detail: the hours a preview is kept) or
    "preview_gone" (unknown, anyone else's, or cancelled)."""
    if error.code.endswith(".import_closed") and error.data.get("status") == ImportStatus.APPLIED:
        return "already_imported", ""
    if error.code.endswith(".import_expired"):
        return "expired", str(error.data.get("hours", ""))
    return "preview_gone", ""
