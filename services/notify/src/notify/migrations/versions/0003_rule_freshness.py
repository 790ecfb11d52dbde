"""a rule's freshness window: how old an event it still answers

Revision ID: 0003_rule_freshness
Revises: 0002_idempotency_keys
Create Date: 2026-12-06 09:00:00

``rules.fresh_for_minutes`` (null: the default window of notify.domain.freshness). Rules already
written keep null, so they answer what the default window holds: nothing older than a day, where
before they answered events of any age.
"""
from alembic import op
import sqlalchemy as sa


revision = '0003_rule_freshness'
down_revision = '0002_idempotency_keys'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('rules') as batch:
        batch.add_column(sa.Column('fresh_for_minutes', sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('rules') as batch:
        batch.drop_column('fresh_for_minutes')
