"""messages by recipient: a person's notices (the owner's whole picture, GW-2) read their households'
messages through this index instead of every message of each notice

Revision ID: 0008_messages_by_recipient
Revises: 0007_companies
Create Date: 2026-12-06 15:00:00
"""
from alembic import op

revision = '0008_messages_by_recipient'
down_revision = '0007_companies'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('messages') as batch:
        batch.create_index(batch.f('ix_messages_recipient_id'), ['recipient_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('messages') as batch:
        batch.drop_index(batch.f('ix_messages_recipient_id'))
