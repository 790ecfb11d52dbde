"""the copy of owners declared as every consumer declares it (servicekit.owners_copies)

The gateway's copies of owners' territories, people and occupancies gain the columns the shared
declaration keeps (a territory's building, a person's name and language, an occupancy's role and
move-in date). Rows copied before hold none of them: each row's version steps back by one, so that
`owners replay --consumer gateway --state` (which sends each entity at its current version) writes
them again, whole, while any event older than what the copy held still loses.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-06 12:40:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('territories', schema=None) as batch_op:
        batch_op.add_column(sa.Column('building_id', sa.Uuid(), nullable=True))
    with op.batch_alter_table('people', schema=None) as batch_op:
        batch_op.add_column(sa.Column('name', sa.String(length=100), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('language', sa.String(length=10), nullable=False, server_default='zh-CN'))
    with op.batch_alter_table('people', schema=None) as batch_op:
        batch_op.alter_column('name', existing_type=sa.String(length=100), server_default=None)
    with op.batch_alter_table('occupancies', schema=None) as batch_op:
        batch_op.add_column(sa.Column('role', sa.String(length=20), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('moved_in_on', sa.Date(), nullable=True))
    with op.batch_alter_table('occupancies', schema=None) as batch_op:
        batch_op.alter_column('role', existing_type=sa.String(length=20), server_default=None)
    for table in ('territories', 'people', 'occupancies'):
        op.execute(f"UPDATE {table} SET version = version - 1")


def downgrade() -> None:
    with op.batch_alter_table('occupancies', schema=None) as batch_op:
        batch_op.drop_column('moved_in_on')
        batch_op.drop_column('role')
    with op.batch_alter_table('people', schema=None) as batch_op:
        batch_op.drop_column('language')
        batch_op.drop_column('name')
    with op.batch_alter_table('territories', schema=None) as batch_op:
        batch_op.drop_column('building_id')
