"""Photo files that follow the database transaction: a file is written before its row is flushed,
and removed only once the change that drops it is committed.

Used by outreach.service (record_activity, change_activity, delete_activity), which never commits:
the view does. So a service cannot remove a file itself (if the commit then failed, the kept row
would name a file that is gone) and cannot leave a new file behind when the transaction rolls
back. Instead it queues: `keep_until_rollback` names a new file that is deleted if the outermost
transaction ends without a commit (a refused form, an error, the request's teardown), and
`remove_after_commit` names a file that is deleted only after a successful commit. The queues live
in the session's `info`, one per session, emptied at the end of every outermost transaction.
"""

from __future__ import annotations

import logging
from pathlib import Path

from sqlalchemy import event
from sqlalchemy.orm import Session, SessionTransaction

from quizapp.outreach import photos

log = logging.getLogger(__name__)
_NEW = "outreach.photos.new"  # written in this transaction: deleted unless it commits
_OLD = "outreach.photos.old"  # dropped in this transaction: deleted once it commits


def keep_until_rollback(session: Session, folder: Path, name: str) -> None:
    """A file just written for this transaction: removed if the transaction does not commit."""
    session.info.setdefault(_NEW, []).append((folder, name))


def remove_after_commit(session: Session, folder: Path, name: str | None) -> None:
    """A file no longer named by any row once this transaction commits: removed after it does."""
    if name:
        session.info.setdefault(_OLD, []).append((folder, name))


def _remove(files: list[tuple[Path, str]]) -> None:
    for folder, name in files:
        try:
            photos.remove(folder, name)
        except OSError:  # the commit stands; a file left over is only disk space
            log.warning("could not remove outreach photo %s", name, exc_info=True)


@event.listens_for(Session, "after_commit")
def _after_commit(session: Session) -> None:
    session.info.pop(_NEW, None)  # committed: the new files are the rows' now
    _remove(session.info.pop(_OLD, []))


@event.listens_for(Session, "after_transaction_end")
def _after_transaction_end(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is not None:  # a savepoint: the outer transaction decides
        return
    session.info.pop(_OLD, None)  # not committed (after_commit took them otherwise): the rows still name them
    _remove(session.info.pop(_NEW, []))
