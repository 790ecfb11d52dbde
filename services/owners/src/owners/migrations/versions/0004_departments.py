"""departments (OWN-9): an estate's departments with a supervisor each, their members, the operator's templates

A department of no estate is the operator's template (a code and a name every estate should have);
an estate's departments are made from the templates or one by one. A member of staff may belong to
several departments.

Revision ID: 0004_departments
Revises: 0003_reveal_audit
Create Date: 2026-12-06 09:13:25
"""
import sqlalchemy as sa
from alembic import op

revision = '0004_departments'
down_revision = '0003_reveal_audit'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'departments',
        sa.Column('id', sa.Uuid(), nullable=False),
        sa.Column('estate_id', sa.Uuid(), nullable=True),
        sa.Column('code', sa.String(length=40), nullable=False),
        sa.Column('name', sa.String(length=100), nullable=False),
        sa.Column('supervisor_id', sa.Uuid(), nullable=True),
        sa.Column('active', sa.Boolean(), server_default=sa.text('true'), nullable=False),
        sa.Column('version', sa.Integer(), server_default=sa.text('1'), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['estate_id'], ['estates.id'], name=op.f('fk_departments_estate_id_estates')),
        sa.ForeignKeyConstraint(['supervisor_id'], ['staff.id'], name=op.f('fk_departments_supervisor_id_staff')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_departments')),
        sa.UniqueConstraint('estate_id', 'code', name=op.f('uq_departments_estate_id_code')),
    )
    with op.batch_alter_table('departments') as batch:
        batch.create_index(batch.f('ix_departments_estate_id'), ['estate_id'], unique=False)
    op.create_table(
        'department_members',
        sa.Column('department_id', sa.Uuid(), nullable=False),
        sa.Column('staff_id', sa.Uuid(), nullable=False),
        sa.Column('estate_id', sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(['department_id'], ['departments.id'],
                                name=op.f('fk_department_members_department_id_departments'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['estate_id'], ['estates.id'], name=op.f('fk_department_members_estate_id_estates')),
        sa.ForeignKeyConstraint(['staff_id'], ['staff.id'], name=op.f('fk_department_members_staff_id_staff')),
        sa.PrimaryKeyConstraint('department_id', 'staff_id', name=op.f('pk_department_members')),
    )
    with op.batch_alter_table('department_members') as batch:
        batch.create_index(batch.f('ix_department_members_staff_id'), ['staff_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('department_members') as batch:
        batch.drop_index(batch.f('ix_department_members_staff_id'))
    op.drop_table('department_members')
    with op.batch_alter_table('departments') as batch:
        batch.drop_index(batch.f('ix_departments_estate_id'))
    op.drop_table('departments')
