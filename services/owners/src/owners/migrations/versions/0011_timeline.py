"""the activity timeline (OWN-3): entries from tickets', notify's and surveys' events, and the inbox
that applies each of those events once

Revision ID: 0011_timeline
Revises: 0010_prospect_company
Create Date: 2026-12-06 12:45:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0011_timeline'
down_revision = '0010_prospect_company'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('inbox',
    sa.Column('consumer', sa.String(length=100), nullable=False),
    sa.Column('source', sa.String(length=200), nullable=False),
    sa.Column('event_id', sa.String(length=64), nullable=False),
    sa.Column('event_type', sa.String(length=200), nullable=False),
    sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('consumer', 'source', 'event_id', name=op.f('pk_inbox'))
    )
    op.create_table('inbox_failures',
    sa.Column('consumer', sa.String(length=100), nullable=False),
    sa.Column('source', sa.String(length=200), nullable=False),
    sa.Column('event_id', sa.String(length=64), nullable=False),
    sa.Column('event_type', sa.String(length=200), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('last_error', sa.Text(), nullable=False),
    sa.Column('first_failed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_failed_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('consumer', 'source', 'event_id', name=op.f('pk_inbox_failures'))
    )
    op.create_table('timeline_entries',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('estate_id', sa.Uuid(), nullable=False),
    sa.Column('person_id', sa.Uuid(), nullable=True),
    sa.Column('unit_id', sa.Uuid(), nullable=True),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('occurred_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('source', sa.String(length=20), nullable=False),
    sa.Column('record_id', sa.Uuid(), nullable=False),
    sa.Column('reference', sa.String(length=200), nullable=True),
    sa.Column('link', sa.String(length=200), nullable=True),
    sa.Column('details', sa.JSON(), nullable=False),
    sa.Column('event_id', sa.String(length=100), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_timeline_entries'))
    )
    op.create_index('ix_timeline_entries_person', 'timeline_entries', ['person_id', 'occurred_at'], unique=False)
    op.create_index('ix_timeline_entries_unit', 'timeline_entries', ['unit_id', 'occurred_at'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_timeline_entries_unit', table_name='timeline_entries')
    op.drop_index('ix_timeline_entries_person', table_name='timeline_entries')
    op.drop_table('timeline_entries')
    op.drop_table('inbox_failures')
    op.drop_table('inbox')
