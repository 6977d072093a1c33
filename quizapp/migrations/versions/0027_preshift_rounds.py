"""preshift rounds: the live round of the day's common questions on a company's pre-shift screen

Revision ID: 0027
Revises: 0026

- preshift_round: one row per round a staff member starts on the pre-shift screen (for a shift or
  a team; "" means all), with the day's common question ids, the question on screen and whether
  its answer is shown. The answers it shows are the normal quiz's; nothing else is stored.
  A partial unique index keeps one open round per company, day, shift and team.
"""
import sqlalchemy as sa
from alembic import op

revision = '0027'
down_revision = '0026'
branch_labels = None
depends_on = None

OPEN_ROUND = "ended_at IS NULL"


def upgrade():
    op.create_table(
        'preshift_round',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('company_id', sa.Integer(), nullable=False),
        sa.Column('local_date', sa.Date(), nullable=False),
        sa.Column('shift', sa.String(length=32), nullable=False),
        sa.Column('team', sa.String(length=64), nullable=False),
        sa.Column('question_ids', sa.JSON(), nullable=False),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.Column('revealed', sa.Boolean(), nullable=False),
        sa.Column('started_by', sa.Integer(), nullable=True),
        sa.Column('started_at', sa.DateTime(), nullable=False),
        sa.Column('ended_at', sa.DateTime(), nullable=True),
        sa.CheckConstraint('position >= 1', name=op.f('ck_preshift_round_position')),
        sa.ForeignKeyConstraint(['company_id'], ['company.id'], name=op.f('fk_preshift_round_company_id_company')),
        sa.ForeignKeyConstraint(['started_by'], ['staff_user.id'],
                                name=op.f('fk_preshift_round_started_by_staff_user')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_preshift_round')),
    )
    op.create_index(op.f('ix_preshift_round_company_id'), 'preshift_round', ['company_id'], unique=False)
    op.create_index('uq_preshift_round_one_open', 'preshift_round', ['company_id', 'local_date', 'shift', 'team'],
                    unique=True, postgresql_where=sa.text(OPEN_ROUND), sqlite_where=sa.text(OPEN_ROUND))


def downgrade():
    op.drop_index('uq_preshift_round_one_open', table_name='preshift_round')
    op.drop_index(op.f('ix_preshift_round_company_id'), table_name='preshift_round')
    op.drop_table('preshift_round')
