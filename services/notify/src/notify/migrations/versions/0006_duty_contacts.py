"""duty contacts: the operator's people told when an escalation finds nobody in an estate

Revision ID: 0006_duty_contacts
Revises: 0005_receipts_applied_by_sender
Create Date: 2026-12-06 09:30:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0006_duty_contacts'
down_revision = '0005_receipts_applied_by_sender'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "duty_contacts",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("mobile", sa.String(20)),
        sa.Column("email", sa.String(200)),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_duty_contacts")),
    )


def downgrade() -> None:
    op.drop_table("duty_contacts")
