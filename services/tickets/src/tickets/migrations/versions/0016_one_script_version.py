"""one_script_version (issue 20): one number per version of a call script

Two versions of a script written at once could both take the next number. A unique index on
(estate, kind, class, version), with a null estate, kind or class counting as one value, lets the
first win; the use case tries the next number. Versions already numbered twice are numbered again
in the order they were written first (1..n per script, which leaves a clean history unchanged).

Revision ID: 0016_one_script_version
Revises: 0015_equipment
Create Date: 2026-12-06 12:20:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0016_one_script_version'
down_revision = '0015_equipment'
branch_labels = None
depends_on = None

NO_ESTATE = "'00000000-0000-0000-0000-000000000000'"


def upgrade() -> None:
    op.execute(
        "UPDATE call_scripts SET version = ranked.n FROM ("
        " SELECT id, row_number() OVER (PARTITION BY estate_id, kind, complaint_class"
        " ORDER BY version, created_at, id) AS n FROM call_scripts) AS ranked"
        " WHERE call_scripts.id = ranked.id AND call_scripts.version <> ranked.n")
    op.create_index('uq_call_scripts_version', 'call_scripts', [
        sa.text(f"coalesce(estate_id, {NO_ESTATE})"), sa.text("coalesce(kind, '')"),
        sa.text("coalesce(complaint_class, '')"), sa.text('version')], unique=True)


def downgrade() -> None:
    op.drop_index('uq_call_scripts_version', table_name='call_scripts')
