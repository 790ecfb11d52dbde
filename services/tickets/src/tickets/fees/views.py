"""The read side of a ticket's fee: its lines, the owner's consent, its payments."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any
from uuid import UUID

from sqlalchemy import select
from sqlalchemy.orm import Session

from tickets.domain.catalogue import ZERO, money
from tickets.tables import fee_payments, ticket_charges, ticket_fees, tickets


def fee(session: Session, ticket_id: UUID) -> dict[str, Any]:
    """The ticket's fee (nothing to pay, no lines, before any line is added)."""
    row = session.execute(select(ticket_fees).where(ticket_fees.c.ticket_id == ticket_id)).mappings().first()
    estate_id = session.execute(select(tickets.c.estate_id).where(tickets.c.id == ticket_id)).scalar()
    return shown(session, ticket_id, estate_id, row)


def shown(conn: Any, ticket_id: UUID, estate_id: UUID, row: Mapping[str, Any] | None) -> dict[str, Any]:
    """The fee as answered, with its lines and payments (``conn``: a session or unit of work)."""
    found = dict(row) if row is not None else {
        "ticket_id": ticket_id, "estate_id": estate_id, "total": ZERO, "consent": "pending", "consent_how": None,
        "consent_note": "", "consent_by": None, "consent_at": None, "paid": ZERO, "payment_state": "unpaid",
        "paid_at": None, "version": 0}
    lines = conn.execute(select(ticket_charges).where(ticket_charges.c.ticket_id == ticket_id)
                         .order_by(ticket_charges.c.added_at, ticket_charges.c.id)).mappings().all()
    payments = conn.execute(select(fee_payments).where(fee_payments.c.ticket_id == ticket_id)
                            .order_by(fee_payments.c.paid_at, fee_payments.c.id)).mappings().all()
    return {**found, "outstanding": money(Decimal(found["total"]) - Decimal(found["paid"])),
            "lines": [dict(line) for line in lines], "payments": [dict(p) for p in payments]}
