"""fewer index entries per message write: a message row is written three or four times in its life
(queued, sending, sent, delivered), none of them a HOT update (``state`` is indexed), so every
index of ``messages`` takes an entry at every write. No query reads messages by ``estate_id`` (its
index is dropped); ``person_id`` is read only for a person's in-app inbox (partial: in-app only);
``dedupe_key`` is only a rule's message's (partial: not null). ``ix_receipts_unapplied`` (every
receipt, by ``applied_at``) is served by the partial indexes on the unapplied ones (dropped).

Revision ID: 0011_fewer_message_indexes
Revises: 0010_kept_reach
Create Date: 2026-12-06 21:10:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0011_fewer_message_indexes'
down_revision = '0010_kept_reach'
branch_labels = None
depends_on = None

# notify.tables.IN_INBOX_CHANNEL and the dedupe key's predicate as they were when this was written.
IN_APP = "channel = 'in_app'"
KEYED = "dedupe_key IS NOT NULL"


def upgrade() -> None:
    with op.batch_alter_table('messages') as batch:
        batch.drop_constraint('uq_messages_dedupe_key', type_='unique')
        batch.drop_index('ix_messages_estate_id')
        batch.drop_index('ix_messages_person_id')
    op.create_index('uq_messages_dedupe_key', 'messages', ['dedupe_key'], unique=True,
                    postgresql_where=sa.text(KEYED), sqlite_where=sa.text(KEYED))
    op.create_index('ix_messages_inbox', 'messages', ['person_id'], unique=False,
                    postgresql_where=sa.text(IN_APP), sqlite_where=sa.text(IN_APP))
    op.drop_index('ix_receipts_unapplied', table_name='receipts')


def downgrade() -> None:
    op.create_index('ix_receipts_unapplied', 'receipts', ['applied_at'], unique=False)
    op.drop_index('ix_messages_inbox', table_name='messages')
    op.drop_index('uq_messages_dedupe_key', table_name='messages')
    with op.batch_alter_table('messages') as batch:
        batch.create_index('ix_messages_person_id', ['person_id'], unique=False)
        batch.create_index('ix_messages_estate_id', ['estate_id'], unique=False)
        batch.create_unique_constraint('uq_messages_dedupe_key', ['dedupe_key'])
