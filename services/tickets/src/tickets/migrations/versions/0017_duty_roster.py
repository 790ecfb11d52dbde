"""duty_roster (issue 20): who works when, how long a ring lasts per estate, callbacks in the diary

``duty_shifts`` is the duty roster (排班表), one row per shift of a staff member in an estate: the
diary's "off shift" reads it for a person who has one, and the estate's business calendar for a
person who has none. ``phone_settings`` holds an estate's ring length for "answered within three
rings" (an estate without a row: 6 s). A diary entry may be a callback's planned call
(``callback_id``), which follows the callback.

Revision ID: 0017_duty_roster
Revises: 0016_one_script_version
Create Date: 2026-12-06 12:30:00
"""
import sqlalchemy as sa
from alembic import op


revision = '0017_duty_roster'
down_revision = '0016_one_script_version'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'duty_shifts',
        sa.Column('id', sa.Uuid(), nullable=False),
        sa.Column('estate_id', sa.Uuid(), nullable=False),
        sa.Column('staff_id', sa.Uuid(), nullable=False),
        sa.Column('starts_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('ends_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('label', sa.String(length=50), server_default='', nullable=False),
        sa.Column('created_by', sa.String(length=200), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_duty_shifts')),
    )
    op.create_index('ix_duty_shifts_staff', 'duty_shifts', ['estate_id', 'staff_id', 'starts_at'])
    op.create_table(
        'phone_settings',
        sa.Column('estate_id', sa.Uuid(), nullable=False),
        sa.Column('ring_seconds', sa.Float(), nullable=False),
        sa.Column('version', sa.Integer(), server_default=sa.text('1'), nullable=False),
        sa.PrimaryKeyConstraint('estate_id', name=op.f('pk_phone_settings')),
    )
    with op.batch_alter_table('diary_entries') as batch:
        batch.add_column(sa.Column('callback_id', sa.Uuid(), nullable=True))
        batch.create_index(batch.f('ix_diary_entries_callback_id'), ['callback_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('diary_entries') as batch:
        batch.drop_index(batch.f('ix_diary_entries_callback_id'))
        batch.drop_column('callback_id')
    op.drop_table('phone_settings')
    op.drop_index('ix_duty_shifts_staff', table_name='duty_shifts')
    op.drop_table('duty_shifts')
