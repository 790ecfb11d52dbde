"""equipment (OWN-10): tickets' copy of owners' common areas and equipment, and the item a ticket names

A ticket names a registered common area or item of equipment (a lift, a pump) instead of a unit, so
the repeated failures of one item can be counted; the free text ``common_area`` stays for what is not
registered.

Revision ID: 0015_equipment
Revises: 0014_departments
Create Date: 2026-12-06 09:55:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0015_equipment'
down_revision = '0014_departments'
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
        sa.Column('active', sa.Boolean(), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_equipment')),
    )
    with op.batch_alter_table('equipment') as batch:
        batch.create_index(batch.f('ix_equipment_estate_id'), ['estate_id'], unique=False)
    with op.batch_alter_table('tickets') as batch:
        batch.add_column(sa.Column('equipment_id', sa.Uuid(), nullable=True))
        batch.create_index(batch.f('ix_tickets_equipment_id'), ['equipment_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('tickets') as batch:
        batch.drop_index(batch.f('ix_tickets_equipment_id'))
        batch.drop_column('equipment_id')
    with op.batch_alter_table('equipment') as batch:
        batch.drop_index(batch.f('ix_equipment_estate_id'))
    op.drop_table('equipment')
