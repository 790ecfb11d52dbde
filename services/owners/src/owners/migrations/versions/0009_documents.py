"""documents (OWN-5): versioned contract and proposal templates, and the DOCX generated for people

Revision ID: 0009_documents
Revises: 0008_prospects
Create Date: 2026-12-06 10:15:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0009_documents'
down_revision = '0008_prospects'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('document_templates',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('estate_id', sa.Uuid(), nullable=True),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('paragraphs', sa.JSON(), nullable=False),
    sa.Column('body', sa.LargeBinary(), nullable=False),
    sa.Column('created_by', sa.String(length=200), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['estate_id'], ['estates.id'], name=op.f('fk_document_templates_estate_id_estates')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_document_templates')),
    sa.UniqueConstraint('estate_id', 'code', 'version', name=op.f('uq_document_templates_estate_id_code_version'))
    )
    with op.batch_alter_table('document_templates') as batch:
        batch.create_index(batch.f('ix_document_templates_estate_id'), ['estate_id'], unique=False)

    op.create_table('documents',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('estate_id', sa.Uuid(), nullable=False),
    sa.Column('person_id', sa.Uuid(), nullable=False),
    sa.Column('unit_id', sa.Uuid(), nullable=True),
    sa.Column('template_id', sa.Uuid(), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('filename', sa.String(length=255), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('content', sa.LargeBinary(), nullable=False),
    sa.Column('generated_by', sa.String(length=200), nullable=False),
    sa.Column('generated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['estate_id'], ['estates.id'], name=op.f('fk_documents_estate_id_estates')),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_documents_person_id_people')),
    sa.ForeignKeyConstraint(['template_id'], ['document_templates.id'], name=op.f('fk_documents_template_id_document_templates')),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_documents_unit_id_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_documents'))
    )
    with op.batch_alter_table('documents') as batch:
        batch.create_index(batch.f('ix_documents_person_id'), ['person_id'], unique=False)

def downgrade() -> None:
    with op.batch_alter_table('documents') as batch:
        batch.drop_index(batch.f('ix_documents_person_id'))

    op.drop_table('documents')
    with op.batch_alter_table('document_templates') as batch:
        batch.drop_index(batch.f('ix_document_templates_estate_id'))

    op.drop_table('document_templates')
