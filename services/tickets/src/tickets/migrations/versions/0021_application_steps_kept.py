"""procedures: overdue steps reminded once, applications withdrawn, what a step collects

A step's ``overdue_at`` marks the reminder the timer sent (tickets.procedures.timer), found by a
partial index on the open steps not yet reminded; an application can be withdrawn (by whom, why);
a step records the documents and the deposit it collected.

Revision ID: 0021_application_steps_kept
Revises: 0020_outcome_department
Create Date: 2026-12-06 12:30:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0021_application_steps_kept'
down_revision = '0020_outcome_department'
branch_labels = None
depends_on = None

DUE = "state = 'open' AND overdue_at IS NULL"


def upgrade() -> None:
    with op.batch_alter_table('application_steps') as batch:
        batch.add_column(sa.Column('overdue_at', sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column('documents', sa.JSON(), nullable=True))
        batch.add_column(sa.Column('deposit', sa.Numeric(12, 2), nullable=True))
        batch.add_column(sa.Column('collects', sa.JSON(), nullable=True))
    op.create_index('ix_application_steps_due', 'application_steps', ['due_at'],
                    postgresql_where=sa.text(DUE), sqlite_where=sa.text(DUE))
    with op.batch_alter_table('applications') as batch:
        batch.add_column(sa.Column('withdrawn_by', sa.String(length=200), nullable=True))
        batch.add_column(sa.Column('withdrawn_reason', sa.String(length=500), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('applications') as batch:
        batch.drop_column('withdrawn_reason')
        batch.drop_column('withdrawn_by')
    op.drop_index('ix_application_steps_due', table_name='application_steps')
    with op.batch_alter_table('application_steps') as batch:
        batch.drop_column('collects')
        batch.drop_column('deposit')
        batch.drop_column('documents')
        batch.drop_column('overdue_at')
