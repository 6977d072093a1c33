"""register imports: the town admin's file of grids and companies, kept between preview and apply

Revision ID: 0028
Revises: 0027

- register_import: one row per uploaded register file: who uploaded it, the file's name, its rows
  as read and checked, the problems found at row and column, and whether it is waiting for
  confirmation, applied or cancelled. Only the admin who uploaded it may apply it
  (quizapp/register/service.py).

The vocabulary is written out here as it is in quizapp/rules/vocab.py today
(tests/app/test_vocabulary.py checks it still matches).
"""
import sqlalchemy as sa
from alembic import op

revision = '0028'
down_revision = '0027'
branch_labels = None
depends_on = None

# (table, column) -> the values allowed, as of this revision.
CHECKS = {("register_import", "status"): ("preview", "applied", "cancelled")}


def upgrade():
    values = CHECKS[("register_import", "status")]
    op.create_table(
        'register_import',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('created_by', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
        sa.Column('filename', sa.String(length=255), nullable=False),
        sa.Column('rows', sa.JSON(), nullable=False),
        sa.Column('errors', sa.JSON(), nullable=False),
        sa.Column('status', sa.String(length=10), nullable=False),
        sa.Column('applied_at', sa.DateTime(), nullable=True),
        sa.CheckConstraint(f"status IN ({', '.join(repr(v) for v in values)})",
                           name=op.f('ck_register_import_status')),
        sa.ForeignKeyConstraint(['created_by'], ['staff_user.id'],
                                name=op.f('fk_register_import_created_by_staff_user')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_register_import')),
    )
    op.create_index(op.f('ix_register_import_created_by'), 'register_import', ['created_by'], unique=False)


def downgrade():
    op.drop_index(op.f('ix_register_import_created_by'), table_name='register_import')
    op.drop_table('register_import')
