"""supervision that can be checked: a case's owner and deadline, a 约谈's summoned person and
place, and each case's history

Revision ID: 0018
Revises: 0017

- supervision_case.owner_id, deadline: who answers for the case and by when (none for the cases
  already there: they show as unassigned).
- follow_up.summoned_name, summoned_role, place: who the company sent to a 约谈 and where.
- case_event: one row per step of a case (opened, assigned, follow-up added, closed, reopened),
  who and when; its kind is CHECKed like the vocabularies of 0007. The cases already there get
  their "opened" (and "closed") steps from what they hold, with no actor for an opening.
"""
import sqlalchemy as sa
from alembic import op

revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None

# (table, column) -> the values allowed, as of this revision (tests/app/test_vocabulary.py).
CHECKS = {
    ("case_event", "kind"): ("opened", "assigned", "follow_up", "closed", "reopened"),
}


def upgrade():
    with op.batch_alter_table('supervision_case', schema=None) as batch_op:
        batch_op.add_column(sa.Column('owner_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('deadline', sa.Date(), nullable=True))
        batch_op.create_index(batch_op.f('ix_supervision_case_owner_id'), ['owner_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_supervision_case_owner_id_staff_user'), 'staff_user',
                                    ['owner_id'], ['id'])
    with op.batch_alter_table('follow_up', schema=None) as batch_op:
        batch_op.add_column(sa.Column('summoned_name', sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column('summoned_role', sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column('place', sa.String(length=200), nullable=True))
    kinds = CHECKS[("case_event", "kind")]
    op.create_table(
        'case_event',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('case_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=20), nullable=False),
        sa.Column('actor_id', sa.Integer(), nullable=True),
        sa.Column('at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
        sa.Column('detail', sa.String(length=500), nullable=False),
        sa.CheckConstraint(f"kind IN ({', '.join(repr(k) for k in kinds)})", name=op.f('ck_case_event_kind')),
        sa.ForeignKeyConstraint(['actor_id'], ['staff_user.id'], name=op.f('fk_case_event_actor_id_staff_user')),
        sa.ForeignKeyConstraint(['case_id'], ['supervision_case.id'],
                                name=op.f('fk_case_event_case_id_supervision_case')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_case_event')),
    )
    with op.batch_alter_table('case_event', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_event_case_id'), ['case_id'], unique=False)
    # The history of the cases already there, from what they hold (midnight of the day: no time was kept).
    op.execute("INSERT INTO case_event (case_id, kind, actor_id, at, detail) "
               "SELECT id, 'opened', NULL, opened_on, '' FROM supervision_case")
    op.execute("INSERT INTO case_event (case_id, kind, actor_id, at, detail) "
               "SELECT id, 'closed', closed_by, closed_on, '' FROM supervision_case "
               "WHERE status = 'closed' AND closed_on IS NOT NULL")


def downgrade():
    with op.batch_alter_table('case_event', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_case_event_case_id'))
    op.drop_table('case_event')
    with op.batch_alter_table('follow_up', schema=None) as batch_op:
        batch_op.drop_column('place')
        batch_op.drop_column('summoned_role')
        batch_op.drop_column('summoned_name')
    with op.batch_alter_table('supervision_case', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_supervision_case_owner_id_staff_user'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_supervision_case_owner_id'))
        batch_op.drop_column('deadline')
        batch_op.drop_column('owner_id')
