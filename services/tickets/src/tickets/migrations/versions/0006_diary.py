"""the diary

``diary_entries``: appointments (a ticket's visit to a unit, with the owner), meetings, activities,
planned calls, tasks and memos of a staff member or a team, with what each clashed with when booked.

Revision ID: 0006_diary
Revises: 0005_phone
Create Date: 2026-12-06 09:38:19.145242
"""
from alembic import op
import sqlalchemy as sa


revision = '0006_diary'
down_revision = '0005_phone'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('diary_entries',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('estate_id', sa.Uuid(), nullable=False),
    sa.Column('kind', sa.String(length=12), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('notes', sa.Text(), server_default='', nullable=False),
    sa.Column('location', sa.String(length=200), server_default='', nullable=False),
    sa.Column('staff_id', sa.Uuid(), nullable=True),
    sa.Column('team', sa.String(length=40), nullable=True),
    sa.Column('starts_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('ends_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('unit_id', sa.Uuid(), nullable=True),
    sa.Column('person_id', sa.Uuid(), nullable=True),
    sa.Column('ticket_id', sa.Uuid(), nullable=True),
    sa.Column('state', sa.String(length=10), nullable=False),
    sa.Column('conflicts', sa.JSON(), nullable=False),
    sa.Column('created_by', sa.String(length=200), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), server_default=sa.text('1'), nullable=False),
    sa.ForeignKeyConstraint(['ticket_id'], ['tickets.id'], name=op.f('fk_diary_entries_ticket_id_tickets')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_diary_entries'))
    )
    with op.batch_alter_table('diary_entries', schema=None) as batch_op:
        batch_op.create_index('ix_diary_estate_starts', ['estate_id', 'starts_at'], unique=False)
        batch_op.create_index('ix_diary_staff_starts', ['staff_id', 'starts_at'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('diary_entries', schema=None) as batch_op:
        batch_op.drop_index('ix_diary_staff_starts')
        batch_op.drop_index('ix_diary_estate_starts')

    op.drop_table('diary_entries')
