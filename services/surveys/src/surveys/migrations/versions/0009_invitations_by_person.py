"""invitations by person: a person's answers (the owner's whole picture, GW-2) find their
invitations through this index instead of reading every invitation

Revision ID: 0009_invitations_by_person
Revises: 0008_forums
Create Date: 2026-12-06 15:00:00
"""
from alembic import op

revision = '0009_invitations_by_person'
down_revision = '0008_forums'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('invitations') as batch:
        batch.create_index(batch.f('ix_invitations_person_id'), ['person_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('invitations') as batch:
        batch.drop_index(batch.f('ix_invitations_person_id'))
