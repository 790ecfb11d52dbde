"""Dispatch's rule (TKT-6): who should take a ticket, by territory, skill and current load. No I/O:
:mod:`tickets.dispatch.candidates` reads the candidates from tickets' copy of owners' data and
ranks them here.

**Candidates** are the active members who hold a territory (not released) in the ticket's estate,
wherever they are employed, and the active members employed by the estate. **The skill** wanted is
the ticket's ``skill``, else its category's (the estate's own category of that kind and code before
the operator-wide one), else none (everyone matches).

**Tiers**, best first; a member is in the best tier they qualify for, and the chosen one is the
first of the best non-empty tier:

0. a territory on the ticket's building, with the skill;
1. an estate-wide territory, with the skill;
2. employed by the estate with the skill but no territory covering the building (someone who can
   do the job, even off their ground, before someone on the ground who cannot) — never a member
   whose role is to oversee or take calls (:data:`NOT_FIELD_ROLES`: supervisors, the first
   responsible person, managers, desk agents) unless they hold ground;
3. a territory on the ticket's building, without the skill;
4. an estate-wide territory, without the skill.

Nobody in any tier: None (the desk dispatches by hand). A member with only another building's
territory and without the skill is no candidate. A ticket without a building (a common area of the
estate) is covered by estate-wide territories only; its unit's building is looked up when the
ticket names a unit but no building.

**Within a tier**: fewest open tickets assigned (the current load), then name, then id, so the
same state always gives the same choice. The load counts every ticket assigned to the member, in
any estate, that is still work for them: every stage but those in
:data:`tickets.dispatch.candidates.DONE_STAGES` (the work is done once resolved; what follows —
telling the owner, their opinion, archiving — is the desk's, and merged or cancelled tickets are no
work at all). An explained ticket (waiting, with a promised
date) still counts: the promise is the assignee's to keep.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from uuid import UUID

NOT_FIELD_ROLES = frozenset({"supervisor", "first_responsible", "estate_manager", "service_desk_agent"})
"""Roles dispatch gives work to only where they hold a territory: they oversee or take calls."""

BUILDING, ESTATE = "building", "estate"  # what a member's territory covers of the ticket's place

TIERS = ((BUILDING, True), (ESTATE, True), (None, True), (BUILDING, False), (ESTATE, False))
"""(coverage, has the skill) of each tier, best first (see the module's documentation)."""


@dataclass(frozen=True, slots=True)
class Candidate:
    """A member as dispatch sees them for one ticket."""

    staff_id: UUID
    name: str
    skills: frozenset[str]
    coverage: str | None  # BUILDING, ESTATE, or None: no territory covering the ticket's place
    load: int = 0
    active: bool = True
    role: str = "technician"


def tier(candidate: Candidate, skill: str | None) -> int | None:
    """The candidate's tier for a ticket wanting ``skill`` (None: no candidate)."""
    if candidate.coverage is None and candidate.role in NOT_FIELD_ROLES:
        return None
    key = (candidate.coverage, skill is None or skill in candidate.skills)
    return TIERS.index(key) if key in TIERS else None


def rank(candidates: Iterable[Candidate], skill: str | None, *, exclude: Collection[UUID] = ()) -> list[Candidate]:
    """The candidates who may take a ticket wanting ``skill``, best first; inactive and excluded left out."""
    tiered = [(t, c) for c in candidates
              if c.active and c.staff_id not in exclude and (t := tier(c, skill)) is not None]
    tiered.sort(key=lambda pair: (pair[0], pair[1].load, pair[1].name, str(pair[1].staff_id)))
    return [c for _t, c in tiered]
