"""one failed sign-in trail: failed staff sign-ins counted as the workers' are, and roster rows
that name a worker by record id

Revision ID: 0016
Revises: 0015

- signin_failure goes: failed staff sign-ins are counted on their audit row's `times`, as failed
  worker sign-ins are (audit.service.record_repeated, the one way). Each window's count moves to
  its row's `times`, and the row's detail loses its `failures` (the count is `times` now).
- roster.worker.* rows named the worker by employee number, which the town admin must never see
  (docs/privacy.md): they name the worker by record id (`worker`), as the sign-in rows do. A number
  no worker of that company has any more becomes `"worker": null`.
The downgrade puts both back (the table rebuilt from the rows, the numbers looked up again).
"""
import json
from datetime import datetime

import sqlalchemy as sa
from alembic import op

revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None

audit_log = sa.table('audit_log', sa.column('id', sa.Integer), sa.column('action', sa.String),
                     sa.column('detail', sa.Text), sa.column('times', sa.Integer))
company = sa.table('company', sa.column('id', sa.Integer), sa.column('code', sa.String))
employee = sa.table('employee', sa.column('id', sa.Integer), sa.column('company_id', sa.Integer),
                    sa.column('employee_no', sa.String))


def _text(detail: dict) -> str:
    return json.dumps(detail, ensure_ascii=False, sort_keys=True)


def _rows(bind, condition):
    for row_id, detail, times in bind.execute(sa.select(audit_log.c.id, audit_log.c.detail, audit_log.c.times)
                                              .where(condition)).all():
        try:
            parsed = json.loads(detail or "")
        except ValueError:
            continue
        if isinstance(parsed, dict):
            yield row_id, parsed, times


def _rewrite(bind, row_id: int, detail: dict, **values) -> None:
    bind.execute(sa.update(audit_log).where(audit_log.c.id == row_id).values(detail=_text(detail), **values))


def _worker_ids(bind) -> dict[tuple[str, str], int]:
    return {(code, number): worker_id for worker_id, code, number in bind.execute(
        sa.select(employee.c.id, company.c.code, employee.c.employee_no)
        .join(company, company.c.id == employee.c.company_id))}


def upgrade():
    bind = op.get_bind()
    failures = sa.table('signin_failure', sa.column('failures', sa.Integer), sa.column('audit_id', sa.Integer))
    counts = dict(bind.execute(sa.select(failures.c.audit_id, failures.c.failures)).all())
    for row_id, detail, _times in _rows(bind, audit_log.c.action == 'signin.staff.failed'):
        detail.pop('failures', None)
        _rewrite(bind, row_id, detail, times=counts.get(row_id, 1))
    op.drop_table('signin_failure')
    workers = _worker_ids(bind)
    for row_id, detail, _times in _rows(bind, audit_log.c.action.like('roster.worker.%')):
        if 'employee_no' in detail:
            number = detail.pop('employee_no')
            detail['worker'] = workers.get((detail.get('company'), number))
            _rewrite(bind, row_id, detail)


def downgrade():
    bind = op.get_bind()
    numbers = {worker_id: number for (_code, number), worker_id in _worker_ids(bind).items()}
    for row_id, detail, _times in _rows(bind, audit_log.c.action.like('roster.worker.%')):
        if 'worker' in detail and 'employee_no' not in detail:
            detail['employee_no'] = numbers.get(detail.pop('worker'), '')
            _rewrite(bind, row_id, detail)
    table = op.create_table(
        'signin_failure',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('username', sa.String(length=64), nullable=False),
        sa.Column('address', sa.String(length=64), nullable=False),
        sa.Column('window_start', sa.DateTime(), nullable=False),
        sa.Column('failures', sa.Integer(), nullable=False),
        sa.Column('audit_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['audit_id'], ['audit_log.id'], name=op.f('fk_signin_failure_audit_id_audit_log')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_signin_failure')),
        sa.UniqueConstraint('username', 'address', 'window_start', name=op.f('uq_signin_failure_username')),
    )
    seen = set()
    for row_id, detail, times in _rows(bind, audit_log.c.action == 'signin.staff.failed'):
        key = (detail.get('account') or '', detail.get('address') or '', detail.get('window_start'))
        if key[2] is None or key in seen:
            continue
        seen.add(key)
        bind.execute(sa.insert(table).values(username=key[0], address=key[1],
                                             window_start=datetime.fromisoformat(key[2]), failures=times,
                                             audit_id=row_id))
        _rewrite(bind, row_id, {**detail, 'failures': times}, times=1)
