"""outreach ledger: one row per outreach activity (五进五宣, a stall, a pre-shift talk) with the
people it reached and an optional photo's file name

Revision ID: 0015
Revises: 0014

The kinds are written out here as they are in quizapp/rules/vocab.py (OutreachKind) today: a
migration must mean the same thing whenever it runs (tests/app/test_vocabulary.py checks they
still match). The people reached are held to 0..100,000 by a CHECK as well.
"""
import sqlalchemy as sa
from alembic import op

revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None

# (table, column) -> the values allowed, as of this revision.
CHECKS = {
    ("outreach_activity", "kind"): ("company_talk", "community", "school", "market", "family", "stall",
                                    "door_to_door", "preshift"),
}
PEOPLE = "people >= 0 AND people <= 100000"


def upgrade():
    kinds = CHECKS[("outreach_activity", "kind")]
    op.create_table(
        'outreach_activity',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('grid_id', sa.Integer(), nullable=False),
        sa.Column('company_id', sa.Integer(), nullable=True),
        sa.Column('day', sa.Date(), nullable=False),
        sa.Column('kind', sa.String(length=20), nullable=False),
        sa.Column('place', sa.String(length=100), nullable=False),
        sa.Column('speaker', sa.String(length=60), nullable=False),
        sa.Column('people', sa.Integer(), nullable=False),
        sa.Column('note', sa.String(length=300), nullable=False),
        sa.Column('photo', sa.String(length=64), nullable=True),
        sa.Column('created_by', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
        sa.Column('updated_at', sa.DateTime(), nullable=True),
        sa.CheckConstraint(f"kind IN ({', '.join(repr(k) for k in kinds)})", name=op.f('ck_outreach_activity_kind')),
        sa.CheckConstraint(PEOPLE, name=op.f('ck_outreach_activity_people')),
        sa.ForeignKeyConstraint(['company_id'], ['company.id'], name=op.f('fk_outreach_activity_company_id_company')),
        sa.ForeignKeyConstraint(['created_by'], ['staff_user.id'],
                                name=op.f('fk_outreach_activity_created_by_staff_user')),
        sa.ForeignKeyConstraint(['grid_id'], ['grid.id'], name=op.f('fk_outreach_activity_grid_id_grid')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_outreach_activity')),
    )
    op.create_index('ix_outreach_activity_grid_day', 'outreach_activity', ['grid_id', 'day'])
    op.create_index(op.f('ix_outreach_activity_company_id'), 'outreach_activity', ['company_id'])


def downgrade():
    op.drop_index(op.f('ix_outreach_activity_company_id'), table_name='outreach_activity')
    op.drop_index('ix_outreach_activity_grid_day', table_name='outreach_activity')
    op.drop_table('outreach_activity')
