"""call scripts

``call_scripts``: what the desk says on the phone (opening, questions, apology, thanks, replies to
expected problems) per estate (null: the operator's) and kind/class, one row per version.

Revision ID: 0008_call_scripts
Revises: 0007_shifts
Create Date: 2026-12-06 09:49:47.804373
"""
from alembic import op
import sqlalchemy as sa


revision = '0008_call_scripts'
down_revision = '0007_shifts'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('call_scripts',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('estate_id', sa.Uuid(), nullable=True),
    sa.Column('kind', sa.String(length=20), nullable=True),
    sa.Column('complaint_class', sa.String(length=20), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('opening', sa.Text(), nullable=False),
    sa.Column('questions', sa.JSON(), nullable=False),
    sa.Column('apology', sa.Text(), server_default='', nullable=False),
    sa.Column('thanks', sa.Text(), server_default='', nullable=False),
    sa.Column('replies', sa.JSON(), nullable=False),
    sa.Column('closing', sa.Text(), server_default='', nullable=False),
    sa.Column('created_by', sa.String(length=200), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_call_scripts'))
    )
    with op.batch_alter_table('call_scripts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_call_scripts_estate_id'), ['estate_id'], unique=False)
        batch_op.create_index('ix_call_scripts_fit', ['estate_id', 'kind', 'complaint_class', 'version'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('call_scripts', schema=None) as batch_op:
        batch_op.drop_index('ix_call_scripts_fit')
        batch_op.drop_index(batch_op.f('ix_call_scripts_estate_id'))

    op.drop_table('call_scripts')
