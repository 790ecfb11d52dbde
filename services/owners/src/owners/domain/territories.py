"""Territories (地域): which estates or buildings a staff member covers.

A territory with no building is the whole estate; it covers each of the estate's buildings.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from uuid import UUID

from owners.domain.errors import Conflict, Invalid


@dataclass(frozen=True, slots=True)
class Patch:
    """A piece of ground: an estate, or one building of it."""

    estate_id: UUID
    building_id: UUID | None = None

    def covers(self, other: Patch) -> bool:
        return self.estate_id == other.estate_id and self.building_id in (None, other.building_id)


def check_assignable(held: Iterable[Patch], wanted: Patch) -> None:
    """A staff member is not given ground they already cover."""
    if any(patch.covers(wanted) for patch in held):
        raise Conflict("this staff member already covers that territory", "该员工已负责此区域")


def check_reassignment(from_staff: UUID, to_staff: UUID, to_active: bool) -> None:
    """A territory moves to somebody else who is on the roster."""
    if from_staff == to_staff:
        raise Invalid("the territory already belongs to that staff member", "该区域已由这名员工负责",
                      errors={"staff_id": ["same staff member"]})
    if not to_active:
        raise Invalid("that staff member is not active", "该员工已停用", errors={"staff_id": ["not active"]})
