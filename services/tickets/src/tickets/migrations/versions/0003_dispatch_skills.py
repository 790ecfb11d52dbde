"""dispatch skills: which skill dispatch looks for by a ticket's kind and complaint class

A complaint that named no skill and no category went to whoever held the building's territory,
a plumber as readily as customer service (issue 15). The operator (estate null) or an estate says
which skill each kind, and each complaint class, calls for; without rows the built-in default
sends complaints to customer service.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-06 08:00:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'dispatch_skills',
        sa.Column('id', sa.Uuid(), nullable=False),
        sa.Column('estate_id', sa.Uuid(), nullable=True),
        sa.Column('kind', sa.String(length=20), nullable=False),
        sa.Column('complaint_class', sa.String(length=20), nullable=True),
        sa.Column('skill', sa.String(length=40), nullable=True),
        sa.Column('version', sa.Integer(), server_default=sa.text('1'), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_dispatch_skills')),
        sa.UniqueConstraint('estate_id', 'kind', 'complaint_class',
                            name=op.f('uq_dispatch_skills_estate_id_kind_complaint_class')),
    )
    with op.batch_alter_table('dispatch_skills') as batch:
        batch.create_index(batch.f('ix_dispatch_skills_estate_id'), ['estate_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('dispatch_skills') as batch:
        batch.drop_index(batch.f('ix_dispatch_skills_estate_id'))
    op.drop_table('dispatch_skills')
