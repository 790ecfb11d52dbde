"""companies (OWN-11): tickets' copy of owners' companies, the units each occupies and its contacts in order

Revision ID: 0018_companies
Revises: 0017_duty_roster
Create Date: 2026-12-06 12:20:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0018_companies'
down_revision = '0017_duty_roster'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'companies',
        sa.Column('id', sa.Uuid(), nullable=False),
        sa.Column('estate_id', sa.Uuid(), nullable=False),
        sa.Column('name', sa.String(length=200), nullable=False),
        sa.Column('unit_ids', sa.JSON(), nullable=False),
        sa.Column('contacts', sa.JSON(), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_companies')),
    )
    with op.batch_alter_table('companies') as batch:
        batch.create_index(batch.f('ix_companies_estate_id'), ['estate_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('companies') as batch:
        batch.drop_index(batch.f('ix_companies_estate_id'))
    op.drop_table('companies')
