"""waves on their own: opening and closing instants, reminder steps as deadline rows, the operator's schedule

Revision ID: 0006_wave_timing
Revises: 0005_follow_ups
Create Date: 2026-12-06 12:45:00
"""
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from alembic import op
import sqlalchemy as sa


revision = '0006_wave_timing'
down_revision = '0005_follow_ups'
branch_labels = None
depends_on = None

# Waves made before this revision were invited when made; their days are read in the estates'
# default time zone (SURVEYS_TIMEZONE's default).
ZONE = ZoneInfo("Asia/Shanghai")


def upgrade() -> None:
    with op.batch_alter_table('waves') as batch:
        batch.add_column(sa.Column('opens_at', sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column('closes_at', sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column('invited_at', sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column('reminder_days', sa.JSON(), nullable=True))
    waves = sa.table('waves', sa.column('id', sa.Uuid()), sa.column('opens_on', sa.Date()),
                     sa.column('closes_on', sa.Date()), sa.column('opened_at', sa.DateTime(timezone=True)),
                     sa.column('opens_at', sa.DateTime(timezone=True)), sa.column('closes_at', sa.DateTime(timezone=True)),
                     sa.column('invited_at', sa.DateTime(timezone=True)), sa.column('reminder_days', sa.JSON()))
    conn = op.get_bind()
    for row in conn.execute(sa.select(waves.c.id, waves.c.opens_on, waves.c.closes_on, waves.c.opened_at)).all():
        conn.execute(waves.update().where(waves.c.id == row.id).values(
            opens_at=datetime.combine(row.opens_on, time(0), ZONE),
            closes_at=datetime.combine(row.closes_on + timedelta(days=1), time(0), ZONE),
            invited_at=row.opened_at, reminder_days=[]))
    with op.batch_alter_table('waves') as batch:
        batch.alter_column('opens_at', nullable=False)
        batch.alter_column('closes_at', nullable=False)
        batch.alter_column('reminder_days', nullable=False)
    op.create_index('ix_waves_to_invite', 'waves', ['opens_at'],
                    postgresql_where=sa.text("state = 'scheduled' AND invited_at IS NULL"),
                    sqlite_where=sa.text("state = 'scheduled' AND invited_at IS NULL"))
    op.create_index('ix_waves_to_close', 'waves', ['closes_at'], postgresql_where=sa.text("closed_at IS NULL"),
                    sqlite_where=sa.text("closed_at IS NULL"))
    op.create_table('wave_reminders',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('wave_id', sa.Uuid(), nullable=False),
    sa.Column('step', sa.Integer(), nullable=False),
    sa.Column('due_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('reminded', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['wave_id'], ['waves.id'], name=op.f('fk_wave_reminders_wave_id_waves')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_wave_reminders')),
    sa.UniqueConstraint('wave_id', 'step', name=op.f('uq_wave_reminders_wave_id_step'))
    )
    op.create_index(op.f('ix_wave_reminders_wave_id'), 'wave_reminders', ['wave_id'], unique=False)
    op.create_index('ix_wave_reminders_due', 'wave_reminders', ['due_at'], postgresql_where=sa.text("sent_at IS NULL"),
                    sqlite_where=sa.text("sent_at IS NULL"))
    op.create_table('wave_schedules',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('open_day', sa.Integer(), nullable=False),
    sa.Column('percent', sa.Integer(), nullable=False),
    sa.Column('lookback', sa.Integer(), nullable=False),
    sa.Column('reminder_days', sa.JSON(), nullable=False),
    sa.Column('questionnaire_id', sa.Uuid(), nullable=True),
    sa.Column('set_by', sa.String(length=200), nullable=False),
    sa.Column('set_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), server_default=sa.text('1'), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_wave_schedules'))
    )


def downgrade() -> None:
    op.drop_table('wave_schedules')
    op.drop_index('ix_wave_reminders_due', table_name='wave_reminders')
    op.drop_index(op.f('ix_wave_reminders_wave_id'), table_name='wave_reminders')
    op.drop_table('wave_reminders')
    op.drop_index('ix_waves_to_close', table_name='waves')
    op.drop_index('ix_waves_to_invite', table_name='waves')
    with op.batch_alter_table('waves') as batch:
        for column in ('reminder_days', 'closed_at', 'invited_at', 'closes_at', 'opens_at'):
            batch.drop_column(column)
