"""prospects (OWN-7): leads with their pipeline stage, assigned staff, follow-up date and activities

A prospect converted into an owner or occupant keeps its row and activities, naming the person.

Revision ID: 0008_prospects
Revises: 0007_committees
Create Date: 2026-12-06 10:10:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0008_prospects'
down_revision = '0007_committees'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('prospects',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('estate_id', sa.Uuid(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('interest', sa.String(length=10), nullable=False),
    sa.Column('company_name', sa.String(length=200), server_default='', nullable=False),
    sa.Column('mobile', sa.String(length=20), nullable=True),
    sa.Column('email', sa.String(length=200), nullable=True),
    sa.Column('unit_id', sa.Uuid(), nullable=True),
    sa.Column('source', sa.String(length=50), server_default='', nullable=False),
    sa.Column('stage', sa.String(length=12), nullable=False),
    sa.Column('staff_id', sa.Uuid(), nullable=True),
    sa.Column('follow_up_on', sa.Date(), nullable=True),
    sa.Column('lost_reason', sa.String(length=500), nullable=True),
    sa.Column('person_id', sa.Uuid(), nullable=True),
    sa.Column('converted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['estate_id'], ['estates.id'], name=op.f('fk_prospects_estate_id_estates')),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_prospects_person_id_people')),
    sa.ForeignKeyConstraint(['staff_id'], ['staff.id'], name=op.f('fk_prospects_staff_id_staff')),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_prospects_unit_id_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_prospects'))
    )
    with op.batch_alter_table('prospects') as batch:
        batch.create_index('ix_prospects_estate_stage_follow_up', ['estate_id', 'stage', 'follow_up_on'], unique=False)

    op.create_table('prospect_activities',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('prospect_id', sa.Uuid(), nullable=False),
    sa.Column('estate_id', sa.Uuid(), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('note', sa.Text(), server_default='', nullable=False),
    sa.Column('staff_id', sa.Uuid(), nullable=True),
    sa.Column('recorded_by', sa.String(length=200), nullable=False),
    sa.ForeignKeyConstraint(['estate_id'], ['estates.id'], name=op.f('fk_prospect_activities_estate_id_estates')),
    sa.ForeignKeyConstraint(['prospect_id'], ['prospects.id'], name=op.f('fk_prospect_activities_prospect_id_prospects')),
    sa.ForeignKeyConstraint(['staff_id'], ['staff.id'], name=op.f('fk_prospect_activities_staff_id_staff')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_prospect_activities'))
    )
    with op.batch_alter_table('prospect_activities') as batch:
        batch.create_index(batch.f('ix_prospect_activities_prospect_id'), ['prospect_id'], unique=False)

def downgrade() -> None:
    with op.batch_alter_table('prospect_activities') as batch:
        batch.drop_index(batch.f('ix_prospect_activities_prospect_id'))

    op.drop_table('prospect_activities')
    with op.batch_alter_table('prospects') as batch:
        batch.drop_index('ix_prospects_estate_stage_follow_up')

    op.drop_table('prospects')
