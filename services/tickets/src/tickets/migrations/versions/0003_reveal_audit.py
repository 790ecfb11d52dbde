"""reveal audit: every full number shown to a caller with pii:reveal is recorded

``pii_reveals`` is servicekit.audit's append-only table, the same as owners': who (subject, role),
when, what (the kind of data, its estate, person and record) and why (the operation that answered).
UPDATE and DELETE are refused by triggers.

Revision ID: 0003_reveal_audit
Revises: 0002
Create Date: 2026-12-06 08:00:00
"""
import sqlalchemy as sa
from alembic import op

from servicekit.audit import append_only_statements, drop_append_only_statements

revision = '0003_reveal_audit'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'pii_reveals',
        sa.Column('id', sa.Uuid(), nullable=False),
        sa.Column('estate_id', sa.Uuid(), nullable=True),
        sa.Column('subject', sa.String(length=100), nullable=False),
        sa.Column('role', sa.String(length=40), nullable=False),
        sa.Column('what', sa.String(length=60), nullable=False),
        sa.Column('person_id', sa.Uuid(), nullable=True),
        sa.Column('record_id', sa.Uuid(), nullable=True),
        sa.Column('why', sa.String(length=200), nullable=False),
        sa.Column('revealed_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_pii_reveals')),
    )
    op.create_index('ix_pii_reveals_estate_id_revealed_at', 'pii_reveals', ['estate_id', 'revealed_at'])
    op.create_index('ix_pii_reveals_person_id', 'pii_reveals', ['person_id'])
    for statement in append_only_statements('pii_reveals', op.get_bind().dialect.name):
        op.execute(statement)


def downgrade() -> None:
    for statement in drop_append_only_statements('pii_reveals', op.get_bind().dialect.name):
        op.execute(statement)
    op.drop_table('pii_reveals')
