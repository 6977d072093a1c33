"""per-topic daily rollup: the weakest topics over 90 days read it instead of raw answers

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-24 22:17:30.486025

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('company_topic_day',
    sa.Column('company_id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('topic_id', sa.Integer(), nullable=False),
    sa.Column('answered', sa.Integer(), nullable=False),
    sa.Column('correct', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['company_id'], ['company.id'], name=op.f('fk_company_topic_day_company_id_company')),
    sa.ForeignKeyConstraint(['topic_id'], ['topic.id'], name=op.f('fk_company_topic_day_topic_id_topic')),
    sa.PrimaryKeyConstraint('company_id', 'day', 'topic_id', name=op.f('pk_company_topic_day'))
    )
    with op.batch_alter_table('company_day', schema=None) as batch_op:
        batch_op.add_column(sa.Column('topics_built', sa.Boolean(), server_default=sa.false(), nullable=False))



def downgrade():
    with op.batch_alter_table('company_day', schema=None) as batch_op:
        batch_op.drop_column('topics_built')

    op.drop_table('company_topic_day')
