"""the quarterly bulletin of a wave's results (SRV-6): its author and the author's words

Revision ID: 0007_bulletins
Revises: 0006_wave_timing
Create Date: 2026-12-06 12:55:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0007_bulletins'
down_revision = '0006_wave_timing'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('bulletins',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('wave_id', sa.Uuid(), nullable=False),
    sa.Column('estate_id', sa.Uuid(), nullable=False),
    sa.Column('author', sa.String(length=100), nullable=False),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('published_by', sa.String(length=200), nullable=False),
    sa.Column('published_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['wave_id'], ['waves.id'], name=op.f('fk_bulletins_wave_id_waves')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_bulletins')),
    sa.UniqueConstraint('wave_id', name=op.f('uq_bulletins_wave_id'))
    )
    op.create_index(op.f('ix_bulletins_estate_id'), 'bulletins', ['estate_id'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_bulletins_estate_id'), table_name='bulletins')
    op.drop_table('bulletins')
