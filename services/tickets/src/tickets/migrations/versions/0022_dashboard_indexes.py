"""the estate dashboard's indexes (GW-2): an estate's open tickets by stage read from a partial index
alone, and its deadlines warned or breached since a day or a month found by estate and time

Revision ID: 0022_dashboard_indexes
Revises: 0021_application_steps_kept
Create Date: 2026-12-06 15:00:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0022_dashboard_indexes'
down_revision = '0021_application_steps_kept'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index('ix_tickets_estate_open_stage', 'tickets', ['estate_id', 'stage'], unique=False,
                    postgresql_where=sa.text("stage NOT IN ('archived', 'merged', 'cancelled')"))
    op.create_index('ix_deadlines_estate_warned', 'deadlines', ['estate_id', 'warned_at'], unique=False,
                    postgresql_where=sa.text('warned_at IS NOT NULL'))
    op.create_index('ix_deadlines_estate_breached', 'deadlines', ['estate_id', 'breached_at'], unique=False,
                    postgresql_where=sa.text('breached_at IS NOT NULL'))


def downgrade() -> None:
    op.drop_index('ix_deadlines_estate_breached', table_name='deadlines')
    op.drop_index('ix_deadlines_estate_warned', table_name='deadlines')
    op.drop_index('ix_tickets_estate_open_stage', table_name='tickets')
