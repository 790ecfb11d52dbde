"""prospect company (OWN-7, OWN-11): a company prospect converts into a company; the prospect names it

Revision ID: 0010_prospect_company
Revises: 0009_documents
Create Date: 2026-12-06 12:40:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0010_prospect_company'
down_revision = '0009_documents'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('prospects') as batch:
        batch.add_column(sa.Column('company_id', sa.Uuid(), nullable=True))
        batch.create_foreign_key(batch.f('fk_prospects_company_id_companies'), 'companies', ['company_id'], ['id'])


def downgrade() -> None:
    with op.batch_alter_table('prospects') as batch:
        batch.drop_constraint(batch.f('fk_prospects_company_id_companies'), type_='foreignkey')
        batch.drop_column('company_id')
