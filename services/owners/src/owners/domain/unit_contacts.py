"""Contact persons of a unit (联系人的选择): whom the desk calls first, second, ..."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from uuid import UUID

from owners.domain.errors import Invalid

MAX_CONTACTS = 5


def check_contact_order(person_ids: Sequence[UUID], eligible: Collection[UUID]) -> list[UUID]:
    """The ordered contact persons of a unit: each at most once, each a current occupant (owners
    included) of that unit. Returns the order to store; raises :class:`Invalid` otherwise."""
    if len(person_ids) > MAX_CONTACTS:
        raise Invalid(f"at most {MAX_CONTACTS} contact persons", f"联系人最多 {MAX_CONTACTS} 位",
                      errors={"person_ids": [f"at most {MAX_CONTACTS}"]})
    errors: dict[str, list[str]] = {}
    seen: set[UUID] = set()
    for position, person_id in enumerate(person_ids):
        if person_id in seen:
            errors[str(position)] = ["listed twice"]
        elif person_id not in eligible:
            errors[str(position)] = ["not a current occupant or owner of this unit"]
        seen.add(person_id)
    if errors:
        raise Invalid("every contact person must be a current occupant or owner of the unit, listed once",
                      "每位联系人须是该房屋当前的住户或业主，且只能列出一次",
                      errors={"person_ids": errors})
    return list(person_ids)


def without(order: Sequence[UUID], person_id: UUID) -> list[UUID]:
    """The order once ``person_id`` is no longer eligible (e.g. moved out); the rest move up."""
    return [p for p in order if p != person_id]
