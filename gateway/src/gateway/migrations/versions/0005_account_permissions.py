"""account permissions: what an admin granted an account beside its role (pii:reveal)

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-06 12:20:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('account_permissions',
    sa.Column('account_id', sa.Uuid(), nullable=False),
    sa.Column('permission', sa.String(length=40), nullable=False),
    sa.Column('granted_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('granted_by', sa.String(length=100), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], name=op.f('fk_account_permissions_account_id_accounts'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('account_id', 'permission', name=op.f('pk_account_permissions'))
    )


def downgrade() -> None:
    op.drop_table('account_permissions')
