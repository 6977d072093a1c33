"""outreach import receipts: a confirmed import's nonce, so a preview's token imports once

Revision ID: 0021
Revises: 0020

- outreach_import: one row per confirmed outreach import, written in the same transaction as its
  rows; `nonce` (the random value the preview's signed token carries) is unique, so a second
  confirmation of the same token, one after the other or at the same moment, writes nothing.
  Imports confirmed before this revision have no receipt (their tokens have expired: 2 hours).
"""
import sqlalchemy as sa
from alembic import op

revision = '0021'
down_revision = '0020'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'outreach_import',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('nonce', sa.String(length=32), nullable=False),
        sa.Column('created_by', sa.Integer(), nullable=True),
        sa.Column('rows', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
        sa.ForeignKeyConstraint(['created_by'], ['staff_user.id'],
                                name=op.f('fk_outreach_import_created_by_staff_user')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_outreach_import')),
        sa.UniqueConstraint('nonce', name=op.f('uq_outreach_import_nonce')),
    )


def downgrade():
    op.drop_table('outreach_import')
