"""idempotency keys kept by servicekit.idempotency; a notice no longer keeps its own

Revision ID: 0002_idempotency_keys
Revises: 0001
Create Date: 2026-12-06 08:00:00

POST notices and POST messages keep their Idempotency-Keys in ``idempotency_keys`` (per caller and
operation, with a hash of the body), as every service does. The key each notice kept in its own
column (per estate, compared field by field) goes: a key given before this migration is not
remembered after it (a retry of such a call makes a second notice).
"""
from alembic import op
import sqlalchemy as sa


revision = '0002_idempotency_keys'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('idempotency_keys',
    sa.Column('caller', sa.String(length=64), nullable=False),
    sa.Column('operation', sa.String(length=100), nullable=False),
    sa.Column('key', sa.String(length=200), nullable=False),
    sa.Column('body_hash', sa.String(length=64), nullable=False),
    sa.Column('answer', sa.String(length=200), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('caller', 'operation', 'key', name=op.f('pk_idempotency_keys'))
    )
    with op.batch_alter_table('notices', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_notices_estate_id_idempotency_key'), type_='unique')
        batch_op.drop_column('idempotency_key')


def downgrade() -> None:
    with op.batch_alter_table('notices', schema=None) as batch_op:
        batch_op.add_column(sa.Column('idempotency_key', sa.String(length=200), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_notices_estate_id_idempotency_key'),
                                          ['estate_id', 'idempotency_key'])
    op.drop_table('idempotency_keys')
