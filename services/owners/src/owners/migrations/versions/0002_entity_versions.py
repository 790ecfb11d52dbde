"""entity versions: newer wins

Every entity that has events gets ``version`` (1 when created, +1 with every change, carried in its
events) so that a consumer can ignore a stale or replayed event; a unit's contact list gets its own
``contacts_version``. Existing rows start at version 1; a unit that has a contact list already
starts its list at 1, one without at 0 (no list published yet).

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-01 12:45:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None

VERSIONED = ('estates', 'buildings', 'units', 'people', 'occupancies', 'staff', 'territories')


def upgrade() -> None:
    for table in VERSIONED:
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column('version', sa.Integer(), server_default=sa.text('1'), nullable=False))
    with op.batch_alter_table('units') as batch:
        batch.add_column(sa.Column('contacts_version', sa.Integer(), server_default=sa.text('0'), nullable=False))
    op.execute("UPDATE units SET contacts_version = 1 WHERE EXISTS "
               "(SELECT 1 FROM unit_contacts WHERE unit_contacts.unit_id = units.id)")


def downgrade() -> None:
    with op.batch_alter_table('units') as batch:
        batch.drop_column('contacts_version')
    for table in reversed(VERSIONED):
        with op.batch_alter_table(table) as batch:
            batch.drop_column('version')
