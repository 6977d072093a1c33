"""company.grid_id indexed: every officer's and town's scope finds its companies by grid

Revision ID: 0030
Revises: 0029

- ix_company_grid_id: the scope of every report (companies of the officer's grids, of a town's
  grids) is `company.grid_id IN (...)`. Without an index PostgreSQL read all 90,016 companies of
  the synthetic city for each of a dashboard's ~20 statements (bench/city.py, docs/scale.md).
"""
from alembic import op

revision = '0030'
down_revision = '0029'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index('ix_company_grid_id', 'company', ['grid_id'], unique=False)


def downgrade():
    op.drop_index('ix_company_grid_id', table_name='company')
