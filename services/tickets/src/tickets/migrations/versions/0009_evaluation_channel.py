"""evaluation channel: how the owner's evaluation of a ticket came (desk, or survey: the owner answered
surveys' question after the ticket, SRV-5)

Revision ID: 0009_evaluation_channel
Revises: 0008_call_scripts
Create Date: 2026-12-06 10:00:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0009_evaluation_channel'
down_revision = '0008_call_scripts'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('tickets', schema=None) as batch_op:
        batch_op.add_column(sa.Column('evaluation_channel', sa.String(length=20), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('tickets', schema=None) as batch_op:
        batch_op.drop_column('evaluation_channel')
