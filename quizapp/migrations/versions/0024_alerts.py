"""alerts: 本周警情, the alerts officers draft and the town admin publishes

Revision ID: 0024
Revises: 0023

- alert: one alert (title, fraud type, the scene, the lesson, one to three questions, expiry,
  who drafted, last edited, published and withdrew it); its status is CHECKed like the
  vocabularies of 0007.
- alert_grid: the grids an alert targets.
- question.alert_id: a question written for an alert (never active: never in the bank's rotation).
- answer.alert_id: a worker's answer to an alert's question (never scored, never a try at a bank
  item: docs/metrics.md). Existing rows have none.
"""
import sqlalchemy as sa
from alembic import op

revision = '0024'
down_revision = '0023'
branch_labels = None
depends_on = None

# (table, column) -> the values allowed, as of this revision (tests/app/test_vocabulary.py).
CHECKS = {
    ("alert", "status"): ("draft", "published", "withdrawn"),
}


def upgrade():
    statuses = CHECKS[("alert", "status")]
    op.create_table(
        'alert',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('title', sa.String(length=100), nullable=False),
        sa.Column('topic_id', sa.Integer(), nullable=False),
        sa.Column('status', sa.String(length=10), nullable=False),
        sa.Column('chinese_only', sa.Boolean(), nullable=False),
        sa.Column('lesson_zh', sa.Text(), nullable=False),
        sa.Column('lesson_en', sa.Text(), nullable=False),
        sa.Column('scene', sa.JSON(), nullable=False),
        sa.Column('questions', sa.JSON(), nullable=False),
        sa.Column('expires_on', sa.Date(), nullable=False),
        sa.Column('created_by', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
        sa.Column('updated_by', sa.Integer(), nullable=True),
        sa.Column('updated_at', sa.DateTime(), nullable=True),
        sa.Column('published_by', sa.Integer(), nullable=True),
        sa.Column('published_on', sa.Date(), nullable=True),
        sa.Column('withdrawn_by', sa.Integer(), nullable=True),
        sa.Column('withdrawn_on', sa.Date(), nullable=True),
        sa.CheckConstraint(f"status IN ({', '.join(repr(s) for s in statuses)})", name=op.f('ck_alert_status')),
        sa.ForeignKeyConstraint(['topic_id'], ['topic.id'], name=op.f('fk_alert_topic_id_topic')),
        sa.ForeignKeyConstraint(['created_by'], ['staff_user.id'], name=op.f('fk_alert_created_by_staff_user')),
        sa.ForeignKeyConstraint(['updated_by'], ['staff_user.id'], name=op.f('fk_alert_updated_by_staff_user')),
        sa.ForeignKeyConstraint(['published_by'], ['staff_user.id'],
                                name=op.f('fk_alert_published_by_staff_user')),
        sa.ForeignKeyConstraint(['withdrawn_by'], ['staff_user.id'],
                                name=op.f('fk_alert_withdrawn_by_staff_user')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_alert')),
    )
    op.create_table(
        'alert_grid',
        sa.Column('alert_id', sa.Integer(), nullable=False),
        sa.Column('grid_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['alert_id'], ['alert.id'], name=op.f('fk_alert_grid_alert_id_alert'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['grid_id'], ['grid.id'], name=op.f('fk_alert_grid_grid_id_grid'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('alert_id', 'grid_id', name=op.f('pk_alert_grid')),
    )
    with op.batch_alter_table('question', schema=None) as batch_op:
        batch_op.add_column(sa.Column('alert_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_question_alert_id_alert'), 'alert', ['alert_id'], ['id'])
    with op.batch_alter_table('answer', schema=None) as batch_op:
        batch_op.add_column(sa.Column('alert_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_answer_alert_id'), ['alert_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_answer_alert_id_alert'), 'alert', ['alert_id'], ['id'])


def downgrade():
    with op.batch_alter_table('answer', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_answer_alert_id_alert'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_answer_alert_id'))
        batch_op.drop_column('alert_id')
    with op.batch_alter_table('question', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_question_alert_id_alert'), type_='foreignkey')
        batch_op.drop_column('alert_id')
    op.drop_table('alert_grid')
    op.drop_table('alert')
