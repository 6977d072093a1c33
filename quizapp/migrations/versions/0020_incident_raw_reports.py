"""incident raw reports: a record keeps the raw reports (原始警情) beside the confirmed cases
(确认警情) and the losses, the town's three figures

Revision ID: 0020
Revises: 0019

Records already there have no raw count: 0, and the incidents page says raw reports are counted
from the records that carry them.
"""
import sqlalchemy as sa
from alembic import op

revision = '0020'
down_revision = '0019'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('incident', schema=None) as batch_op:
        batch_op.add_column(sa.Column('raw_reports', sa.Integer(), server_default='0', nullable=False))


def downgrade():
    with op.batch_alter_table('incident', schema=None) as batch_op:
        batch_op.drop_column('raw_reports')
