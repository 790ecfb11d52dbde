"""a closed wave's figures, kept when it closes and read as one row (its statistics never change
again); the waves closed before this revision have theirs kept here

Revision ID: 0010_wave_figures
Revises: 0009_invitations_by_person
Create Date: 2026-12-06 21:20:00
"""
from datetime import UTC, datetime

from alembic import op
import sqlalchemy as sa

revision = '0010_wave_figures'
down_revision = '0009_invitations_by_person'
branch_labels = None
depends_on = None


def upgrade() -> None:
    figures = op.create_table('wave_figures',
    sa.Column('wave_id', sa.Uuid(), nullable=False),
    sa.Column('invited', sa.Integer(), nullable=False),
    sa.Column('answered', sa.Integer(), nullable=False),
    sa.Column('by_channel', sa.JSON(), nullable=False),
    sa.Column('scores', sa.JSON(), nullable=False),
    sa.Column('kept_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['wave_id'], ['waves.id'], name=op.f('fk_wave_figures_wave_id_waves')),
    sa.PrimaryKeyConstraint('wave_id', name=op.f('pk_wave_figures'))
    )
    # What surveys.statistics.use_cases.keep keeps, added up as surveys.statistics.views counts them.
    waves = sa.table('waves', sa.column('id', sa.Uuid()), sa.column('state', sa.String()))
    invitations = sa.table('invitations', sa.column('wave_id', sa.Uuid()), sa.column('state', sa.String()))
    answers = sa.table('answers', sa.column('wave_id', sa.Uuid()), sa.column('channel', sa.String()),
                       sa.column('state', sa.String()))
    scores = sa.table('answer_scores', sa.column('wave_id', sa.Uuid()), sa.column('building_id', sa.Uuid()),
                      sa.column('element', sa.String()), sa.column('score', sa.Integer()))
    conn = op.get_bind()
    kept_at = datetime.now(UTC)
    for wave_id in conn.execute(sa.select(waves.c.id).where(waves.c.state == 'closed')).scalars().all():
        invited, answered = conn.execute(sa.select(
            sa.func.count(), sa.func.count().filter(invitations.c.state == 'answered'))
            .where(invitations.c.wave_id == wave_id)).one()
        by_channel = dict(conn.execute(sa.select(answers.c.channel, sa.func.count()).where(
            answers.c.wave_id == wave_id, answers.c.state == 'submitted').group_by(answers.c.channel)).all())
        rows = [[None if b is None else str(b), e, int(n), int(total or 0), int(squares or 0)]
                for b, e, n, total, squares in conn.execute(sa.select(
                    scores.c.building_id, scores.c.element, sa.func.count(), sa.func.sum(scores.c.score),
                    sa.func.sum(scores.c.score * scores.c.score))
                    .where(scores.c.wave_id == wave_id, scores.c.element.is_not(None))
                    .group_by(scores.c.building_id, scores.c.element))]
        conn.execute(figures.insert().values(wave_id=wave_id, invited=invited, answered=answered,
                                             by_channel=by_channel, scores=rows, kept_at=kept_at))


def downgrade() -> None:
    op.drop_table('wave_figures')
