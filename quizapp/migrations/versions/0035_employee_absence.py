"""employee absence: the days a worker was off the roster and came back from

Revision ID: 0035
Revises: 0034

- employee_absence (employee_id, first_day, last_day): written whenever a worker comes back
  (reactivated by hand or by a roster import): the days they were away, from the day after the
  last day they counted through the day before they came back (rules/metrics.days_away). The
  worker does not count on those days (scope.active_on, metrics.counted_on), so a past day's
  headcount and participation no longer move when someone comes back. Indexed by worker and
  first day: every "who counts on a day" query asks whether an absence of the worker covers it.
  Deleted with the worker (retention deletes long-gone leavers).
- Nothing is backfilled: who came back before this version, and when they had left, was not kept
  (the roster kept only the last leaving day, cleared on reactivation). Those workers count on
  their past days as before; a rebuild of such a day counts them as it did until now.
"""
import sqlalchemy as sa
from alembic import op

revision = '0035'
down_revision = '0034'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'employee_absence',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('employee_id', sa.Integer(), nullable=False),
        sa.Column('first_day', sa.Date(), nullable=False),
        sa.Column('last_day', sa.Date(), nullable=False),
        sa.Column('created_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
        sa.CheckConstraint('first_day <= last_day', name=op.f('ck_employee_absence_days_in_order')),
        sa.ForeignKeyConstraint(['employee_id'], ['employee.id'],
                                name=op.f('fk_employee_absence_employee_id_employee'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_employee_absence')),
    )
    op.create_index('ix_employee_absence_employee_day', 'employee_absence', ['employee_id', 'first_day', 'last_day'])


def downgrade():
    op.drop_index('ix_employee_absence_employee_day', table_name='employee_absence')
    op.drop_table('employee_absence')
