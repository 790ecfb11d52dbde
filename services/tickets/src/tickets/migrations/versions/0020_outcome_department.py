"""complaint outcomes: the responsible department as a department of tickets' copy of owners'

The free text ``responsible_department`` stays for a department the register does not have.

Revision ID: 0020_outcome_department
Revises: 0019_knowledge_newest
Create Date: 2026-12-06 12:20:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0020_outcome_department'
down_revision = '0019_knowledge_newest'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('complaint_outcomes') as batch:
        batch.add_column(sa.Column('responsible_department_id', sa.Uuid(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('complaint_outcomes') as batch:
        batch.drop_column('responsible_department_id')
