"""knowledge base: the newest published articles walked through an index

A search for a common word looks at the newest published articles first
(tickets.knowledge.views._candidates); this partial index lets it read them newest first and stop.

Revision ID: 0019_knowledge_newest
Revises: 0018_companies
Create Date: 2026-12-06 12:10:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0019_knowledge_newest'
down_revision = '0018_companies'
branch_labels = None
depends_on = None

PUBLISHED = "published_version IS NOT NULL AND active"


def upgrade() -> None:
    op.create_index('ix_kb_articles_newest', 'kb_articles', ['updated_at', 'id'],
                    postgresql_where=sa.text(PUBLISHED), sqlite_where=sa.text(PUBLISHED))


def downgrade() -> None:
    op.drop_index('ix_kb_articles_newest', table_name='kb_articles')
