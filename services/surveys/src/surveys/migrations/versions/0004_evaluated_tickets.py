"""evaluated tickets (SRV-5): a ticket evaluated at the desk first is not asked after it is resolved

Revision ID: 0004_evaluated_tickets
Revises: 0003_invitations_and_answers
Create Date: 2026-12-06 09:55:09.812608
"""
from alembic import op
import sqlalchemy as sa


revision = '0004_evaluated_tickets'
down_revision = '0003_invitations_and_answers'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('evaluated_tickets',
    sa.Column('ticket_id', sa.Uuid(), nullable=False),
    sa.Column('estate_id', sa.Uuid(), nullable=False),
    sa.Column('channel', sa.String(length=20), nullable=False),
    sa.Column('evaluated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('ticket_id', name=op.f('pk_evaluated_tickets'))
    )


def downgrade() -> None:
    op.drop_table('evaluated_tickets')
