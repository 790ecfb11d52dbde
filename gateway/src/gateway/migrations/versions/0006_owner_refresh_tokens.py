"""owner refresh tokens: a refresh token is a staff account's or an owner's (person id, mobile)

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-06 12:30:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('refresh_tokens', schema=None) as batch_op:
        batch_op.alter_column('account_id', existing_type=sa.Uuid(), nullable=True)
        batch_op.add_column(sa.Column('person_id', sa.Uuid(), nullable=True))
        batch_op.add_column(sa.Column('mobile', sa.String(length=32), nullable=True))
        batch_op.create_index(batch_op.f('ix_refresh_tokens_person_id'), ['person_id'], unique=False)


def downgrade() -> None:
    op.execute("DELETE FROM refresh_tokens WHERE account_id IS NULL")
    with op.batch_alter_table('refresh_tokens', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_refresh_tokens_person_id'))
        batch_op.drop_column('mobile')
        batch_op.drop_column('person_id')
        batch_op.alter_column('account_id', existing_type=sa.Uuid(), nullable=False)
