"""complaint outcomes: sub-type, root cause, responsible department, commitment, justified, media and legal flags

A complaint's record ended at "evaluated" and said nothing of why it happened or what was
promised (TKT-14). One row per complaint, written once someone records its outcome.

Revision ID: 0010_complaint_outcomes
Revises: 0009_evaluation_channel
Create Date: 2026-12-06 09:30:00
"""
import sqlalchemy as sa
from alembic import op


revision = '0010_complaint_outcomes'
down_revision = '0009_evaluation_channel'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'complaint_outcomes',
        sa.Column('ticket_id', sa.Uuid(), nullable=False),
        sa.Column('estate_id', sa.Uuid(), nullable=False),
        sa.Column('subtype', sa.String(length=40), nullable=True),
        sa.Column('root_cause', sa.String(length=40), nullable=True),
        sa.Column('root_cause_note', sa.String(length=2000), server_default='', nullable=False),
        sa.Column('responsible_department', sa.String(length=100), nullable=True),
        sa.Column('commitment', sa.String(length=2000), server_default='', nullable=False),
        sa.Column('justified', sa.Boolean(), nullable=True),
        sa.Column('review_note', sa.String(length=2000), server_default='', nullable=False),
        sa.Column('reviewed_by', sa.String(length=200), nullable=True),
        sa.Column('reviewed_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('media_involved', sa.Boolean(), server_default=sa.text('false'), nullable=False),
        sa.Column('legal_referral', sa.Boolean(), server_default=sa.text('false'), nullable=False),
        sa.Column('updated_by', sa.String(length=200), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('version', sa.Integer(), server_default=sa.text('1'), nullable=False),
        sa.ForeignKeyConstraint(['ticket_id'], ['tickets.id'], name=op.f('fk_complaint_outcomes_ticket_id_tickets'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('ticket_id', name=op.f('pk_complaint_outcomes')),
    )
    with op.batch_alter_table('complaint_outcomes') as batch:
        batch.create_index(batch.f('ix_complaint_outcomes_estate_id'), ['estate_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('complaint_outcomes') as batch:
        batch.drop_index(batch.f('ix_complaint_outcomes_estate_id'))
    op.drop_table('complaint_outcomes')
