"""reveal audit: servicekit's append-only table, the same in every service

``pii_reveals`` takes the shape of :func:`servicekit.audit.reveal_audit_table`: besides who
(``subject``) and when, the caller's ``role``, ``what`` was shown (``person.contact_points``,
``unit.contacts``), the ``record_id`` answered and ``why`` (the operation); the estate and the person
may be unknown in other services' records, so both may be null. A row written before this revision
was a person's numbers shown by ``GET /api/v1/people/{id}`` or a unit's contacts: it keeps its
who, when and whose, with ``what`` "person.contact_points", and ``role`` and ``why`` unknown ("").
UPDATE and DELETE are refused by triggers from now on.

Revision ID: 0003_reveal_audit
Revises: 0002
Create Date: 2026-12-06 08:00:00
"""
import sqlalchemy as sa
from alembic import op

from servicekit.audit import append_only_statements, drop_append_only_statements

revision = '0003_reveal_audit'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('pii_reveals') as batch:
        batch.add_column(sa.Column('role', sa.String(length=40), nullable=False, server_default=''))
        batch.add_column(sa.Column('what', sa.String(length=60), nullable=False,
                                   server_default='person.contact_points'))
        batch.add_column(sa.Column('record_id', sa.Uuid(), nullable=True))
        batch.add_column(sa.Column('why', sa.String(length=200), nullable=False, server_default=''))
        batch.alter_column('estate_id', existing_type=sa.Uuid(), nullable=True)
        batch.alter_column('person_id', existing_type=sa.Uuid(), nullable=True)
        batch.create_index('ix_pii_reveals_estate_id_revealed_at', ['estate_id', 'revealed_at'])
        batch.create_index('ix_pii_reveals_person_id', ['person_id'])
    with op.batch_alter_table('pii_reveals') as batch:  # the defaults were for the rows there already
        for column in ('role', 'what', 'why'):
            batch.alter_column(column, server_default=None)
    for statement in append_only_statements('pii_reveals', op.get_bind().dialect.name):
        op.execute(statement)


def downgrade() -> None:
    for statement in drop_append_only_statements('pii_reveals', op.get_bind().dialect.name):
        op.execute(statement)
    with op.batch_alter_table('pii_reveals') as batch:
        batch.drop_index('ix_pii_reveals_person_id')
        batch.drop_index('ix_pii_reveals_estate_id_revealed_at')
        batch.alter_column('person_id', existing_type=sa.Uuid(), nullable=False)
        batch.alter_column('estate_id', existing_type=sa.Uuid(), nullable=False)
        batch.drop_column('why')
        batch.drop_column('record_id')
        batch.drop_column('what')
        batch.drop_column('role')
