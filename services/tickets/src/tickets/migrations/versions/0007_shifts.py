"""shifts: handovers and the duty logbook

``handovers``: the front desk's shift handover records (交接班记录), each its own deadline row (escalated
once when not signed in time); ``logbook_entries``: the duty logbook (岗位记事本).

Revision ID: 0007_shifts
Revises: 0006_diary
Create Date: 2026-12-06 09:45:51.646873
"""
from alembic import op
import sqlalchemy as sa


revision = '0007_shifts'
down_revision = '0006_diary'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('handovers',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('estate_id', sa.Uuid(), nullable=False),
    sa.Column('desk', sa.String(length=100), server_default='', nullable=False),
    sa.Column('outgoing_staff_id', sa.Uuid(), nullable=False),
    sa.Column('incoming_staff_id', sa.Uuid(), nullable=False),
    sa.Column('note', sa.Text(), server_default='', nullable=False),
    sa.Column('items', sa.JSON(), nullable=False),
    sa.Column('state', sa.String(length=10), nullable=False),
    sa.Column('written_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('sign_by', sa.DateTime(timezone=True), nullable=False),
    sa.Column('signed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('escalated_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('moved', sa.JSON(), nullable=True),
    sa.Column('version', sa.Integer(), server_default=sa.text('1'), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_handovers'))
    )
    with op.batch_alter_table('handovers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_handovers_estate_id'), ['estate_id'], unique=False)
        batch_op.create_index('ix_handovers_sign_by', ['sign_by'], unique=False, postgresql_where=sa.text("state = 'written' AND escalated_at IS NULL"))

    op.create_table('logbook_entries',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('estate_id', sa.Uuid(), nullable=False),
    sa.Column('staff_id', sa.Uuid(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('category', sa.String(length=20), nullable=False),
    sa.Column('text', sa.String(length=2000), nullable=False),
    sa.Column('created_by', sa.String(length=200), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_logbook_entries'))
    )
    with op.batch_alter_table('logbook_entries', schema=None) as batch_op:
        batch_op.create_index('ix_logbook_estate_at', ['estate_id', 'at'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('logbook_entries', schema=None) as batch_op:
        batch_op.drop_index('ix_logbook_estate_at')

    op.drop_table('logbook_entries')
    with op.batch_alter_table('handovers', schema=None) as batch_op:
        batch_op.drop_index('ix_handovers_sign_by', postgresql_where=sa.text("state = 'written' AND escalated_at IS NULL"))
        batch_op.drop_index(batch_op.f('ix_handovers_estate_id'))

    op.drop_table('handovers')
