"""admin, API tokens, digests: grids can be deactivated, officers get digest addresses,
API tokens and their audit rows, digest deliveries name their officer

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-24 22:11:10.784925

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('api_token',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('hint', sa.String(length=12), nullable=False),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('last_used_at', sa.DateTime(), nullable=True),
    sa.Column('revoked_at', sa.DateTime(), nullable=True),
    sa.Column('revoked_by', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['created_by'], ['staff_user.id'], name=op.f('fk_api_token_created_by_staff_user')),
    sa.ForeignKeyConstraint(['revoked_by'], ['staff_user.id'], name=op.f('fk_api_token_revoked_by_staff_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_api_token')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_api_token_token_hash'))
    )
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.add_column(sa.Column('token_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_audit_log_token_id'), ['token_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_audit_log_token_id_api_token'), 'api_token', ['token_id'], ['id'])

    with op.batch_alter_table('delivery', schema=None) as batch_op:
        batch_op.add_column(sa.Column('staff_user_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_delivery_staff_user_id'), ['staff_user_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_delivery_staff_user_id_staff_user'), 'staff_user', ['staff_user_id'], ['id'])

    with op.batch_alter_table('grid', schema=None) as batch_op:
        batch_op.add_column(sa.Column('active', sa.Boolean(), nullable=False, server_default=sa.true()))

    with op.batch_alter_table('staff_user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('email', sa.String(length=254), nullable=True))
        batch_op.add_column(sa.Column('webhook_url', sa.String(length=500), nullable=True))



def downgrade():
    with op.batch_alter_table('staff_user', schema=None) as batch_op:
        batch_op.drop_column('webhook_url')
        batch_op.drop_column('email')

    with op.batch_alter_table('grid', schema=None) as batch_op:
        batch_op.drop_column('active')

    with op.batch_alter_table('delivery', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_delivery_staff_user_id_staff_user'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_delivery_staff_user_id'))
        batch_op.drop_column('staff_user_id')

    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_audit_log_token_id_api_token'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_audit_log_token_id'))
        batch_op.drop_column('token_id')

    op.drop_table('api_token')
