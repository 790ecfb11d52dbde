"""the phone: desk lines, calls, callbacks

``desk_lines``: the desks' numbers and extensions, per estate, each answered by a staff member;
``calls``: the call log (inbound and outbound, from the desk or the call-centre system, unique per
estate by the call-centre's own reference); ``callbacks``: promised callbacks, each its own
deadline row the timer sweeps (warned before due, escalated when missed).

Revision ID: 0005_phone
Revises: 0004_reveal_audit
Create Date: 2026-12-06 09:12:44.341150
"""
from alembic import op
import sqlalchemy as sa


revision = '0005_phone'
down_revision = '0004_reveal_audit'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('desk_lines',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('estate_id', sa.Uuid(), nullable=False),
    sa.Column('number', sa.String(length=32), nullable=False),
    sa.Column('extension', sa.String(length=16), server_default='', nullable=False),
    sa.Column('label', sa.String(length=100), server_default='', nullable=False),
    sa.Column('staff_id', sa.Uuid(), nullable=True),
    sa.Column('active', sa.Boolean(), server_default=sa.text('true'), nullable=False),
    sa.Column('version', sa.Integer(), server_default=sa.text('1'), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_desk_lines')),
    sa.UniqueConstraint('estate_id', 'number', 'extension', name=op.f('uq_desk_lines_estate_id_number_extension'))
    )
    with op.batch_alter_table('desk_lines', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_desk_lines_estate_id'), ['estate_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_desk_lines_staff_id'), ['staff_id'], unique=False)

    op.create_table('calls',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('estate_id', sa.Uuid(), nullable=False),
    sa.Column('direction', sa.String(length=10), nullable=False),
    sa.Column('number', sa.String(length=32), nullable=False),
    sa.Column('desk_line_id', sa.Uuid(), nullable=True),
    sa.Column('staff_id', sa.Uuid(), nullable=True),
    sa.Column('person_id', sa.Uuid(), nullable=True),
    sa.Column('unit_id', sa.Uuid(), nullable=True),
    sa.Column('ticket_id', sa.Uuid(), nullable=True),
    sa.Column('source', sa.String(length=20), nullable=False),
    sa.Column('call_centre_ref', sa.String(length=100), nullable=True),
    sa.Column('ring_started_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('answered_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('ended_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('outcome', sa.String(length=12), nullable=False),
    sa.Column('answer_ms', sa.Integer(), nullable=True),
    sa.Column('notes', sa.Text(), server_default='', nullable=False),
    sa.Column('recording_url', sa.String(length=1000), nullable=True),
    sa.Column('created_by', sa.String(length=200), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), server_default=sa.text('1'), nullable=False),
    sa.ForeignKeyConstraint(['desk_line_id'], ['desk_lines.id'], name=op.f('fk_calls_desk_line_id_desk_lines')),
    sa.ForeignKeyConstraint(['ticket_id'], ['tickets.id'], name=op.f('fk_calls_ticket_id_tickets')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_calls')),
    sa.UniqueConstraint('estate_id', 'call_centre_ref', name=op.f('uq_calls_estate_id_call_centre_ref'))
    )
    with op.batch_alter_table('calls', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_calls_desk_line_id'), ['desk_line_id'], unique=False)
        batch_op.create_index('ix_calls_estate_ring', ['estate_id', 'ring_started_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_calls_person_id'), ['person_id'], unique=False)
        batch_op.create_index('ix_calls_staff_ring', ['staff_id', 'ring_started_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_calls_ticket_id'), ['ticket_id'], unique=False)

    op.create_table('callbacks',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('estate_id', sa.Uuid(), nullable=False),
    sa.Column('call_id', sa.Uuid(), nullable=True),
    sa.Column('number', sa.String(length=32), nullable=False),
    sa.Column('person_id', sa.Uuid(), nullable=True),
    sa.Column('unit_id', sa.Uuid(), nullable=True),
    sa.Column('ticket_id', sa.Uuid(), nullable=True),
    sa.Column('assignee_id', sa.Uuid(), nullable=True),
    sa.Column('reason', sa.String(length=500), server_default='', nullable=False),
    sa.Column('state', sa.String(length=10), nullable=False),
    sa.Column('due_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('warn_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('warned_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('missed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('done_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('done_call_id', sa.Uuid(), nullable=True),
    sa.Column('kept', sa.Boolean(), nullable=True),
    sa.Column('created_by', sa.String(length=200), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), server_default=sa.text('1'), nullable=False),
    sa.ForeignKeyConstraint(['call_id'], ['calls.id'], name=op.f('fk_callbacks_call_id_calls')),
    sa.ForeignKeyConstraint(['done_call_id'], ['calls.id'], name=op.f('fk_callbacks_done_call_id_calls')),
    sa.ForeignKeyConstraint(['ticket_id'], ['tickets.id'], name=op.f('fk_callbacks_ticket_id_tickets')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_callbacks')),
    sa.UniqueConstraint('call_id', name=op.f('uq_callbacks_call_id'))
    )
    with op.batch_alter_table('callbacks', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_callbacks_assignee_id'), ['assignee_id'], unique=False)
        batch_op.create_index('ix_callbacks_due', ['due_at'], unique=False, postgresql_where=sa.text("state = 'open' AND missed_at IS NULL"))
        batch_op.create_index('ix_callbacks_estate_due', ['estate_id', 'due_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_callbacks_estate_id'), ['estate_id'], unique=False)
        batch_op.create_index('ix_callbacks_warn', ['warn_at'], unique=False, postgresql_where=sa.text("state = 'open' AND warned_at IS NULL"))



def downgrade() -> None:
    with op.batch_alter_table('callbacks', schema=None) as batch_op:
        batch_op.drop_index('ix_callbacks_warn', postgresql_where=sa.text("state = 'open' AND warned_at IS NULL"))
        batch_op.drop_index(batch_op.f('ix_callbacks_estate_id'))
        batch_op.drop_index('ix_callbacks_estate_due')
        batch_op.drop_index('ix_callbacks_due', postgresql_where=sa.text("state = 'open' AND missed_at IS NULL"))
        batch_op.drop_index(batch_op.f('ix_callbacks_assignee_id'))

    op.drop_table('callbacks')
    with op.batch_alter_table('calls', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_calls_ticket_id'))
        batch_op.drop_index('ix_calls_staff_ring')
        batch_op.drop_index(batch_op.f('ix_calls_person_id'))
        batch_op.drop_index('ix_calls_estate_ring')
        batch_op.drop_index(batch_op.f('ix_calls_desk_line_id'))

    op.drop_table('calls')
    with op.batch_alter_table('desk_lines', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_desk_lines_staff_id'))
        batch_op.drop_index(batch_op.f('ix_desk_lines_estate_id'))

    op.drop_table('desk_lines')
