"""owners' forums (SRV-6): forums, their invited households and attendance; a forum's suggestions are actions

Revision ID: 0008_forums
Revises: 0007_bulletins
Create Date: 2026-12-06 12:55:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0008_forums'
down_revision = '0007_bulletins'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('forums',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('estate_id', sa.Uuid(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('held_on', sa.Date(), nullable=False),
    sa.Column('place', sa.String(length=200), nullable=True),
    sa.Column('created_by', sa.String(length=200), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_forums'))
    )
    op.create_index(op.f('ix_forums_estate_id'), 'forums', ['estate_id'], unique=False)
    op.create_table('forum_invitees',
    sa.Column('forum_id', sa.Uuid(), nullable=False),
    sa.Column('unit_id', sa.Uuid(), nullable=False),
    sa.Column('estate_id', sa.Uuid(), nullable=False),
    sa.Column('held_on', sa.Date(), nullable=False),
    sa.Column('attended', sa.Boolean(), server_default=sa.text('false'), nullable=False),
    sa.ForeignKeyConstraint(['forum_id'], ['forums.id'], name=op.f('fk_forum_invitees_forum_id_forums')),
    sa.PrimaryKeyConstraint('forum_id', 'unit_id', name=op.f('pk_forum_invitees'))
    )
    op.create_index(op.f('ix_forum_invitees_estate_id'), 'forum_invitees', ['estate_id'], unique=False)
    with op.batch_alter_table('actions') as batch:
        batch.add_column(sa.Column('forum_id', sa.Uuid(), nullable=True))
        batch.create_index(batch.f('ix_actions_forum_id'), ['forum_id'], unique=False)
        batch.create_foreign_key(batch.f('fk_actions_forum_id_forums'), 'forums', ['forum_id'], ['id'])


def downgrade() -> None:
    with op.batch_alter_table('actions') as batch:
        batch.drop_constraint(batch.f('fk_actions_forum_id_forums'), type_='foreignkey')
        batch.drop_index(batch.f('ix_actions_forum_id'))
        batch.drop_column('forum_id')
    op.drop_index(op.f('ix_forum_invitees_estate_id'), table_name='forum_invitees')
    op.drop_table('forum_invitees')
    op.drop_index(op.f('ix_forums_estate_id'), table_name='forums')
    op.drop_table('forums')
