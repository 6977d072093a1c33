"""delivery.once_key: a digest or reminder is recorded once, held by the database

Revision ID: 0025
Revises: 0024

- delivery.once_key (unique, NULL allowed): a digest's date, account and channel, or a
  reminder's shift, date and company (digest.rules.once_key, reminders.rules.once_key). Runs of
  `quizapp digest` / `remind` on several servers can no longer record the same message twice.
- Existing digests and reminders get theirs from the key in their payload. Should two rows
  already share one (a race of the old code), the sent one keeps it (else the first), the others
  stay without one, as a record of what happened.
"""
import sqlalchemy as sa
from alembic import op

revision = '0025'
down_revision = '0024'
branch_labels = None
depends_on = None


def _once_key(kind, company_id, staff_user_id, channel, key):
    # As digest.rules.once_key and reminders.rules.once_key wrote them at this revision.
    if kind == "digest":
        return f"{key}/staff {staff_user_id}/{channel}"
    return f"reminder:{key}/company {company_id}"


def upgrade():
    with op.batch_alter_table('delivery', schema=None) as batch_op:
        batch_op.add_column(sa.Column('once_key', sa.String(length=200), nullable=True))
    delivery = sa.table('delivery', sa.column('id', sa.Integer), sa.column('kind', sa.String),
                        sa.column('company_id', sa.Integer), sa.column('staff_user_id', sa.Integer),
                        sa.column('channel', sa.String), sa.column('status', sa.String),
                        sa.column('payload', sa.JSON), sa.column('once_key', sa.String))
    bind = op.get_bind()
    rows = bind.execute(sa.select(delivery.c.id, delivery.c.kind, delivery.c.company_id, delivery.c.staff_user_id,
                                  delivery.c.channel, delivery.c.status, delivery.c.payload)
                        .where(delivery.c.kind.in_(("digest", "reminder"))).order_by(delivery.c.id)).all()
    chosen: dict[str, tuple[int, str]] = {}
    for row in rows:
        key = (row.payload or {}).get("key")
        if not key:
            continue
        once = _once_key(row.kind, row.company_id, row.staff_user_id, row.channel, key)
        if once not in chosen or (row.status == "sent" and chosen[once][1] != "sent"):
            chosen[once] = (row.id, row.status)
    for once, (row_id, _status) in chosen.items():
        bind.execute(delivery.update().where(delivery.c.id == row_id).values(once_key=once))
    op.create_index('uq_delivery_once_key', 'delivery', ['once_key'], unique=True)


def downgrade():
    op.drop_index('uq_delivery_once_key', table_name='delivery')
    with op.batch_alter_table('delivery', schema=None) as batch_op:
        batch_op.drop_column('once_key')
