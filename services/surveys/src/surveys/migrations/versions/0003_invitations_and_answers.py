"""invitations and answers: one invitation per person asked with its links' token hashes, one answer
per invitation or entered by staff with its channel, each submitted score, the token-guess buckets

Revision ID: 0003_invitations_and_answers
Revises: 0002_waves
Create Date: 2026-12-06 09:36:15.236640
"""
from alembic import op
import sqlalchemy as sa


revision = '0003_invitations_and_answers'
down_revision = '0002_waves'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('rate_budgets',
    sa.Column('key', sa.String(length=80), nullable=False),
    sa.Column('tokens', sa.Float(), nullable=False),
    sa.Column('refilled_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_rate_budgets'))
    )
    op.create_table('invitations',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('estate_id', sa.Uuid(), nullable=False),
    sa.Column('purpose', sa.String(length=10), nullable=False),
    sa.Column('wave_id', sa.Uuid(), nullable=True),
    sa.Column('ticket_id', sa.Uuid(), nullable=True),
    sa.Column('unit_id', sa.Uuid(), nullable=True),
    sa.Column('person_id', sa.Uuid(), nullable=False),
    sa.Column('questionnaire_version_id', sa.Uuid(), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('state', sa.String(length=10), nullable=False),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('reminders', sa.Integer(), server_default=sa.text('0'), nullable=False),
    sa.Column('answered_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('version', sa.Integer(), server_default=sa.text('1'), nullable=False),
    sa.ForeignKeyConstraint(['wave_id'], ['waves.id'], name=op.f('fk_invitations_wave_id_waves')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_invitations')),
    sa.UniqueConstraint('ticket_id', name=op.f('uq_invitations_ticket_id'))
    )
    with op.batch_alter_table('invitations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_invitations_estate_id'), ['estate_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_invitations_wave_id'), ['wave_id'], unique=False)

    op.create_table('answers',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('invitation_id', sa.Uuid(), nullable=True),
    sa.Column('estate_id', sa.Uuid(), nullable=False),
    sa.Column('wave_id', sa.Uuid(), nullable=True),
    sa.Column('ticket_id', sa.Uuid(), nullable=True),
    sa.Column('unit_id', sa.Uuid(), nullable=True),
    sa.Column('building_id', sa.Uuid(), nullable=True),
    sa.Column('questionnaire_version_id', sa.Uuid(), nullable=False),
    sa.Column('channel', sa.String(length=20), nullable=False),
    sa.Column('items', sa.JSON(), nullable=False),
    sa.Column('state', sa.String(length=10), nullable=False),
    sa.Column('entered_by', sa.String(length=200), nullable=True),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('submitted_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['invitation_id'], ['invitations.id'], name=op.f('fk_answers_invitation_id_invitations')),
    sa.ForeignKeyConstraint(['wave_id'], ['waves.id'], name=op.f('fk_answers_wave_id_waves')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_answers')),
    sa.UniqueConstraint('invitation_id', name=op.f('uq_answers_invitation_id'))
    )
    with op.batch_alter_table('answers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_answers_estate_id'), ['estate_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_answers_wave_id'), ['wave_id'], unique=False)

    op.create_table('invitation_tokens',
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('invitation_id', sa.Uuid(), nullable=False),
    sa.ForeignKeyConstraint(['invitation_id'], ['invitations.id'], name=op.f('fk_invitation_tokens_invitation_id_invitations')),
    sa.PrimaryKeyConstraint('token_hash', name=op.f('pk_invitation_tokens'))
    )
    with op.batch_alter_table('invitation_tokens', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_invitation_tokens_invitation_id'), ['invitation_id'], unique=False)

    op.create_table('answer_scores',
    sa.Column('answer_id', sa.Uuid(), nullable=False),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('element', sa.String(length=20), nullable=True),
    sa.Column('estate_id', sa.Uuid(), nullable=False),
    sa.Column('wave_id', sa.Uuid(), nullable=True),
    sa.Column('building_id', sa.Uuid(), nullable=True),
    sa.Column('score', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['answer_id'], ['answers.id'], name=op.f('fk_answer_scores_answer_id_answers')),
    sa.PrimaryKeyConstraint('answer_id', 'code', name=op.f('pk_answer_scores'))
    )
    with op.batch_alter_table('answer_scores', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_answer_scores_wave_id'), ['wave_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('answer_scores', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_answer_scores_wave_id'))

    op.drop_table('answer_scores')
    with op.batch_alter_table('invitation_tokens', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_invitation_tokens_invitation_id'))

    op.drop_table('invitation_tokens')
    with op.batch_alter_table('answers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_answers_wave_id'))
        batch_op.drop_index(batch_op.f('ix_answers_estate_id'))

    op.drop_table('answers')
    with op.batch_alter_table('invitations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_invitations_wave_id'))
        batch_op.drop_index(batch_op.f('ix_invitations_estate_id'))

    op.drop_table('invitations')
    op.drop_table('rate_budgets')
