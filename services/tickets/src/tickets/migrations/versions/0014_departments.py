"""departments (OWN-9): tickets' copy of owners' departments, and a ticket's responsible department

A ticket may name the department responsible for it: dispatch chooses among that department's
members (then by territory, skill and load), an unassigned ticket of a department is in its queue,
and a complaint naming a department is reported to that department's supervisor.

Revision ID: 0014_departments
Revises: 0013_procedures
Create Date: 2026-12-06 09:30:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0014_departments'
down_revision = '0013_procedures'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'departments',
        sa.Column('id', sa.Uuid(), nullable=False),
        sa.Column('estate_id', sa.Uuid(), nullable=False),
        sa.Column('code', sa.String(length=40), nullable=False),
        sa.Column('name', sa.String(length=100), nullable=False),
        sa.Column('supervisor_id', sa.Uuid(), nullable=True),
        sa.Column('members', sa.JSON(), nullable=False),
        sa.Column('active', sa.Boolean(), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_departments')),
    )
    with op.batch_alter_table('departments') as batch:
        batch.create_index(batch.f('ix_departments_estate_id'), ['estate_id'], unique=False)
    with op.batch_alter_table('tickets') as batch:
        batch.add_column(sa.Column('department_id', sa.Uuid(), nullable=True))
        batch.create_index(batch.f('ix_tickets_department_id'), ['department_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('tickets') as batch:
        batch.drop_index(batch.f('ix_tickets_department_id'))
        batch.drop_column('department_id')
    with op.batch_alter_table('departments') as batch:
        batch.drop_index(batch.f('ix_departments_estate_id'))
    op.drop_table('departments')
