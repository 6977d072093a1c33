"""worker sign-in: one-time set-up codes, a second failure track for other phones, and a count on
audit rows that stand for several like events

Revision ID: 0014
Revises: 0013

employee.setup_code_hash / setup_code_expires: the hash of the one-time code staff hand a worker
for their first PIN or a PIN after a reset (the code itself is shown once and never stored).
employee.stranger_failures / stranger_until: wrong PINs and codes from phones that have never
signed in as this worker, counted apart from the worker's own phone (pin_failures, locked_until),
so a colleague's guesses only slow down other phones (signin.rules).
audit_log.times: how many events one row stands for (failed sign-ins are written once per worker
and address per ten minutes, with their count).
"""
import sqlalchemy as sa
from alembic import op

revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('employee', schema=None) as batch_op:
        batch_op.add_column(sa.Column('setup_code_hash', sa.String(length=255), nullable=True))
        batch_op.add_column(sa.Column('setup_code_expires', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('stranger_failures', sa.Integer(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('stranger_until', sa.DateTime(), nullable=True))
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.add_column(sa.Column('times', sa.Integer(), nullable=False, server_default='1'))


def downgrade():
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.drop_column('times')
    with op.batch_alter_table('employee', schema=None) as batch_op:
        batch_op.drop_column('stranger_until')
        batch_op.drop_column('stranger_failures')
        batch_op.drop_column('setup_code_expires')
        batch_op.drop_column('setup_code_hash')
