"""companies (OWN-11): a company occupies units, and its staff are its contacts in order

An office building's tenant company (写字楼: the desk asks a caller's company or room number) with the
units it occupies and its contacts in the order the desk calls them; searched by the beginning of its
name.

Revision ID: 0006_companies
Revises: 0005_equipment
Create Date: 2026-12-06 10:05:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0006_companies'
down_revision = '0005_equipment'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('companies',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('estate_id', sa.Uuid(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('credit_code', sa.String(length=18), server_default='', nullable=False),
    sa.Column('note', sa.Text(), server_default='', nullable=False),
    sa.Column('version', sa.Integer(), server_default=sa.text('1'), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['estate_id'], ['estates.id'], name=op.f('fk_companies_estate_id_estates')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_companies')),
    sa.UniqueConstraint('estate_id', 'name', name=op.f('uq_companies_estate_id_name'))
    )
    with op.batch_alter_table('companies') as batch:
        batch.create_index('ix_companies_estate_name', ['estate_id', 'name'], unique=False, postgresql_ops={'name': 'text_pattern_ops'})

    op.create_table('company_contacts',
    sa.Column('company_id', sa.Uuid(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Uuid(), nullable=False),
    sa.Column('estate_id', sa.Uuid(), nullable=False),
    sa.Column('title', sa.String(length=50), server_default='', nullable=False),
    sa.ForeignKeyConstraint(['company_id'], ['companies.id'], name=op.f('fk_company_contacts_company_id_companies'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['estate_id'], ['estates.id'], name=op.f('fk_company_contacts_estate_id_estates')),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_company_contacts_person_id_people')),
    sa.PrimaryKeyConstraint('company_id', 'position', name=op.f('pk_company_contacts')),
    sa.UniqueConstraint('company_id', 'person_id', name=op.f('uq_company_contacts_company_id_person_id'))
    )
    with op.batch_alter_table('company_contacts') as batch:
        batch.create_index(batch.f('ix_company_contacts_person_id'), ['person_id'], unique=False)

    op.create_table('company_units',
    sa.Column('company_id', sa.Uuid(), nullable=False),
    sa.Column('unit_id', sa.Uuid(), nullable=False),
    sa.Column('estate_id', sa.Uuid(), nullable=False),
    sa.ForeignKeyConstraint(['company_id'], ['companies.id'], name=op.f('fk_company_units_company_id_companies'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['estate_id'], ['estates.id'], name=op.f('fk_company_units_estate_id_estates')),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_company_units_unit_id_units')),
    sa.PrimaryKeyConstraint('company_id', 'unit_id', name=op.f('pk_company_units'))
    )
    with op.batch_alter_table('company_units') as batch:
        batch.create_index(batch.f('ix_company_units_unit_id'), ['unit_id'], unique=False)

def downgrade() -> None:
    with op.batch_alter_table('company_units') as batch:
        batch.drop_index(batch.f('ix_company_units_unit_id'))

    op.drop_table('company_units')
    with op.batch_alter_table('company_contacts') as batch:
        batch.drop_index(batch.f('ix_company_contacts_person_id'))

    op.drop_table('company_contacts')
    with op.batch_alter_table('companies') as batch:
        batch.drop_index('ix_companies_estate_name', postgresql_ops={'name': 'text_pattern_ops'})

    op.drop_table('companies')
