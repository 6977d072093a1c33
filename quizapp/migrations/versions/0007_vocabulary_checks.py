"""vocabulary checks: every role, kind and status column holds one of its enum's values, and a
company has at most one open supervision case per rule

Revision ID: 0007
Revises: 0006

The values are written out here, as they are in quizapp/rules/vocab.py today: a migration must
mean the same thing whenever it runs. tests/app/test_vocabulary.py checks that they still match
the enums and the models' constraints, so a new value needs a new migration.

SQLite cannot add a constraint to a table: batch mode copies each table into a new one with the
constraint (with foreign keys off while it does: migrations/env.py); PostgreSQL adds the
constraints in place. Either way the rows already there are checked: a value outside its
vocabulary stops the migration.
"""
import sqlalchemy as sa
from alembic import op

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None

# (table, column) -> the values allowed, as of this revision.
CHECKS = {
    ("staff_user", "role"): ("company_staff", "grid_officer", "town_admin"),
    ("question", "kind"): ("knowledge", "behaviour"),
    ("attempt", "kind"): ("official", "practice"),
    ("roster_import", "status"): ("preview", "applied", "cancelled"),
    ("delivery", "kind"): ("reminder", "reminder-test", "digest", "digest-test"),
    ("delivery", "channel"): ("webhook", "email"),
    ("delivery", "status"): ("pending", "sent", "failed"),
    ("supervision_case", "rule"): ("participation", "knowledge", "incidents", "manual"),
    ("supervision_case", "status"): ("open", "closed"),
    ("follow_up", "kind"): ("yuetan", "visit", "talk"),
}
ONE_OPEN_CASE = "uq_supervision_case_one_open_per_rule"
OPEN_ONLY = "status = 'open'"


def _tables() -> dict[str, list[str]]:
    tables: dict[str, list[str]] = {}
    for table, column in CHECKS:
        tables.setdefault(table, []).append(column)
    return tables


def _condition(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


def upgrade():
    for table, columns in _tables().items():
        with op.batch_alter_table(table, schema=None) as batch_op:
            for column in columns:
                batch_op.create_check_constraint(op.f(f"ck_{table}_{column}"),
                                                 _condition(column, CHECKS[(table, column)]))
    op.create_index(ONE_OPEN_CASE, "supervision_case", ["company_id", "rule"], unique=True,
                    postgresql_where=sa.text(OPEN_ONLY), sqlite_where=sa.text(OPEN_ONLY))


def downgrade():
    op.drop_index(ONE_OPEN_CASE, table_name="supervision_case")
    for table, columns in _tables().items():
        with op.batch_alter_table(table, schema=None) as batch_op:
            for column in columns:
                batch_op.drop_constraint(op.f(f"ck_{table}_{column}"), type_="check")
