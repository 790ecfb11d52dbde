"""Use cases of a unit's contact persons (OWN-4): whom the desk calls first, second, ..."""

from __future__ import annotations

from collections.abc import Sequence
from uuid import UUID

from sqlalchemy import delete, insert, select, update

from owners.tables import occupancies, unit_contacts, units
from owners import events
from owners.domain.unit_contacts import check_contact_order, without
from servicekit.rows import get_row
from servicekit.unit_of_work import UnitOfWork


def set_unit_contacts(uow: UnitOfWork, unit_id: UUID, person_ids: Sequence[UUID]) -> list[UUID]:
    """Replace the ordered contact persons of a unit; each must currently occupy (or own) it."""
    with uow:
        unit = get_row(uow, units, unit_id, "unit", lock=True)  # one writer of a unit's contacts at a time
        eligible = set(uow.execute(select(occupancies.c.person_id).where(
            occupancies.c.unit_id == unit_id, occupancies.c.moved_out_on.is_(None))).scalars())
        order = check_contact_order(person_ids, eligible)
        _write_order(uow, unit["estate_id"], unit_id, order)
        uow.commit()
        return order


def drop_contact(uow: UnitOfWork, estate_id: UUID, unit_id: UUID, person_id: UUID) -> None:
    """Inside another use case: ``person_id`` is no longer eligible; the others move up."""
    order = contact_order(uow, unit_id)
    if person_id in order:
        _write_order(uow, estate_id, unit_id, without(order, person_id))


def contact_order(uow: UnitOfWork, unit_id: UUID) -> list[UUID]:
    """The unit's contact persons, first first (runs in the caller's open unit of work)."""
    return list(uow.execute(select(unit_contacts.c.person_id).where(unit_contacts.c.unit_id == unit_id)
                            .order_by(unit_contacts.c.position)).scalars())


def _write_order(uow: UnitOfWork, estate_id: UUID, unit_id: UUID, order: list[UUID]) -> None:
    uow.execute(delete(unit_contacts).where(unit_contacts.c.unit_id == unit_id))
    if order:
        uow.execute(insert(unit_contacts).values([
            {"unit_id": unit_id, "position": i, "estate_id": estate_id, "person_id": p}
            for i, p in enumerate(order, start=1)]))
    # The list's own version; every caller holds the unit's row lock, so this is one writer at a time.
    version = uow.execute(update(units).where(units.c.id == unit_id)
                          .values(contacts_version=units.c.contacts_version + 1)
                          .returning(units.c.contacts_version)).scalar_one()
    uow.record(events.UNIT_CONTACTS_CHANGED, unit_id,
               events.unit_contacts_payload(estate_id, unit_id, order, version))

