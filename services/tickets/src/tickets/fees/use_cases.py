"""A ticket's fee (TKT-11): the desk adds catalogue items with quantities to a repair or service
ticket, the owner agrees to the total (or refuses it), and billing, where the owner pays, posts
the payment over the API.

Each use case locks the ticket, so lines, consent and payments never interleave. A line is priced
when added (the catalogue's price may change later; the owner agreed to this one). Adding or
removing a line after the owner's word asks for it again (the consent goes back to pending); once
anything is paid the lines are fixed. A payment counts once: per ``Idempotency-Key`` and per
billing's ``reference`` (the same reference and amount again answers the fee as it is; with
another amount it is refused). Paid in full, the lines earn their commissions
(:mod:`tickets.commissions.earning`).
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from sqlalchemy import delete, insert, or_, select, update

from servicekit.errors import Conflict, Invalid
from servicekit.idempotency import KeyedRequest, once
from servicekit.rows import get_row, now
from servicekit.unit_of_work import UnitOfWork
from tickets import events
from tickets.commissions.earning import earn
from tickets.domain.catalogue import fee_total, line_amount, money
from tickets.domain.stages import CLOSED, Stage
from tickets.fees.views import shown
from tickets.tables import catalogue_items, fee_payments, idempotency_keys, ticket_charges, ticket_fees, tickets
from tickets.tickets.timeline import Actor, add_step

CHARGED_KINDS = ("repair",)


def add_line(uow: UnitOfWork, ticket_id: UUID, actor: Actor, *, code: str, quantity: Decimal,
             at: datetime | None = None) -> dict[str, Any]:
    """Add a catalogue item, ``quantity`` of it, to the ticket's fee, at the catalogue's price now."""
    at = at or now()
    with uow:
        ticket, fee = _open_fee(uow, ticket_id)
        item = _item(uow, ticket["estate_id"], code)
        line = {"id": uuid.uuid4(), "ticket_id": ticket["id"], "estate_id": ticket["estate_id"], "item_id": item["id"],
                "code": item["code"], "category": item["category"], "name_zh": item["name_zh"],
                "name_en": item["name_en"], "quantity": quantity, "unit_price": item["price"],
                "unit_cost": item["cost"], "amount": line_amount(item["price"], quantity),
                "added_by": actor.subject, "added_at": at}
        fee_total([*_amounts(uow, ticket["id"]), line])  # refused before a sum the column cannot hold is written
        uow.execute(insert(ticket_charges).values(line))
        add_step(uow, ticket, "fee_line_added", actor, at, note=f"{item['name_zh']} × {quantity}",
                 details={"code": item["code"], "quantity": str(quantity), "amount": str(line["amount"])})
        return _retotalled(uow, ticket, fee, at)


def remove_line(uow: UnitOfWork, ticket_id: UUID, line_id: UUID, actor: Actor, *,
                at: datetime | None = None) -> dict[str, Any]:
    """Take a line off the ticket's fee (entered by mistake, not done after all)."""
    at = at or now()
    with uow:
        ticket, fee = _open_fee(uow, ticket_id)
        gone = uow.execute(delete(ticket_charges).where(ticket_charges.c.id == line_id,
                                                        ticket_charges.c.ticket_id == ticket_id))
        if gone.rowcount != 1:
            raise Invalid("the line is not on this ticket's fee", "该收费项目不属于此工单",
                          errors={"line_id": ["not here"]})
        add_step(uow, ticket, "fee_line_removed", actor, at, details={"line_id": str(line_id)})
        return _retotalled(uow, ticket, fee, at)


