"""Staff of the service centres (员工): roles, skills, and who may leave the roster."""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum

from owners.domain.errors import Conflict, Invalid


class StaffRole(StrEnum):
    SERVICE_DESK_AGENT = "service_desk_agent"
    TECHNICIAN = "technician"
    ESTATE_MANAGER = "estate_manager"
    # 第一负责人: handles the estate's major complaints (TKT-5).
    FIRST_RESPONSIBLE = "first_responsible"
    SUPERVISOR = "supervisor"
    SECURITY_GUARD = "security_guard"
    CLEANER = "cleaner"


# Dispatch (TKT-6) matches tickets to these, so the vocabulary is closed: a typo would hide a technician.
SKILLS = frozenset({
    "plumbing", "electrical", "lifts", "locks", "hvac", "carpentry", "painting", "gas", "fire_safety",
    "access_control", "cleaning", "landscaping", "security", "customer_service",
})


def skills_of(raw: Iterable[str]) -> list[str]:
    """Skills as stored: known ones only, each once, sorted (so equal sets compare equal)."""
    skills = set(raw)
    unknown = sorted(skills - SKILLS)
    if unknown:
        raise Invalid(f"unknown skills: {', '.join(unknown)}", f"未知技能：{'、'.join(unknown)}",
                      errors={"skills": [f"unknown: {', '.join(unknown)}"]})
    return sorted(skills)


def check_can_deactivate(territory_count: int) -> None:
    """Nobody leaves the roster still holding territories: new work would be routed to them."""
    if territory_count:
        raise Conflict(f"this staff member still holds {territory_count} territories; reassign them first",
                       f"该员工仍负责 {territory_count} 个区域，请先转交给其他员工")
