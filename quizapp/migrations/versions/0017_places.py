"""places: where an incident happened, the places each grid keeps, and the grids' boundaries

Revision ID: 0017
Revises: 0016

- incident.longitude / latitude / datum: an optional point, stored as given with the datum it is
  given in ('wgs84' or 'gcj02', a CHECK constraint); incident.place_id: or one of its grid's places.
- grid_place: the villages and communities (村/社区) the town admin keeps per grid.
- grid_boundary: each grid's outline, a GeoJSON Polygon or MultiPolygon as uploaded and checked.
- boundary_upload: a checked boundary file waiting for the admin's confirmation.
Existing incidents have no location (NULL).
"""
import sqlalchemy as sa
from alembic import op

revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'grid_place',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('grid_id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=100), nullable=False),
        sa.ForeignKeyConstraint(['grid_id'], ['grid.id'], name=op.f('fk_grid_place_grid_id_grid')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_grid_place')),
        sa.UniqueConstraint('grid_id', 'name', name=op.f('uq_grid_place_grid_id')),
    )
    op.create_index(op.f('ix_grid_place_grid_id'), 'grid_place', ['grid_id'], unique=False)
    op.create_table(
        'grid_boundary',
        sa.Column('grid_id', sa.Integer(), nullable=False),
        sa.Column('geometry', sa.JSON(), nullable=False),
        sa.Column('updated_by', sa.Integer(), nullable=True),
        sa.Column('updated_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
        sa.ForeignKeyConstraint(['grid_id'], ['grid.id'], name=op.f('fk_grid_boundary_grid_id_grid')),
        sa.ForeignKeyConstraint(['updated_by'], ['staff_user.id'], name=op.f('fk_grid_boundary_updated_by_staff_user')),
        sa.PrimaryKeyConstraint('grid_id', name=op.f('pk_grid_boundary')),
    )
    op.create_table(
        'boundary_upload',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('filename', sa.String(length=255), nullable=False),
        sa.Column('features', sa.JSON(), nullable=False),
        sa.Column('created_by', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
        sa.Column('applied_at', sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(['created_by'], ['staff_user.id'],
                                name=op.f('fk_boundary_upload_created_by_staff_user')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_boundary_upload')),
    )
    with op.batch_alter_table('incident', schema=None) as batch_op:
        batch_op.add_column(sa.Column('longitude', sa.Numeric(precision=10, scale=7), nullable=True))
        batch_op.add_column(sa.Column('latitude', sa.Numeric(precision=10, scale=7), nullable=True))
        batch_op.add_column(sa.Column('datum', sa.String(length=8), nullable=True))
        batch_op.add_column(sa.Column('place_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_incident_place_id'), ['place_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_incident_place_id_grid_place'), 'grid_place', ['place_id'], ['id'])
        batch_op.create_check_constraint(op.f('ck_incident_datum'), "datum IN ('wgs84', 'gcj02')")


def downgrade():
    with op.batch_alter_table('incident', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_incident_datum'), type_='check')
        batch_op.drop_constraint(batch_op.f('fk_incident_place_id_grid_place'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_incident_place_id'))
        for column in ('place_id', 'datum', 'latitude', 'longitude'):
            batch_op.drop_column(column)
    op.drop_table('boundary_upload')
    op.drop_table('grid_boundary')
    op.drop_index(op.f('ix_grid_place_grid_id'), table_name='grid_place')
    op.drop_table('grid_place')