def record_consent(uow: UnitOfWork, ticket_id: UUID, actor: Actor, *, consent: str, how: str, note: str = "",
                   at: datetime | None = None) -> dict[str, Any]:
    """The owner's word on the fee (业主确认): given or refused, and how it was given."""
    at = at or now()
    with uow:
        ticket, fee = _fee(uow, ticket_id)
        if fee is None or not _has_lines(uow, ticket_id):
            raise Conflict("the fee has no lines to agree to yet", "该工单尚无收费项目，无需业主确认")
        if Decimal(fee["paid"]) > 0:
            raise Conflict("the fee is being paid: the owner's word stands", "费用已开始支付，不能再更改业主确认")
        values = {"consent": consent, "consent_how": how, "consent_note": note, "consent_by": actor.subject,
                  "consent_at": at, "updated_at": at, "version": fee["version"] + 1}
        uow.execute(update(ticket_fees).where(ticket_fees.c.ticket_id == ticket_id).values(values))
        answer = shown(uow, ticket_id, ticket["estate_id"], {**fee, **values})
        add_step(uow, ticket, f"fee_consent_{consent}", actor, at, note=note,
                 details={"how": how, "total": str(answer["total"])})
        uow.record(events.FEE_CONSENTED, ticket["id"], {"fee": events.fee_payload(answer, ticket), "how": how})
        uow.commit()
        return answer


def record_payment(uow: UnitOfWork, key: KeyedRequest | None, ticket_id: UUID, actor: Actor, *, amount: Decimal,
                   reference: str, method: str, paid_at: datetime | None = None) -> tuple[dict[str, Any], bool]:
    """A payment billing took (once per key and per reference); the fee after it, and whether it was new."""
    paid_at = paid_at or now()

    def pay() -> dict[str, Any]:  # {"fee", "new"}
        ticket, fee = _fee(uow, ticket_id)
        if fee is None or fee["consent"] != "given":
            raise Conflict("the owner has not agreed to the fee: nothing to pay", "业主尚未确认费用，不能收款",
                           errors={"consent": fee["consent"] if fee else "pending"})
        earlier = uow.execute(select(fee_payments.c.amount).where(
            fee_payments.c.ticket_id == ticket_id, fee_payments.c.reference == reference)).scalar()
        if earlier is not None:
            if Decimal(earlier) != amount:
                raise Conflict("this payment reference was recorded with another amount", "该付款编号已按另一金额入账",
                               errors={"reference": ["recorded already, for " + f"{earlier:.2f}"]})
            return {"fee": shown(uow, ticket_id, ticket["estate_id"], fee), "new": False}
        outstanding = money(Decimal(fee["total"]) - Decimal(fee["paid"]))
        if amount > outstanding:
            raise Invalid(f"more than is owed ({outstanding})", f"付款金额超过应付金额（{outstanding} 元）",
                          errors={"amount": [f"at most {outstanding}"]})
        return {"fee": _paid(uow, ticket, fee, amount, reference, method, paid_at, actor), "new": True}

    def earlier(_ticket_id: str) -> dict[str, Any]:
        estate_id = uow.execute(select(tickets.c.estate_id).where(tickets.c.id == ticket_id)).scalar()
        row = uow.execute(select(ticket_fees).where(ticket_fees.c.ticket_id == ticket_id)).mappings().first()
        return {"fee": shown(uow, ticket_id, estate_id, row), "new": False}

    made, _created = once(uow, idempotency_keys, key, make=pay, answer_of=lambda made: str(made["fee"]["ticket_id"]),
                          earlier=earlier)
    return made["fee"], made["new"]


def _paid(uow: UnitOfWork, ticket: Mapping[str, Any], fee: Mapping[str, Any], amount: Decimal, reference: str,
          method: str, paid_at: datetime, actor: Actor) -> dict[str, Any]:
    at = now()
    uow.execute(insert(fee_payments).values(
        id=uuid.uuid4(), ticket_id=ticket["id"], estate_id=ticket["estate_id"], amount=amount, reference=reference,
        method=method, paid_at=paid_at, recorded_by=actor.subject, recorded_at=at))
    paid = money(Decimal(fee["paid"]) + amount)
    full = paid == money(fee["total"])
    values = {"paid": paid, "payment_state": "paid" if full else "partly_paid", "paid_at": paid_at if full else None,
              "updated_at": at, "version": fee["version"] + 1}
    uow.execute(update(ticket_fees).where(ticket_fees.c.ticket_id == ticket["id"]).values(values))
    answer = shown(uow, ticket["id"], ticket["estate_id"], {**fee, **values})
    add_step(uow, ticket, "fee_paid" if full else "fee_partly_paid", actor, at, note=reference,
             details={"amount": str(amount), "method": method, "paid": str(paid)})
    earned = earn(uow, ticket, answer["lines"], paid_at, actor) if full else []
    uow.record(events.FEE_PAID, ticket["id"], {
        "fee": events.fee_payload(answer, ticket), "payment": {
            "amount": f"{amount:.2f}", "reference": reference, "method": method, "paid_at": paid_at.isoformat()},
        "commissions": [{"staff_id": str(e["staff_id"]), "commission": f"{e['commission']:.2f}",
                         "period": e["period"]} for e in earned]})
    return answer


