"""drop the indexes another index already leads with: every ticket opened wrote each of them for
nothing (ix_tickets_estate_id: ix_tickets_estate_created; ix_tickets_unit_id: ix_tickets_duplicates;
ix_deadlines_ticket_id: uq_deadlines_ticket_id_target, three rows a ticket)

Revision ID: 0023_redundant_indexes
Revises: 0022_dashboard_indexes
Create Date: 2026-12-06 18:10:00
"""
from alembic import op

revision = '0023_redundant_indexes'
down_revision = '0022_dashboard_indexes'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_index('ix_deadlines_ticket_id', table_name='deadlines')
    op.drop_index('ix_tickets_unit_id', table_name='tickets')
    op.drop_index('ix_tickets_estate_id', table_name='tickets')


def downgrade() -> None:
    op.create_index('ix_tickets_estate_id', 'tickets', ['estate_id'], unique=False)
    op.create_index('ix_tickets_unit_id', 'tickets', ['unit_id'], unique=False)
    op.create_index('ix_deadlines_ticket_id', 'deadlines', ['ticket_id'], unique=False)
