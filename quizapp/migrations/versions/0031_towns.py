"""towns: a city holds towns, a town holds grids; settings, tokens, alerts and the audit log per town

Revision ID: 0031
Revises: 0030

- city: the city (one row); town: its towns (code, name).
- grid.town_id: the town a grid is in (required); a grid's code is unique within its town now.
- staff_user.town_id: the town an account belongs to; only the city admin (a new role, CHECKed
  like the vocabularies of 0007) has none (ck_staff_user_town).
- town_setting: keyed by (town_id, key): every town has its own settings and common-set secret.
- api_token.town_id: a town's token reads that town; none: a city token.
- audit_log.town_id: the town a row belongs to; none: the city's (the city admin's own acts).
- alert.town_id: the town whose centre sends the alert; it reaches that town's grids only.

An installation that already has data (grids, accounts, settings, tokens) upgrades into a city with
one town, 本市 / 本镇 (code "town-1"; the city admin renames them), and every row above moves to
that town, losing nothing. An empty database gets no city: the demo, or the first city admin
(`quizapp city-admin`), makes one. The downgrade only runs while the installation is still one
town without a city admin (it cannot fold towns or the city role back into one town).
"""
import sqlalchemy as sa
from alembic import op

revision = '0031'
down_revision = '0030'
branch_labels = None
depends_on = None

# (table, column) -> the values allowed, as of this revision (tests/app/test_vocabulary.py).
CHECKS = {
    ("staff_user", "role"): ("company_staff", "grid_officer", "town_admin", "city_admin"),
}
OLD_ROLES = ("company_staff", "grid_officer", "town_admin")
TOWN_REQUIRED = "role = 'city_admin' OR town_id IS NOT NULL"
# Tables whose existing rows all move to the one town (grid, staff_user and town_setting apart).
MOVED = ("api_token", "audit_log", "alert")


def _roles(values) -> str:
    return f"role IN ({', '.join(repr(v) for v in values)})"


def _has_data(bind) -> bool:
    return any(bind.execute(sa.text(f"SELECT 1 FROM {table} LIMIT 1")).first() is not None
               for table in ("grid", "staff_user", "town_setting", "api_token"))


def _town_setting_table(with_town: bool) -> list:
    columns = [sa.Column('town_id', sa.Integer(), nullable=False)] if with_town else []
    keys = ['town_id', 'key'] if with_town else ['key']
    return [*columns,
            sa.Column('key', sa.String(length=60), nullable=False),
            sa.Column('value', sa.JSON(), nullable=False),
            *([sa.ForeignKeyConstraint(['town_id'], ['town.id'], name=op.f('fk_town_setting_town_id_town'))]
              if with_town else []),
            sa.PrimaryKeyConstraint(*keys, name=op.f('pk_town_setting'))]


