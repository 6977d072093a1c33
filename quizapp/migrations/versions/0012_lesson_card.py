"""lesson card: a topic carries its icon, red flags and the rule to remember (bank/rules/checker.py)

Revision ID: 0012
Revises: 0007
Create Date: 2026-12-05 18:50:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0012'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('topic', schema=None) as batch_op:
        batch_op.add_column(sa.Column('card', sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table('topic', schema=None) as batch_op:
        batch_op.drop_column('card')
