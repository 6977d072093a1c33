"""a covering index on the daily rollup for the reports

Revision ID: 0004
Revises: 0003
"""
from alembic import op

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None

COLUMNS = ["company_id", "day", "workday", "headcount", "completed", "common_correct", "common_answered"]


def upgrade():
    op.create_index("ix_company_day_figures", "company_day", COLUMNS)


def downgrade():
    op.drop_index("ix_company_day_figures", table_name="company_day")
