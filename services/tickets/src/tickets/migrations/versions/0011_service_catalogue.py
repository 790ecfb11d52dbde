"""service catalogue, fees and commissions (TKT-11)

Paid special services, free convenience services and bundles per operator or estate, priced on
cost and under the government's standard; a ticket's charge lines, its fee with the owner's consent
and the payments billing posts; commission rules and the commissions earned when a fee is paid.

Revision ID: 0011_service_catalogue
Revises: 0010_complaint_outcomes
Create Date: 2026-12-06 09:22:00.935034
"""
import sqlalchemy as sa
from alembic import op


revision = '0011_service_catalogue'
down_revision = '0010_complaint_outcomes'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('catalogue_items',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('estate_id', sa.Uuid(), nullable=True),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('category', sa.String(length=40), nullable=True),
    sa.Column('name_zh', sa.String(length=100), nullable=False),
    sa.Column('name_en', sa.String(length=100), nullable=False),
    sa.Column('description', sa.String(length=2000), server_default='', nullable=False),
    sa.Column('unit', sa.String(length=20), server_default='次', nullable=False),
    sa.Column('price', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('cost', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('ceiling', sa.Numeric(precision=12, scale=2), nullable=True),
    sa.Column('materials', sa.JSON(), nullable=False),
    sa.Column('contents', sa.JSON(), nullable=False),
    sa.Column('active', sa.Boolean(), server_default=sa.text('(true)'), nullable=False),
    sa.Column('version', sa.Integer(), server_default=sa.text('1'), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_catalogue_items')),
    sa.UniqueConstraint('estate_id', 'code', name=op.f('uq_catalogue_items_estate_id_code'))
    )
    with op.batch_alter_table('catalogue_items', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_catalogue_items_estate_id'), ['estate_id'], unique=False)

    op.create_table('commission_rules',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('estate_id', sa.Uuid(), nullable=True),
    sa.Column('item_code', sa.String(length=40), nullable=True),
    sa.Column('category', sa.String(length=40), nullable=True),
    sa.Column('percent', sa.Numeric(precision=5, scale=2), nullable=True),
    sa.Column('per_unit', sa.Numeric(precision=12, scale=2), nullable=True),
    sa.Column('active', sa.Boolean(), server_default=sa.text('(true)'), nullable=False),
    sa.Column('version', sa.Integer(), server_default=sa.text('1'), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_commission_rules')),
    sa.UniqueConstraint('estate_id', 'item_code', 'category', name=op.f('uq_commission_rules_estate_id_item_code_category'))
    )
    with op.batch_alter_table('commission_rules', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_commission_rules_estate_id'), ['estate_id'], unique=False)

    op.create_table('fee_payments',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('ticket_id', sa.Uuid(), nullable=False),
    sa.Column('estate_id', sa.Uuid(), nullable=False),
    sa.Column('amount', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('reference', sa.String(length=100), nullable=False),
    sa.Column('method', sa.String(length=20), nullable=False),
    sa.Column('paid_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('recorded_by', sa.String(length=200), nullable=False),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['ticket_id'], ['tickets.id'], name=op.f('fk_fee_payments_ticket_id_tickets'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_fee_payments')),
    sa.UniqueConstraint('ticket_id', 'reference', name=op.f('uq_fee_payments_ticket_id_reference'))
    )
    with op.batch_alter_table('fee_payments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_fee_payments_ticket_id'), ['ticket_id'], unique=False)

    op.create_table('ticket_charges',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('ticket_id', sa.Uuid(), nullable=False),
    sa.Column('estate_id', sa.Uuid(), nullable=False),
    sa.Column('item_id', sa.Uuid(), nullable=False),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('category', sa.String(length=40), nullable=True),
    sa.Column('name_zh', sa.String(length=100), nullable=False),
    sa.Column('name_en', sa.String(length=100), nullable=False),
    sa.Column('quantity', sa.Numeric(precision=10, scale=2), nullable=False),
    sa.Column('unit_price', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('unit_cost', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('amount', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('added_by', sa.String(length=200), nullable=False),
    sa.Column('added_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['ticket_id'], ['tickets.id'], name=op.f('fk_ticket_charges_ticket_id_tickets'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ticket_charges'))
    )
    with op.batch_alter_table('ticket_charges', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ticket_charges_ticket_id'), ['ticket_id'], unique=False)

    op.create_table('ticket_fees',
    sa.Column('ticket_id', sa.Uuid(), nullable=False),
    sa.Column('estate_id', sa.Uuid(), nullable=False),
    sa.Column('total', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('consent', sa.String(length=10), server_default='pending', nullable=False),
    sa.Column('consent_how', sa.String(length=20), nullable=True),
    sa.Column('consent_note', sa.String(length=500), server_default='', nullable=False),
    sa.Column('consent_by', sa.String(length=200), nullable=True),
    sa.Column('consent_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('paid', sa.Numeric(precision=12, scale=2), server_default=sa.text('0'), nullable=False),
    sa.Column('payment_state', sa.String(length=12), server_default='unpaid', nullable=False),
    sa.Column('paid_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), server_default=sa.text('1'), nullable=False),
    sa.ForeignKeyConstraint(['ticket_id'], ['tickets.id'], name=op.f('fk_ticket_fees_ticket_id_tickets'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('ticket_id', name=op.f('pk_ticket_fees'))
    )
    with op.batch_alter_table('ticket_fees', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ticket_fees_estate_id'), ['estate_id'], unique=False)

    op.create_table('commissions',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('estate_id', sa.Uuid(), nullable=False),
    sa.Column('staff_id', sa.Uuid(), nullable=False),
    sa.Column('ticket_id', sa.Uuid(), nullable=False),
    sa.Column('charge_id', sa.Uuid(), nullable=False),
    sa.Column('rule_id', sa.Uuid(), nullable=False),
    sa.Column('amount', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('commission', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('earned_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('period', sa.String(length=7), nullable=False),
    sa.ForeignKeyConstraint(['charge_id'], ['ticket_charges.id'], name=op.f('fk_commissions_charge_id_ticket_charges'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['ticket_id'], ['tickets.id'], name=op.f('fk_commissions_ticket_id_tickets'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_commissions')),
    sa.UniqueConstraint('charge_id', name=op.f('uq_commissions_charge_id'))
    )
    with op.batch_alter_table('commissions', schema=None) as batch_op:
        batch_op.create_index('ix_commissions_statement', ['estate_id', 'staff_id', 'period'], unique=False)
        batch_op.create_index(batch_op.f('ix_commissions_ticket_id'), ['ticket_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('commissions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_commissions_ticket_id'))
        batch_op.drop_index('ix_commissions_statement')

    op.drop_table('commissions')
    with op.batch_alter_table('ticket_fees', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_ticket_fees_estate_id'))

    op.drop_table('ticket_fees')
    with op.batch_alter_table('ticket_charges', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_ticket_charges_ticket_id'))

    op.drop_table('ticket_charges')
    with op.batch_alter_table('fee_payments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_fee_payments_ticket_id'))

    op.drop_table('fee_payments')
    with op.batch_alter_table('commission_rules', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_commission_rules_estate_id'))

    op.drop_table('commission_rules')
    with op.batch_alter_table('catalogue_items', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_catalogue_items_estate_id'))

    op.drop_table('catalogue_items')
