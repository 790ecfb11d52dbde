"""knowledge base and training cases (TKT-10)

Articles (problems and their solutions) with every version, its author and review; the published
version's search terms (tickets.domain.search_terms) indexed by GIN on PostgreSQL; closed
complaints made into anonymised training cases.

Revision ID: 0012_knowledge_base
Revises: 0011_service_catalogue
Create Date: 2026-12-06 09:35:14.352790
"""
import sqlalchemy as sa
from alembic import op

from servicekit.db import SearchTerms


revision = '0012_knowledge_base'
down_revision = '0011_service_catalogue'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('kb_articles',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('estate_id', sa.Uuid(), nullable=True),
    sa.Column('latest_version', sa.Integer(), nullable=False),
    sa.Column('published_version', sa.Integer(), nullable=True),
    sa.Column('title', sa.String(length=200), nullable=True),
    sa.Column('symptoms', sa.Text(), nullable=True),
    sa.Column('steps', sa.JSON(), nullable=True),
    sa.Column('kinds', sa.JSON(), nullable=True),
    sa.Column('categories', sa.JSON(), nullable=True),
    sa.Column('attachments', sa.JSON(), nullable=True),
    sa.Column('terms', SearchTerms(), nullable=True),
    sa.Column('active', sa.Boolean(), server_default=sa.text('(true)'), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_kb_articles'))
    )
    with op.batch_alter_table('kb_articles', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_kb_articles_estate_id'), ['estate_id'], unique=False)
    if op.get_bind().dialect.name == "postgresql":
        op.create_index('ix_kb_articles_terms', 'kb_articles', ['terms'], postgresql_using='gin')

    op.create_table('kb_article_versions',
    sa.Column('article_id', sa.Uuid(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('estate_id', sa.Uuid(), nullable=True),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('symptoms', sa.Text(), nullable=False),
    sa.Column('steps', sa.JSON(), nullable=False),
    sa.Column('kinds', sa.JSON(), nullable=False),
    sa.Column('categories', sa.JSON(), nullable=False),
    sa.Column('attachments', sa.JSON(), nullable=False),
    sa.Column('author', sa.String(length=200), nullable=False),
    sa.Column('written_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('review_state', sa.String(length=10), nullable=False),
    sa.Column('reviewed_by', sa.String(length=200), nullable=True),
    sa.Column('reviewed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('review_note', sa.String(length=1000), server_default='', nullable=False),
    sa.ForeignKeyConstraint(['article_id'], ['kb_articles.id'], name=op.f('fk_kb_article_versions_article_id_kb_articles'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('article_id', 'version', name=op.f('pk_kb_article_versions'))
    )
    op.create_table('training_cases',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('estate_id', sa.Uuid(), nullable=False),
    sa.Column('ticket_id', sa.Uuid(), nullable=True),
    sa.Column('complaint_class', sa.String(length=20), nullable=False),
    sa.Column('quality_aspect', sa.String(length=20), nullable=True),
    sa.Column('subtype', sa.String(length=40), nullable=True),
    sa.Column('root_cause', sa.String(length=40), nullable=True),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('story', sa.Text(), nullable=False),
    sa.Column('lesson', sa.Text(), nullable=False),
    sa.Column('created_by', sa.String(length=200), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['ticket_id'], ['tickets.id'], name=op.f('fk_training_cases_ticket_id_tickets'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_training_cases')),
    sa.UniqueConstraint('ticket_id', name=op.f('uq_training_cases_ticket_id'))
    )
    with op.batch_alter_table('training_cases', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_training_cases_estate_id'), ['estate_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('training_cases', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_training_cases_estate_id'))

    op.drop_table('training_cases')
    op.drop_table('kb_article_versions')
    with op.batch_alter_table('kb_articles', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_kb_articles_estate_id'))

    op.drop_table('kb_articles')
