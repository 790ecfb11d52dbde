"""follow-ups and rectification (SRV-4): low-score thresholds, follow-up visits, rectification actions and their steps

Revision ID: 0005_follow_ups
Revises: 0004_evaluated_tickets
Create Date: 2026-12-06 12:04:20.034179
"""
from alembic import op
import sqlalchemy as sa


revision = '0005_follow_ups'
down_revision = '0004_evaluated_tickets'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('follow_up_thresholds',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('estate_id', sa.Uuid(), nullable=True),
    sa.Column('element', sa.String(length=40), nullable=False),
    sa.Column('threshold', sa.Integer(), nullable=False),
    sa.Column('set_by', sa.String(length=200), nullable=False),
    sa.Column('set_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_follow_up_thresholds'))
    )
    op.create_index(op.f('ix_follow_up_thresholds_estate_id'), 'follow_up_thresholds', ['estate_id'], unique=False)
    op.create_table('follow_ups',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('estate_id', sa.Uuid(), nullable=False),
    sa.Column('answer_id', sa.Uuid(), nullable=False),
    sa.Column('wave_id', sa.Uuid(), nullable=True),
    sa.Column('ticket_id', sa.Uuid(), nullable=True),
    sa.Column('unit_id', sa.Uuid(), nullable=True),
    sa.Column('building_id', sa.Uuid(), nullable=True),
    sa.Column('person_id', sa.Uuid(), nullable=True),
    sa.Column('reasons', sa.JSON(), nullable=False),
    sa.Column('assignee_id', sa.Uuid(), nullable=True),
    sa.Column('state', sa.String(length=10), nullable=False),
    sa.Column('owner_said', sa.Text(), nullable=True),
    sa.Column('visited_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('visited_by', sa.String(length=200), nullable=True),
    sa.Column('opened_by', sa.String(length=200), nullable=False),
    sa.Column('opened_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), server_default=sa.text('1'), nullable=False),
    sa.ForeignKeyConstraint(['answer_id'], ['answers.id'], name=op.f('fk_follow_ups_answer_id_answers')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_follow_ups')),
    sa.UniqueConstraint('answer_id', name=op.f('uq_follow_ups_answer_id'))
    )
    op.create_index(op.f('ix_follow_ups_assignee_id'), 'follow_ups', ['assignee_id'], unique=False)
    op.create_index(op.f('ix_follow_ups_estate_id'), 'follow_ups', ['estate_id'], unique=False)
    op.create_index(op.f('ix_follow_ups_wave_id'), 'follow_ups', ['wave_id'], unique=False)
    op.create_table('actions',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('estate_id', sa.Uuid(), nullable=False),
    sa.Column('follow_up_id', sa.Uuid(), nullable=True),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('responsible_id', sa.Uuid(), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('due_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('state', sa.String(length=10), nullable=False),
    sa.Column('reopened', sa.Integer(), server_default=sa.text('0'), nullable=False),
    sa.Column('overdue_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('done_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('verified_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('verified_by', sa.String(length=200), nullable=True),
    sa.Column('created_by', sa.String(length=200), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), server_default=sa.text('1'), nullable=False),
    sa.ForeignKeyConstraint(['follow_up_id'], ['follow_ups.id'], name=op.f('fk_actions_follow_up_id_follow_ups')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_actions'))
    )
    op.create_index(op.f('ix_actions_estate_id'), 'actions', ['estate_id'], unique=False)
    op.create_index(op.f('ix_actions_follow_up_id'), 'actions', ['follow_up_id'], unique=False)
    op.create_index('ix_actions_overdue_due', 'actions', ['due_at'], unique=False, postgresql_where=sa.text("state = 'open' AND overdue_at IS NULL"), sqlite_where=sa.text("state = 'open' AND overdue_at IS NULL"))
    op.create_index(op.f('ix_actions_responsible_id'), 'actions', ['responsible_id'], unique=False)
    op.create_table('action_steps',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('action_id', sa.Uuid(), nullable=False),
    sa.Column('estate_id', sa.Uuid(), nullable=False),
    sa.Column('step', sa.String(length=10), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('by', sa.String(length=200), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['action_id'], ['actions.id'], name=op.f('fk_action_steps_action_id_actions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_action_steps'))
    )
    op.create_index(op.f('ix_action_steps_action_id'), 'action_steps', ['action_id'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_action_steps_action_id'), table_name='action_steps')
    op.drop_table('action_steps')
    op.drop_index(op.f('ix_actions_responsible_id'), table_name='actions')
    op.drop_index('ix_actions_overdue_due', table_name='actions', postgresql_where=sa.text("state = 'open' AND overdue_at IS NULL"), sqlite_where=sa.text("state = 'open' AND overdue_at IS NULL"))
    op.drop_index(op.f('ix_actions_follow_up_id'), table_name='actions')
    op.drop_index(op.f('ix_actions_estate_id'), table_name='actions')
    op.drop_table('actions')
    op.drop_index(op.f('ix_follow_ups_wave_id'), table_name='follow_ups')
    op.drop_index(op.f('ix_follow_ups_estate_id'), table_name='follow_ups')
    op.drop_index(op.f('ix_follow_ups_assignee_id'), table_name='follow_ups')
    op.drop_table('follow_ups')
    op.drop_index(op.f('ix_follow_up_thresholds_estate_id'), table_name='follow_up_thresholds')
    op.drop_table('follow_up_thresholds')
