"""session generation: sessions that end when they should, one-time staff passwords, and the
failed staff sign-ins counted per window

Revision ID: 0013
Revises: 0012

- employee.session_generation, staff_user.session_generation: raised to end every session and
  remember-me cookie of the account (sign-out, new PIN or password, deactivation, reactivation,
  "sign out everywhere"); sessions signed in before this revision carry none and end at once.
- staff_user.must_change_password: a password the town admin handed over must be replaced at the
  first sign-in. Existing accounts keep theirs (false).
- staff_user.created_by / created_at / password_reset_by / password_reset_at / last_signed_in_at:
  what company staff see about their company's accounts. Unknown (NULL) for existing accounts.
- signin_failure: failed staff sign-ins per account, address and window, each with its audit row.
"""
import sqlalchemy as sa
from alembic import op

revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('employee', schema=None) as batch_op:
        batch_op.add_column(sa.Column('session_generation', sa.Integer(), server_default='0', nullable=False))
    with op.batch_alter_table('staff_user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('session_generation', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('must_change_password', sa.Boolean(), server_default=sa.false(),
                                      nullable=False))
        batch_op.add_column(sa.Column('created_by', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('created_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('password_reset_by', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('password_reset_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('last_signed_in_at', sa.DateTime(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_staff_user_created_by_staff_user'), 'staff_user',
                                    ['created_by'], ['id'])
        batch_op.create_foreign_key(batch_op.f('fk_staff_user_password_reset_by_staff_user'), 'staff_user',
                                    ['password_reset_by'], ['id'])
    op.create_table(
        'signin_failure',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('username', sa.String(length=64), nullable=False),
        sa.Column('address', sa.String(length=64), nullable=False),
        sa.Column('window_start', sa.DateTime(), nullable=False),
        sa.Column('failures', sa.Integer(), nullable=False),
        sa.Column('audit_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['audit_id'], ['audit_log.id'], name=op.f('fk_signin_failure_audit_id_audit_log')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_signin_failure')),
        sa.UniqueConstraint('username', 'address', 'window_start', name=op.f('uq_signin_failure_username')),
    )


def downgrade():
    op.drop_table('signin_failure')
    with op.batch_alter_table('staff_user', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_staff_user_password_reset_by_staff_user'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_staff_user_created_by_staff_user'), type_='foreignkey')
        for column in ('last_signed_in_at', 'password_reset_at', 'password_reset_by', 'created_at',
                       'created_by', 'must_change_password', 'session_generation'):
            batch_op.drop_column(column)
    with op.batch_alter_table('employee', schema=None) as batch_op:
        batch_op.drop_column('session_generation')
