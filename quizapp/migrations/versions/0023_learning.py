"""learning: probe items

Revision ID: 0023
Revises: 0022

- question.probe: the item belongs to the before/after probe that measures learning
  (docs/selection.md): never taught, asked once per worker in a counterbalanced order. Existing
  questions are not probes (false) until `quizapp bank load` reads `probe: yes` in the bank.
"""
import sqlalchemy as sa
from alembic import op

revision = '0023'
down_revision = '0022'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('question', schema=None) as batch_op:
        batch_op.add_column(sa.Column('probe', sa.Boolean(), server_default=sa.false(), nullable=False))


def downgrade():
    with op.batch_alter_table('question', schema=None) as batch_op:
        batch_op.drop_column('probe')
