"""equipment (OWN-10): the register of an estate's common areas and equipment

Lifts, pumps, gates, lighting, car parks, fire systems ... of an estate or one of its buildings, each
with the identifier the site knows it by (unique in the estate), where it is, who installed it and
who maintains it; decommissioned items keep their row (active false).

Revision ID: 0005_equipment
Revises: 0004_departments
Create Date: 2026-12-06 09:50:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0005_equipment'
down_revision = '0004_departments'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'equipment',
        sa.Column('id', sa.Uuid(), nullable=False),
        sa.Column('estate_id', sa.Uuid(), nullable=False),
        sa.Column('building_id', sa.Uuid(), nullable=True),
        sa.Column('kind', sa.String(length=20), nullable=False),
        sa.Column('identifier', sa.String(length=60), nullable=False),
        sa.Column('name', sa.String(length=100), nullable=False),
        sa.Column('location', sa.String(length=200), server_default='', nullable=False),
        sa.Column('installer', sa.String(length=100), server_default='', nullable=False),
        sa.Column('maintenance_contractor', sa.String(length=100), server_default='', nullable=False),
        sa.Column('installed_on', sa.Date(), nullable=True),
        sa.Column('active', sa.Boolean(), server_default=sa.text('true'), nullable=False),
        sa.Column('version', sa.Integer(), server_default=sa.text('1'), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['building_id'], ['buildings.id'], name=op.f('fk_equipment_building_id_buildings')),
        sa.ForeignKeyConstraint(['estate_id'], ['estates.id'], name=op.f('fk_equipment_estate_id_estates')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_equipment')),
        sa.UniqueConstraint('estate_id', 'identifier', name=op.f('uq_equipment_estate_id_identifier')),
    )
    with op.batch_alter_table('equipment') as batch:
        batch.create_index(batch.f('ix_equipment_building_id'), ['building_id'], unique=False)
        batch.create_index(batch.f('ix_equipment_estate_id'), ['estate_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('equipment') as batch:
        batch.drop_index(batch.f('ix_equipment_estate_id'))
        batch.drop_index(batch.f('ix_equipment_building_id'))
    op.drop_table('equipment')
