"""incident key: one record per grid, company (or whole grid), month and fraud type, held by the database

Revision ID: 0034
Revises: 0033

The app has always refused a second record of one key (incidents.service.save_incident, and the
import's preview and confirmation read the stored records first), but two confirmations of two
different files, or a form and a file, at the same moment could both insert. A unique index on
(grid_id, coalesce(company_id, 0), month, fraud_type) makes the second fail (a whole-grid record
has no company: 0 stands for it, as no company has id 0).

If the database already holds two records of one key, the upgrade stops and names them: an
officer merges them on the incidents page (keep one, with the right figures; delete the other),
then the upgrade is run again. Nothing is merged or deleted here, unseen.
"""
import sqlalchemy as sa
from alembic import op

revision = '0034'
down_revision = '0033'
branch_labels = None
depends_on = None

KEY = "grid_id, coalesce(company_id, 0), month, fraud_type"


def upgrade():
    twins = op.get_bind().execute(sa.text(
        f"SELECT {KEY}, count(*) FROM incident GROUP BY {KEY} HAVING count(*) > 1 "
        "ORDER BY 1, 3, 4")).all()
    if twins:
        listed = "; ".join(f"grid id {g}, company id {c or '(whole grid)'}, month {m}, "
                           f"fraud type {t}: {n} records" for g, c, m, t, n in twins[:20])
        raise RuntimeError(
            f"incident: {len(twins)} keys have more than one record ({listed}). Merge each into one record on the "
            "incidents page (keep the right figures, delete the others), then run `quizapp db upgrade` again.")
    op.create_index("uq_incident_key", "incident",
                    ["grid_id", sa.text("coalesce(company_id, 0)"), "month", "fraud_type"], unique=True)


def downgrade():
    op.drop_index("uq_incident_key", table_name="incident")
