"""idempotency keys: one behaviour in every service

The keys of ``POST /api/v1/tickets`` move from three columns of ``tickets`` (one ticket per token
subject and key) to the ``idempotency_keys`` table of servicekit.idempotency, which names the
caller by role, subject and estates and the operation too. A key remembered before this revision
cannot be carried over (the caller's role and estates were never stored): a retry of a call made
before the upgrade, with the same key, opens a new ticket.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-06 12:00:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'idempotency_keys',
        sa.Column('caller', sa.String(length=64), nullable=False),
        sa.Column('operation', sa.String(length=100), nullable=False),
        sa.Column('key', sa.String(length=200), nullable=False),
        sa.Column('body_hash', sa.String(length=64), nullable=False),
        sa.Column('answer', sa.String(length=200), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('caller', 'operation', 'key', name=op.f('pk_idempotency_keys')),
    )
    with op.batch_alter_table('tickets') as batch:
        batch.drop_constraint('uq_tickets_client_id_idempotency_key', type_='unique')
        batch.drop_column('request_hash')
        batch.drop_column('idempotency_key')
        batch.drop_column('client_id')


def downgrade() -> None:
    with op.batch_alter_table('tickets') as batch:
        batch.add_column(sa.Column('client_id', sa.String(length=200), nullable=True))
        batch.add_column(sa.Column('idempotency_key', sa.String(length=200), nullable=True))
        batch.add_column(sa.Column('request_hash', sa.String(length=64), nullable=True))
        batch.create_unique_constraint('uq_tickets_client_id_idempotency_key', ['client_id', 'idempotency_key'])
    op.drop_table('idempotency_keys')
