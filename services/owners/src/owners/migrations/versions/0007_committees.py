"""committees (SRV-7): the owners' committee of an estate, its members with roles and terms, the log of contacts

Revision ID: 0007_committees
Revises: 0006_companies
Create Date: 2026-12-06 10:05:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0007_committees'
down_revision = '0006_companies'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('committees',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('estate_id', sa.Uuid(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('term_starts_on', sa.Date(), nullable=False),
    sa.Column('term_ends_on', sa.Date(), nullable=True),
    sa.Column('note', sa.Text(), server_default='', nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['estate_id'], ['estates.id'], name=op.f('fk_committees_estate_id_estates')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_committees')),
    sa.UniqueConstraint('estate_id', name=op.f('uq_committees_estate_id'))
    )
    op.create_table('committee_contacts',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('committee_id', sa.Uuid(), nullable=False),
    sa.Column('estate_id', sa.Uuid(), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('subject', sa.String(length=200), nullable=False),
    sa.Column('summary', sa.Text(), server_default='', nullable=False),
    sa.Column('staff_id', sa.Uuid(), nullable=True),
    sa.Column('member_ids', sa.JSON(), nullable=False),
    sa.Column('recorded_by', sa.String(length=200), nullable=False),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['committee_id'], ['committees.id'], name=op.f('fk_committee_contacts_committee_id_committees')),
    sa.ForeignKeyConstraint(['estate_id'], ['estates.id'], name=op.f('fk_committee_contacts_estate_id_estates')),
    sa.ForeignKeyConstraint(['staff_id'], ['staff.id'], name=op.f('fk_committee_contacts_staff_id_staff')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_committee_contacts'))
    )
    with op.batch_alter_table('committee_contacts') as batch:
        batch.create_index('ix_committee_contacts_committee_at', ['committee_id', 'at'], unique=False)

    op.create_table('committee_members',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('committee_id', sa.Uuid(), nullable=False),
    sa.Column('estate_id', sa.Uuid(), nullable=False),
    sa.Column('person_id', sa.Uuid(), nullable=False),
    sa.Column('role', sa.String(length=20), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('ends_on IS NULL OR ends_on >= starts_on', name=op.f('ck_committee_members_term')),
    sa.ForeignKeyConstraint(['committee_id'], ['committees.id'], name=op.f('fk_committee_members_committee_id_committees')),
    sa.ForeignKeyConstraint(['estate_id'], ['estates.id'], name=op.f('fk_committee_members_estate_id_estates')),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_committee_members_person_id_people')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_committee_members'))
    )
    with op.batch_alter_table('committee_members') as batch:
        batch.create_index(batch.f('ix_committee_members_committee_id'), ['committee_id'], unique=False)
        batch.create_index(batch.f('ix_committee_members_person_id'), ['person_id'], unique=False)

def downgrade() -> None:
    with op.batch_alter_table('committee_members') as batch:
        batch.drop_index(batch.f('ix_committee_members_person_id'))
        batch.drop_index(batch.f('ix_committee_members_committee_id'))

    op.drop_table('committee_members')
    with op.batch_alter_table('committee_contacts') as batch:
        batch.drop_index('ix_committee_contacts_committee_at')

    op.drop_table('committee_contacts')
    op.drop_table('committees')