def upgrade():
    op.create_table(
        'city',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=100), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_city')),
    )
    op.create_table(
        'town',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('city_id', sa.Integer(), nullable=False),
        sa.Column('code', sa.String(length=32), nullable=False),
        sa.Column('name', sa.String(length=100), nullable=False),
        sa.Column('created_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
        sa.ForeignKeyConstraint(['city_id'], ['city.id'], name=op.f('fk_town_city_id_city')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_town')),
        sa.UniqueConstraint('code', name=op.f('uq_town_code')),
    )
    bind = op.get_bind()
    town = None
    if _has_data(bind):
        # No explicit ids: PostgreSQL's sequences then stay ahead of the rows.
        city = bind.execute(sa.text("INSERT INTO city (name) VALUES ('本市') RETURNING id")).scalar_one()
        town = bind.execute(sa.text("INSERT INTO town (city_id, code, name) VALUES (:city, 'town-1', '本镇') "
                                    "RETURNING id"), {"city": city}).scalar_one()

    for table in ("grid", "staff_user", *MOVED):
        with op.batch_alter_table(table) as batch_op:
            batch_op.add_column(sa.Column('town_id', sa.Integer(), nullable=True))
        if town is not None:
            bind.execute(sa.text(f"UPDATE {table} SET town_id = :town"), {"town": town})

    with op.batch_alter_table('grid') as batch_op:
        batch_op.alter_column('town_id', existing_type=sa.Integer(), nullable=False)
        batch_op.create_foreign_key(op.f('fk_grid_town_id_town'), 'town', ['town_id'], ['id'])
        batch_op.create_index(op.f('ix_grid_town_id'), ['town_id'], unique=False)
        batch_op.drop_constraint(op.f('uq_grid_code'), type_='unique')
        batch_op.create_unique_constraint(op.f('uq_grid_town_id'), ['town_id', 'code'])
    with op.batch_alter_table('staff_user') as batch_op:
        batch_op.create_foreign_key(op.f('fk_staff_user_town_id_town'), 'town', ['town_id'], ['id'])
        batch_op.create_index(op.f('ix_staff_user_town_id'), ['town_id'], unique=False)
        batch_op.drop_constraint(op.f('ck_staff_user_role'), type_='check')
        batch_op.create_check_constraint(op.f('ck_staff_user_role'), _roles(CHECKS[("staff_user", "role")]))
        batch_op.create_check_constraint(op.f('ck_staff_user_town'), TOWN_REQUIRED)
    for table in MOVED:
        with op.batch_alter_table(table) as batch_op:
            if table == "alert":
                batch_op.alter_column('town_id', existing_type=sa.Integer(), nullable=False)
            batch_op.create_foreign_key(op.f(f'fk_{table}_town_id_town'), 'town', ['town_id'], ['id'])
            batch_op.create_index(op.f(f'ix_{table}_town_id'), ['town_id'], unique=False)

    # The settings' key becomes (town, key): a small table, rebuilt with its rows carried over.
    old = sa.table('town_setting', sa.column('key', sa.String), sa.column('value', sa.JSON))
    settings = [dict(row._mapping) for row in bind.execute(sa.select(old.c.key, old.c.value))]
    op.drop_table('town_setting')
    new = op.create_table('town_setting', *_town_setting_table(with_town=True))
    if settings:
        op.bulk_insert(new, [{"town_id": town, **row} for row in settings])


def downgrade():
    bind = op.get_bind()
    towns = bind.execute(sa.text("SELECT count(*) FROM town")).scalar_one()
    city_admins = bind.execute(sa.text("SELECT count(*) FROM staff_user WHERE role = 'city_admin'")).scalar_one()
    if towns > 1 or city_admins:
        raise RuntimeError(f"cannot downgrade below 0031: {towns} towns and {city_admins} city admin accounts; "
                           "an installation of one town without a city admin can")

    table = sa.table('town_setting', sa.column('key', sa.String), sa.column('value', sa.JSON))
    settings = [dict(row._mapping) for row in bind.execute(sa.select(table.c.key, table.c.value))]
    op.drop_table('town_setting')
    old = op.create_table('town_setting', *_town_setting_table(with_town=False))
    if settings:
        op.bulk_insert(old, settings)

    for name in reversed(MOVED):
        with op.batch_alter_table(name) as batch_op:
            batch_op.drop_index(op.f(f'ix_{name}_town_id'))
            batch_op.drop_constraint(op.f(f'fk_{name}_town_id_town'), type_='foreignkey')
            batch_op.drop_column('town_id')
    with op.batch_alter_table('staff_user') as batch_op:
        batch_op.drop_constraint(op.f('ck_staff_user_town'), type_='check')
        batch_op.drop_constraint(op.f('ck_staff_user_role'), type_='check')
        batch_op.create_check_constraint(op.f('ck_staff_user_role'), _roles(OLD_ROLES))
        batch_op.drop_index(op.f('ix_staff_user_town_id'))
        batch_op.drop_constraint(op.f('fk_staff_user_town_id_town'), type_='foreignkey')
        batch_op.drop_column('town_id')
    with op.batch_alter_table('grid') as batch_op:
        batch_op.drop_constraint(op.f('uq_grid_town_id'), type_='unique')
        batch_op.create_unique_constraint(op.f('uq_grid_code'), ['code'])
        batch_op.drop_index(op.f('ix_grid_town_id'))
        batch_op.drop_constraint(op.f('fk_grid_town_id_town'), type_='foreignkey')
        batch_op.drop_column('town_id')
    op.drop_table('town')
    op.drop_table('city')
