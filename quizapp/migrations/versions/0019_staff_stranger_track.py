"""staff stranger track: wrong passwords from a browser that never signed in to the account are
counted apart, so a stranger cannot lock a staff account (the admin's included)

Revision ID: 0019
Revises: 0018

staff_user.stranger_failures / stranger_until: as employee's (0014): other browsers' wrong
passwords make other browsers wait (signin.rules), while failed_logins / locked_until count those
from the account's own browsers (its staff device cookie).
"""
import sqlalchemy as sa
from alembic import op

revision = '0019'
down_revision = '0018'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('staff_user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('stranger_failures', sa.Integer(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('stranger_until', sa.DateTime(), nullable=True))


def downgrade():
    with op.batch_alter_table('staff_user', schema=None) as batch_op:
        batch_op.drop_column('stranger_until')
        batch_op.drop_column('stranger_failures')
