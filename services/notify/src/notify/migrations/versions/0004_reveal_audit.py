"""reveal audit: every full number shown to a caller with pii:reveal is recorded

``pii_reveals`` is servicekit.audit's append-only table, the same as owners': who (subject, role),
when, what (the kind of data, its estate, person and record) and why (the operation that answered).
UPDATE and DELETE are refused by triggers.

Revision ID: 0004_reveal_audit
Revises: 0003_rule_freshness
Create Date: 2026-12-06 08:00:00
"""
from alembic import op

from servicekit.audit import create_reveals_table, drop_reveals_table

revision = '0004_reveal_audit'
down_revision = '0003_rule_freshness'
branch_labels = None
depends_on = None


def upgrade() -> None:
    create_reveals_table(op)


def downgrade() -> None:
    drop_reveals_table(op)