def _fee(uow: UnitOfWork, ticket_id: UUID) -> tuple[dict[str, Any], dict[str, Any] | None]:
    """The ticket, locked until commit, if it carries fees; and its fee row (None before any line)."""
    ticket = get_row(uow, tickets, ticket_id, "ticket", what_zh="工单", lock=True)
    if ticket["kind"] not in CHARGED_KINDS:
        raise Conflict("only a repair or service ticket carries a fee", "只有报修或服务工单可以收费")
    row = uow.execute(select(ticket_fees).where(ticket_fees.c.ticket_id == ticket_id)).mappings().first()
    return ticket, None if row is None else dict(row)


def _open_fee(uow: UnitOfWork, ticket_id: UUID) -> tuple[dict[str, Any], dict[str, Any] | None]:
    """As :func:`_fee`, for changing the lines: an open ticket whose fee is not being paid."""
    ticket, fee = _fee(uow, ticket_id)
    if Stage(ticket["stage"]) in CLOSED:
        raise Conflict("the ticket is closed: its fee is fixed", "工单已关闭，费用不能再更改",
                       errors={"stage": ticket["stage"]})
    if fee is not None and Decimal(fee["paid"]) > 0:
        raise Conflict("the fee is being paid: its lines are fixed", "费用已开始支付，收费项目不能再更改")
    return ticket, fee


def _item(uow: UnitOfWork, estate_id: UUID, code: str) -> dict[str, Any]:
    """The active catalogue item of ``code`` for the estate: its own, else the operator's."""
    c = catalogue_items.c
    found = uow.execute(select(catalogue_items).where(c.code == code, or_(c.estate_id == estate_id,
                                                                          c.estate_id.is_(None)))
                        .order_by(c.estate_id.is_(None))).mappings().first()
    if found is None or not found["active"]:
        raise Invalid("no such service in this estate's catalogue", "本小区服务目录中没有此项目",
                      errors={"code": ["no active item of this code"]})
    return dict(found)


def _has_lines(uow: UnitOfWork, ticket_id: UUID) -> bool:
    return uow.execute(select(ticket_charges.c.id).where(ticket_charges.c.ticket_id == ticket_id).limit(1)
                       ).first() is not None


def _amounts(uow: UnitOfWork, ticket_id: UUID) -> list[Any]:
    return list(uow.execute(select(ticket_charges.c.amount).where(ticket_charges.c.ticket_id == ticket_id)
                            ).mappings().all())


def _retotalled(uow: UnitOfWork, ticket: Mapping[str, Any], fee: Mapping[str, Any] | None,
                at: datetime) -> dict[str, Any]:
    """Write the fee's new total (the owner's word asked again) and commit; the fee as answered."""
    values = {"total": fee_total(_amounts(uow, ticket["id"])), "consent": "pending", "consent_how": None,
              "consent_note": "", "consent_by": None, "consent_at": None, "updated_at": at}
    if fee is None:
        row = {"ticket_id": ticket["id"], "estate_id": ticket["estate_id"], "paid": Decimal("0.00"),
               "payment_state": "unpaid", "paid_at": None, **values, "version": 1}
        uow.execute(insert(ticket_fees).values(row))
    else:
        row = {**fee, **values, "version": fee["version"] + 1}
        uow.execute(update(ticket_fees).where(ticket_fees.c.ticket_id == ticket["id"])
                    .values(**values, version=row["version"]))
    answer = shown(uow, ticket["id"], ticket["estate_id"], row)
    uow.commit()
    return answer
