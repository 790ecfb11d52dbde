"""waves and their samples (SRV-1): a wave per estate and period, the seed it was drawn with, and
each sampled household with its reason

Revision ID: 0002_waves
Revises: 0001_initial_schema
Create Date: 2026-12-06 09:26:32.974711
"""
from alembic import op
import sqlalchemy as sa


revision = '0002_waves'
down_revision = '0001_initial_schema'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('waves',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('estate_id', sa.Uuid(), nullable=False),
    sa.Column('period', sa.String(length=7), nullable=False),
    sa.Column('questionnaire_id', sa.Uuid(), nullable=True),
    sa.Column('questionnaire_version_id', sa.Uuid(), nullable=False),
    sa.Column('percent', sa.Integer(), nullable=False),
    sa.Column('lookback', sa.Integer(), nullable=False),
    sa.Column('seed', sa.BigInteger(), nullable=False),
    sa.Column('households', sa.Integer(), nullable=False),
    sa.Column('sampled', sa.Integer(), nullable=False),
    sa.Column('opens_on', sa.Date(), nullable=False),
    sa.Column('closes_on', sa.Date(), nullable=False),
    sa.Column('state', sa.String(length=10), nullable=False),
    sa.Column('opened_by', sa.String(length=200), nullable=False),
    sa.Column('opened_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), server_default=sa.text('1'), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_waves')),
    sa.UniqueConstraint('estate_id', 'period', name=op.f('uq_waves_estate_id_period'))
    )
    with op.batch_alter_table('waves', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_waves_estate_id'), ['estate_id'], unique=False)

    op.create_table('wave_households',
    sa.Column('wave_id', sa.Uuid(), nullable=False),
    sa.Column('unit_id', sa.Uuid(), nullable=False),
    sa.Column('estate_id', sa.Uuid(), nullable=False),
    sa.Column('building_id', sa.Uuid(), nullable=False),
    sa.Column('reason', sa.String(length=30), nullable=False),
    sa.Column('waves_ago', sa.Integer(), nullable=True),
    sa.Column('quota', sa.Integer(), nullable=False),
    sa.Column('building_households', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['wave_id'], ['waves.id'], name=op.f('fk_wave_households_wave_id_waves')),
    sa.PrimaryKeyConstraint('wave_id', 'unit_id', name=op.f('pk_wave_households'))
    )
    with op.batch_alter_table('wave_households', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_wave_households_estate_id'), ['estate_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('wave_households', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_wave_households_estate_id'))

    op.drop_table('wave_households')
    with op.batch_alter_table('waves', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_waves_estate_id'))

    op.drop_table('waves')
