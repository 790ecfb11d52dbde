"""receipts applied by the sender: the web process only stores them

``receipts.check_after``: a receipt that could not be applied when the sender looked (its call not
marked yet, its message locked or unknown) is not looked at again before then; the partial index
``ix_receipts_to_apply`` lists the receipts still to apply, oldest first, and
``ix_receipts_pending_ref`` / ``ix_receipts_pending_out_id`` find those of a call just marked.

Revision ID: 0005_receipts_applied_by_sender
Revises: 0004_reveal_audit
Create Date: 2026-12-06 09:40:00
"""
import sqlalchemy as sa
from alembic import op

from servicekit.db import UtcDateTime

revision = '0005_receipts_applied_by_sender'
down_revision = '0004_reveal_audit'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('receipts') as batch:
        batch.add_column(sa.Column('check_after', UtcDateTime(), nullable=True))
    for name, column in (('ix_receipts_to_apply', 'received_at'), ('ix_receipts_pending_ref', 'provider_ref'),
                         ('ix_receipts_pending_out_id', 'out_id')):
        op.create_index(name, 'receipts', [column], postgresql_where=sa.text('applied_at IS NULL'),
                        sqlite_where=sa.text('applied_at IS NULL'))


def downgrade() -> None:
    for name in ('ix_receipts_to_apply', 'ix_receipts_pending_ref', 'ix_receipts_pending_out_id'):
        op.drop_index(name, table_name='receipts')
    with op.batch_alter_table('receipts') as batch:
        batch.drop_column('check_after')
