"""workers' reports of scams (我遇到过类似的骗局): leads and their reports

Revision ID: 0026
Revises: 0025

- lead: a suspicious call, SMS, chat or app reported by workers of a grid, anonymous: the grid,
  the company only when it is not small (leads.rules.is_small), the channel, what it asked
  for, the text, the number or link as given, whether money was lost, how many reports, the inbox
  status, who handled it and the draft alert made from it (0024's alert). One lead per grid and normalised text (a unique constraint).
- lead_report: one row per report (the day, money lost, and a keyed hash of the worker and the day
  that is erased once the day is over): the daily limit and the counts. No worker id anywhere.

The vocabularies are written out here as they are in quizapp/rules/vocab.py today
(tests/app/test_vocabulary.py checks they still match).
"""
import sqlalchemy as sa
from alembic import op

revision = '0026'
down_revision = '0025'
branch_labels = None
depends_on = None

# (table, column) -> the values allowed, as of this revision.
CHECKS = {
    ("lead", "channel"): ("call", "sms", "chat", "app", "other"),
    ("lead", "asked_for"): ("money", "code", "personal", "install", "other"),
    ("lead", "status"): ("new", "reviewed", "alerted", "dismissed"),
}


def _check(column: str):
    values = CHECKS[("lead", column)]
    return sa.CheckConstraint(f"{column} IN ({', '.join(repr(v) for v in values)})", name=op.f(f'ck_lead_{column}'))


def upgrade():
    op.create_table(
        'lead',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('grid_id', sa.Integer(), nullable=False),
        sa.Column('company_id', sa.Integer(), nullable=True),
        sa.Column('channel', sa.String(length=10), nullable=False),
        sa.Column('asked_for', sa.String(length=10), nullable=False),
        sa.Column('text', sa.String(length=400), nullable=False),
        sa.Column('text_key', sa.String(length=64), nullable=False),
        sa.Column('contact', sa.String(length=200), nullable=True),
        sa.Column('money_lost', sa.Boolean(), nullable=False),
        sa.Column('reports', sa.Integer(), nullable=False),
        sa.Column('first_reported_on', sa.Date(), nullable=False),
        sa.Column('last_reported_on', sa.Date(), nullable=False),
        sa.Column('status', sa.String(length=10), nullable=False),
        sa.Column('handled_by', sa.Integer(), nullable=True),
        sa.Column('handled_on', sa.Date(), nullable=True),
        sa.Column('note', sa.String(length=300), nullable=False),
        sa.Column('alert_id', sa.Integer(), nullable=True),
        _check('channel'), _check('asked_for'), _check('status'),
        sa.ForeignKeyConstraint(['grid_id'], ['grid.id'], name=op.f('fk_lead_grid_id_grid')),
        sa.ForeignKeyConstraint(['company_id'], ['company.id'], name=op.f('fk_lead_company_id_company')),
        sa.ForeignKeyConstraint(['handled_by'], ['staff_user.id'], name=op.f('fk_lead_handled_by_staff_user')),
        sa.ForeignKeyConstraint(['alert_id'], ['alert.id'], name=op.f('fk_lead_alert_id_alert')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_lead')),
        sa.UniqueConstraint('grid_id', 'text_key', name='uq_lead_grid_text'),
    )
    op.create_index('ix_lead_grid_status', 'lead', ['grid_id', 'status'])
    op.create_index(op.f('ix_lead_last_reported_on'), 'lead', ['last_reported_on'])
    op.create_table(
        'lead_report',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('lead_id', sa.Integer(), nullable=False),
        sa.Column('reported_on', sa.Date(), nullable=False),
        sa.Column('reporter_key', sa.String(length=64), nullable=True),
        sa.Column('money_lost', sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(['lead_id'], ['lead.id'], name=op.f('fk_lead_report_lead_id_lead'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_lead_report')),
    )
    op.create_index(op.f('ix_lead_report_lead_id'), 'lead_report', ['lead_id'])
    op.create_index(op.f('ix_lead_report_reported_on'), 'lead_report', ['reported_on'])
    op.create_index(op.f('ix_lead_report_reporter_key'), 'lead_report', ['reporter_key'])


def downgrade():
    op.drop_table('lead_report')
    op.drop_index('ix_lead_grid_status', table_name='lead')
    op.drop_index(op.f('ix_lead_last_reported_on'), table_name='lead')
    op.drop_table('lead')
