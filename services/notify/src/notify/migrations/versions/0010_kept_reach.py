"""a completed notice's reach kept on it (recipients with the excluded, the excluded, the reached):
an estate's reach (the estate dashboard, issue 23) adds them up instead of counting every message of
its finished notices; the notices completed before this revision have theirs counted here

Revision ID: 0010_kept_reach
Revises: 0009_reach_indexes
Create Date: 2026-12-06 21:00:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0010_kept_reach'
down_revision = '0009_reach_indexes'
branch_labels = None
depends_on = None

# notify.tables.REACHING as it was when this migration was written.
REACHING = "((channel = 'in_app' AND state = 'read') OR (channel <> 'in_app' AND state IN ('delivered', 'read')))"

# Each completed (sent) notice's counts, as notify.tracking.views.estate_reach counts a notice not kept.
FILL = f"""
    UPDATE notices SET
        kept_recipients = (SELECT count(*) FROM recipients WHERE recipients.notice_id = notices.id),
        kept_excluded = (SELECT count(*) FROM recipients
                         WHERE recipients.notice_id = notices.id AND recipients.excluded IS NOT NULL),
        kept_reached = (SELECT count(DISTINCT messages.recipient_id) FROM messages
                        WHERE messages.notice_id = notices.id AND {REACHING})
    WHERE status = 'sent'"""


def upgrade() -> None:
    with op.batch_alter_table('notices') as batch:
        batch.add_column(sa.Column('kept_recipients', sa.Integer(), nullable=True))
        batch.add_column(sa.Column('kept_excluded', sa.Integer(), nullable=True))
        batch.add_column(sa.Column('kept_reached', sa.Integer(), nullable=True))
    op.execute(FILL)


def downgrade() -> None:
    with op.batch_alter_table('notices') as batch:
        batch.drop_column('kept_reached')
        batch.drop_column('kept_excluded')
        batch.drop_column('kept_recipients')
