"""town_day: each town's company-days of a past date added up, for the city's comparison page

Revision ID: 0032
Revises: 0031

- town_day (town_id, day): companies (company rows that day), headcount, expected (headcount on
  the companies' workdays), done (completed on workdays, each company capped at its headcount),
  common_correct, common_answered: the sums of the town's company_day rows, so the city page reads
  a row per town and day instead of one per company (32.8 million company-days in the synthetic
  city).
- Backfilled from company_day by one INSERT ... SELECT GROUP BY grid.town_id, day, for every day
  before the town's local today (today's figures are read live; the nightly `quizapp rollup`
  writes each day from then on: quizapp/rollups/towns.py).
"""
from datetime import datetime
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from alembic import op
from flask import current_app, has_app_context

revision = '0032'
down_revision = '0031'
branch_labels = None
depends_on = None

BACKFILL = """
INSERT INTO town_day (town_id, day, companies, headcount, expected, done, common_correct, common_answered)
SELECT grid.town_id, company_day.day, count(*), sum(company_day.headcount),
       sum(CASE WHEN company_day.workday THEN company_day.headcount ELSE 0 END),
       sum(CASE WHEN company_day.workday THEN
             CASE WHEN company_day.completed > company_day.headcount THEN company_day.headcount
                  ELSE company_day.completed END
           ELSE 0 END),
       sum(company_day.common_correct), sum(company_day.common_answered)
FROM company_day
JOIN company ON company.id = company_day.company_id
JOIN grid ON grid.id = company.grid_id
WHERE company_day.day < :today
GROUP BY grid.town_id, company_day.day
"""


def _local_today():
    zone = current_app.config.get("QUIZAPP_TIMEZONE", "Asia/Shanghai") if has_app_context() else "Asia/Shanghai"
    return datetime.now(ZoneInfo(zone)).date()


def upgrade():
    op.create_table(
        'town_day',
        sa.Column('town_id', sa.Integer(), nullable=False),
        sa.Column('day', sa.Date(), nullable=False),
        sa.Column('companies', sa.Integer(), nullable=False),
        sa.Column('headcount', sa.Integer(), nullable=False),
        sa.Column('expected', sa.Integer(), nullable=False),
        sa.Column('done', sa.Integer(), nullable=False),
        sa.Column('common_correct', sa.Integer(), nullable=False),
        sa.Column('common_answered', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['town_id'], ['town.id'], name=op.f('fk_town_day_town_id_town')),
        sa.PrimaryKeyConstraint('town_id', 'day', name=op.f('pk_town_day')),
    )
    op.get_bind().execute(sa.text(BACKFILL), {"today": _local_today()})


def downgrade():
    op.drop_table('town_day')
