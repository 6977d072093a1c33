"""company deactivation day and days away: a deactivated company still counts on the days before

Revision ID: 0036
Revises: 0035

- company.active_until (date, NULL): the day a company was deactivated. It counts through the day
  before on every surface and period (scope.company_counted_on, docs/metrics.md "Companies that
  leave"), so deactivating a company no longer rewrites the reports of periods already over.
  Cleared when the company is reactivated.
- company_absence (company_id, first_day, last_day): written when a company is reactivated: the
  days it was deactivated (rules/metrics.days_away, as for a worker's employee_absence). The company
  does not count on them, so reactivating it moves no past figure either. Indexed by company and
  first day; deleted with the company.
- Nothing is backfilled: the day a company already inactive was deactivated was not kept. Those
  companies (active_until NULL) count on no day, as every report read them until now (it left
  inactive companies out of every period), so their past figures do not move with the upgrade.
"""
import sqlalchemy as sa
from alembic import op

revision = '0036'
down_revision = '0035'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('company') as batch:
        batch.add_column(sa.Column('active_until', sa.Date(), nullable=True))
    op.create_table(
        'company_absence',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('company_id', sa.Integer(), nullable=False),
        sa.Column('first_day', sa.Date(), nullable=False),
        sa.Column('last_day', sa.Date(), nullable=False),
        sa.Column('created_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
        sa.CheckConstraint('first_day <= last_day', name=op.f('ck_company_absence_days_in_order')),
        sa.ForeignKeyConstraint(['company_id'], ['company.id'],
                                name=op.f('fk_company_absence_company_id_company'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_company_absence')),
    )
    op.create_index('ix_company_absence_company_day', 'company_absence', ['company_id', 'first_day', 'last_day'])


def downgrade():
    op.drop_index('ix_company_absence_company_day', table_name='company_absence')
    op.drop_table('company_absence')
    with op.batch_alter_table('company') as batch:
        batch.drop_column('active_until')
