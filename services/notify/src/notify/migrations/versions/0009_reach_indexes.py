"""an estate's reach from indexes alone (the estate dashboard, GW-2): its notices' recipients with the
excluded, and the messages that reached them by notice and recipient (a partial index)

Revision ID: 0009_reach_indexes
Revises: 0008_messages_by_recipient
Create Date: 2026-12-06 15:30:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0009_reach_indexes'
down_revision = '0008_messages_by_recipient'
branch_labels = None
depends_on = None

# notify.tables.REACHING as it was when this migration was written.
REACHING = "((channel = 'in_app' AND state = 'read') OR (channel <> 'in_app' AND state IN ('delivered', 'read')))"


def upgrade() -> None:
    op.create_index('ix_recipients_notice_excluded', 'recipients', ['notice_id', 'excluded'], unique=False)
    op.create_index('ix_messages_reaching', 'messages', ['notice_id', 'recipient_id'], unique=False,
                    postgresql_where=sa.text(REACHING))


def downgrade() -> None:
    op.drop_index('ix_messages_reaching', table_name='messages')
    op.drop_index('ix_recipients_notice_excluded', table_name='recipients')
