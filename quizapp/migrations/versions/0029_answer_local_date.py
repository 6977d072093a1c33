"""answer.local_date: the attempt's local date on each answer, the key of the month partitions

Revision ID: 0029
Revises: 0028

- answer.local_date (NOT NULL): copied from the answer's attempt, as the quiz writes it from now
  on. It is what `quizapp partitions convert` partitions the table by on PostgreSQL (by month), so
  reads and retention of a date range touch only those months. Nothing else changes here: the
  table stays a plain table until an operator converts it (docs/scale.md).
"""
import sqlalchemy as sa
from alembic import op

revision = '0029'
down_revision = '0028'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('answer', schema=None) as batch_op:
        batch_op.add_column(sa.Column('local_date', sa.Date(), nullable=True))
    op.execute("UPDATE answer SET local_date = (SELECT attempt.local_date FROM attempt WHERE attempt.id = answer.attempt_id)")
    with op.batch_alter_table('answer', schema=None) as batch_op:
        batch_op.alter_column('local_date', existing_type=sa.Date(), nullable=False)


def downgrade():
    with op.batch_alter_table('answer', schema=None) as batch_op:
        batch_op.drop_column('local_date')
