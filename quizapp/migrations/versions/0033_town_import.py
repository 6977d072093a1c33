"""town imports: one table keeps every town upload between preview and confirmation

Revision ID: 0033
Revises: 0032

- town_import: what register_import was (0028), for every kind of file a town's staff upload and
  confirm later: `kind` (register, incidents, outreach) and `town_id` (the uploader's town) added.
  The incident and outreach imports keep their checked rows here instead of carrying them through
  the browser in a signed token; a confirmation names the kept import by id
  (quizapp/previews/service.py).
- register_import's rows are copied over with their ids (the preview pages' addresses stay), as
  kind "register" in the uploader's town, then the table is dropped.
- outreach_import (0021) is dropped: its receipts told a confirmed token from a new one, and a kept
  import now says itself that it was applied. Tokens still in a browser stop working (a preview
  lasted 2 hours): the officer uploads the file again.

The vocabularies are written out here as they are in quizapp/rules/vocab.py today
(tests/app/test_vocabulary.py checks they still match).
"""
import sqlalchemy as sa
from alembic import op

revision = '0033'
down_revision = '0032'
branch_labels = None
depends_on = None

# (table, column) -> the values allowed, as of this revision.
CHECKS = {("town_import", "kind"): ("register", "incidents", "outreach"),
          ("town_import", "status"): ("preview", "applied", "cancelled")}
# The tables this revision drops (their vocabularies are no longer checked).
DROPS = ("register_import", "outreach_import")

COLUMNS = "id, created_by, created_at, filename, rows, errors, status, applied_at"


def _check(table: str, column: str, values) -> sa.CheckConstraint:
    return sa.CheckConstraint(f"{column} IN ({', '.join(repr(v) for v in values)})",
                              name=op.f(f'ck_{table}_{column}'))


def _next_id(table: str) -> None:
    """After rows were copied with their ids, PostgreSQL's sequence must go on past them."""
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                   f"COALESCE((SELECT max(id) FROM {table}), 0) + 1, false)")


def upgrade():
    op.create_table(
        'town_import',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=10), nullable=False),
        sa.Column('town_id', sa.Integer(), nullable=False),
        sa.Column('created_by', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
        sa.Column('filename', sa.String(length=255), nullable=False),
        sa.Column('rows', sa.JSON(), nullable=False),
        sa.Column('errors', sa.JSON(), nullable=False),
        sa.Column('status', sa.String(length=10), nullable=False),
        sa.Column('applied_at', sa.DateTime(), nullable=True),
        _check('town_import', 'kind', CHECKS[("town_import", "kind")]),
        _check('town_import', 'status', CHECKS[("town_import", "status")]),
        sa.ForeignKeyConstraint(['created_by'], ['staff_user.id'],
                                name=op.f('fk_town_import_created_by_staff_user')),
        sa.ForeignKeyConstraint(['town_id'], ['town.id'], name=op.f('fk_town_import_town_id_town')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_town_import')),
    )
    op.create_index(op.f('ix_town_import_created_by'), 'town_import', ['created_by'], unique=False)
    op.create_index(op.f('ix_town_import_town_id'), 'town_import', ['town_id'], unique=False)
    # Only the town admin uploads a register file, and every town admin has a town (0031's CHECK).
    op.execute(f"INSERT INTO town_import (kind, town_id, {COLUMNS}) "
               f"SELECT 'register', staff_user.town_id, "
               f"{', '.join('register_import.' + c.strip() for c in COLUMNS.split(','))} "
               f"FROM register_import JOIN staff_user ON staff_user.id = register_import.created_by "
               f"WHERE staff_user.town_id IS NOT NULL")
    _next_id('town_import')
    op.drop_index(op.f('ix_register_import_created_by'), table_name='register_import')
    op.drop_table('register_import')
    op.drop_table('outreach_import')


def downgrade():
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
        _check('register_import', 'status', CHECKS[("town_import", "status")]),
        sa.ForeignKeyConstraint(['created_by'], ['staff_user.id'],
                                name=op.f('fk_register_import_created_by_staff_user')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_register_import')),
    )
    op.create_index(op.f('ix_register_import_created_by'), 'register_import', ['created_by'], unique=False)
    # The register's imports go back; the incident and outreach previews kept here are dropped.
    op.execute(f"INSERT INTO register_import ({COLUMNS}) SELECT {COLUMNS} FROM town_import "
               f"WHERE kind = 'register'")
    _next_id('register_import')
    op.drop_index(op.f('ix_town_import_town_id'), table_name='town_import')
    op.drop_index(op.f('ix_town_import_created_by'), table_name='town_import')
    op.drop_table('town_import')
