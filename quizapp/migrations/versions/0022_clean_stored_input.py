"""clean stored input: control characters out of typed text, impossible dates out of follow-ups,
incidents and start dates, and at most one open practice attempt per worker

Revision ID: 0022
Revises: 0021

Before the forms refused them, a NUL or another control character could be saved in a name, a
note or an employee number (and then broke every XLSX export), a follow-up could be dated year 1
(and then broke the supervision list), and a double tap could open two practice rounds. This
migration mends what is stored, by the rules of quizapp/rules/inputs.py as they are today (written
out here: a migration must mean the same whenever it runs):

- typed text loses its control characters other than tab and newline (an employee number that
  would then equal another of its company's gets "-<id>" added, so nothing is lost);
- a follow-up dated before 2000 or more than a year after the day this runs is dated its case's
  opening day; an employee's start date outside that window is emptied (it is optional); an
  incident month outside it is deleted (no real record is dated year 1 or 9999);
- of a worker's open practice attempts only the newest stays open (the others are closed as
  expired, as the app closes a round whose time ran out); then a partial unique index keeps it so.
"""
import re
from datetime import UTC, date, datetime, timedelta

import sqlalchemy as sa
from alembic import op

revision = '0022'
down_revision = '0021'
branch_labels = None
depends_on = None

CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
EARLIEST = date(2000, 1, 1)
AHEAD_DAYS = 366
# (table, columns) of text people type.
TYPED = {
    "grid": ("name",),
    "company": ("name",),
    "shift": ("name",),
    "employee": ("name", "team", "shift"),
    "staff_user": ("display_name",),
    "api_token": ("name",),
    "incident": ("note",),
    "roster_import": ("filename",),
    "supervision_case": ("reason", "close_reason"),
    "follow_up": ("who", "notes", "outcome"),
}
ONE_OPEN_PRACTICE = "uq_attempt_one_open_practice"
OPEN_PRACTICE = "kind = 'practice' AND finished_at IS NULL"


def _table(name, *columns):
    return sa.table(name, sa.column("id"), *(sa.column(c) for c in columns))


def _clean_text(conn):
    for name, columns in TYPED.items():
        table = _table(name, *columns)
        for row in conn.execute(sa.select(table)).mappings():
            changed = {c: CONTROL.sub("", row[c]) for c in columns
                       if isinstance(row[c], str) and CONTROL.search(row[c])}
            if changed:
                conn.execute(table.update().where(table.c.id == row["id"]).values(**changed))
    employee = _table("employee", "company_id", "employee_no")
    rows = conn.execute(sa.select(employee)).mappings().all()
    taken = {(r["company_id"], r["employee_no"]) for r in rows}
    for row in rows:
        if not CONTROL.search(row["employee_no"] or ""):
            continue
        clean = CONTROL.sub("", row["employee_no"])
        if not clean or (row["company_id"], clean) in taken:
            clean = f"{clean}-{row['id']}"
        taken.add((row["company_id"], clean))
        conn.execute(employee.update().where(employee.c.id == row["id"]).values(employee_no=clean))


def _clean_dates(conn, latest):
    follow_up = _table("follow_up", "case_id", "happened_on")
    case = _table("supervision_case", "opened_on")
    outside = sa.or_(follow_up.c.happened_on < EARLIEST, follow_up.c.happened_on > latest)
    opened = sa.select(case.c.opened_on).where(case.c.id == follow_up.c.case_id).scalar_subquery()
    conn.execute(follow_up.update().where(outside).values(happened_on=opened))
    employee = _table("employee", "active_from")
    conn.execute(employee.update().where(sa.or_(employee.c.active_from < EARLIEST, employee.c.active_from > latest))
                 .values(active_from=None))
    incident = _table("incident", "month")
    conn.execute(incident.delete().where(sa.or_(incident.c.month < EARLIEST, incident.c.month > latest)))


def _one_open_practice(conn):
    attempt = _table("attempt", "employee_id", "kind", "finished_at", "deadline_at", "expired")
    open_rows = conn.execute(sa.select(attempt.c.id, attempt.c.employee_id, attempt.c.deadline_at)
                             .where(attempt.c.kind == "practice", attempt.c.finished_at.is_(None))
                             .order_by(attempt.c.employee_id, attempt.c.id.desc())).all()
    seen = set()
    for attempt_id, employee_id, deadline_at in open_rows:
        if employee_id in seen:
            conn.execute(attempt.update().where(attempt.c.id == attempt_id)
                         .values(finished_at=deadline_at, expired=True))
        seen.add(employee_id)


def upgrade():
    conn = op.get_bind()
    _clean_text(conn)
    _clean_dates(conn, datetime.now(UTC).date() + timedelta(days=AHEAD_DAYS))
    _one_open_practice(conn)
    op.create_index(ONE_OPEN_PRACTICE, "attempt", ["employee_id"], unique=True,
                    postgresql_where=sa.text(OPEN_PRACTICE), sqlite_where=sa.text(OPEN_PRACTICE))


def downgrade():
    # The cleaning cannot be undone (the characters and dates removed were never valid).
    op.drop_index(ONE_OPEN_PRACTICE, table_name="attempt")
