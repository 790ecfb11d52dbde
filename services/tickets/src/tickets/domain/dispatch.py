"""Dispatch's rule (TKT-6): who should take a ticket, by territory, skill and current load. No I/O:
:mod:`tickets.dispatch.candidates` reads the candidates from tickets' copy of owners' data and
ranks them here.

**Why** (:func:`reason`): the chosen member comes with the reason, in words (English and Chinese)
and as data (the skill and where it came from, the member's coverage, whether they have the skill,
their load), which the dispatch answer and the timeline step carry.

**Candidates** are the active members who hold a territory (not released) in the ticket's estate,
wherever they are employed, and the active members employed by the estate; of a ticket that names
a department (OWN-9), only that department's members (by department first, then by the tiers
below within it; nobody there: None, and the ticket waits in the department's queue). **The skill** wanted is
the ticket's ``skill``; else its category's (the estate's own category of that kind and code before
the operator-wide one); else what its kind (and, for a complaint, its class) calls for
(:func:`skill_by_kind`): the estate's ``dispatch_skills`` row, else the operator's (estate null),
the row naming the class before the one for any class, else :data:`DEFAULT_SKILLS` (a complaint to
customer service: a complaint about management or attitude is no plumber's, issue 15); else none
(everyone matches). A row with a null skill says "none": the territory decides.

**Tiers**, best first; a member is in the best tier they qualify for, and the chosen one is the
first of the best non-empty tier:

0. a territory on the ticket's building, with the skill;
1. an estate-wide territory, with the skill;
2. employed by the estate with the skill but no territory covering the building (someone who can
   do the job, even off their ground, before someone on the ground who cannot) — never a member
   whose role is to oversee or take calls (:data:`NOT_FIELD_ROLES`: supervisors, the first
   responsible person, managers, desk agents) unless they hold ground;
3. (a ticket naming a department) a member of it with the skill and no territory covering the
   place: the department is their ground (its desk agents and supervisor included: the department
   is theirs to serve);
4. a territory on the ticket's building, without the skill;
5. an estate-wide territory, without the skill;
6. (a ticket naming a department) a member of it without the skill and no territory covering it.

Of a ticket naming a department only its members are candidates, so tier 2 is empty then.

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
from typing import Any
from uuid import UUID

DEFAULT_SKILLS: dict[tuple[str, str | None], str] = {("complaint", None): "customer_service"}
"""Built in, where neither the estate nor the operator says otherwise: (kind, class or None for any)
-> skill. Complaints of every class go to customer service (客服), who handle the complaint and bring
in a technician where the fault is one."""

NOT_FIELD_ROLES = frozenset({"supervisor", "first_responsible", "estate_manager", "service_desk_agent"})
"""Roles dispatch gives work to only where they hold a territory: they oversee or take calls."""

BUILDING, ESTATE = "building", "estate"  # what a member's territory covers of the ticket's place
DEPARTMENT = "department"  # no territory covering the place, but a member of the ticket's department

TIERS = ((BUILDING, True), (ESTATE, True), (None, True), (DEPARTMENT, True), (BUILDING, False), (ESTATE, False),
         (DEPARTMENT, False))
"""(coverage, has the skill) of each tier, best first (see the module's documentation)."""


@dataclass(frozen=True, slots=True)
class Candidate:
    """A member as dispatch sees them for one ticket."""

    staff_id: UUID
    name: str
    skills: frozenset[str]
    coverage: str | None  # BUILDING, ESTATE, DEPARTMENT, or None: no territory covering the ticket's place
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


@dataclass(frozen=True, slots=True)
class SkillRule:
    """A ``dispatch_skills`` row: tickets of ``kind`` (and ``complaint_class``; None: any) of an
    estate (None: the operator's, every estate) call for ``skill`` (None: no skill)."""

    estate_id: UUID | None
    kind: str
    complaint_class: str | None
    skill: str | None


@dataclass(frozen=True, slots=True)
class Wanted:
    """The skill a ticket calls for and where that came from: ``ticket``, ``category``, ``estate``
    or ``operator`` (a dispatch_skills row), ``default`` (:data:`DEFAULT_SKILLS`), or None."""

    skill: str | None
    source: str | None = None


def skill_by_kind(rules: Iterable[SkillRule], kind: str, complaint_class: str | None) -> Wanted:
    """What a ticket's kind and class call for (see the module's documentation): the most specific
    of ``rules`` (the estate's before the operator's, a class before any class), else the default."""
    matching = [r for r in rules if r.kind == kind and r.complaint_class in (None, complaint_class)]
    if matching:
        best = max(matching, key=lambda r: (r.estate_id is not None, r.complaint_class is not None))
        return Wanted(best.skill, "estate" if best.estate_id is not None else "operator")
    for key in ((kind, complaint_class), (kind, None)):
        if key in DEFAULT_SKILLS:
            return Wanted(DEFAULT_SKILLS[key], "default")
    return Wanted(None)


_SKILL_FROM = {  # source -> (English, Chinese), with {skill}
    "ticket": ("the ticket asks for {skill}", "工单要求技能 {skill}"),
    "category": ("its category asks for {skill}", "工单分类要求技能 {skill}"),
    "estate": ("this estate sends such tickets to {skill}", "本小区规定此类工单由 {skill} 处理"),
    "operator": ("the operator sends such tickets to {skill}", "运营方规定此类工单由 {skill} 处理"),
    "default": ("such tickets go to {skill} by default", "此类工单默认由 {skill} 处理"),
}
_COVERAGE = {BUILDING: ("covers the ticket's building", "负责该楼栋"),
             ESTATE: ("covers the whole estate", "负责整个小区"),
             DEPARTMENT: ("belongs to the department (no ground here)", "属于该部门（无负责区域）"),
             None: ("works for the estate without ground here", "受雇于本小区（无负责区域）")}


def reason(chosen: Candidate, wanted: Wanted, *, department: str | None = None) -> dict[str, Any]:
    """Why ``chosen`` (the first of :func:`rank`) takes a ticket calling for ``wanted``: as data and
    in words, English and Chinese; ``department`` names the department chosen among, if any."""
    has_skill = wanted.skill is None or wanted.skill in chosen.skills
    where_en, where_zh = _COVERAGE[chosen.coverage]
    if wanted.skill is None:
        said_en, said_zh = f"no skill is asked for; {chosen.name}", f"无技能要求；{chosen.name}"
    else:
        en, zh = _SKILL_FROM[wanted.source or "ticket"]
        has_en, has_zh = ("has it", "具备该技能") if has_skill else (
            "lacks it (nobody who has it covers the place)", "不具备该技能（具备该技能的人都不负责此处）")
        said_en = f"{en.format(skill=wanted.skill)}; {chosen.name} {has_en},"
        said_zh = f"{zh.format(skill=wanted.skill)}；{chosen.name}{has_zh}，"
    among_en, among_zh = ("", "") if department is None else (f"among {department}: ", f"在{department}中：")
    return {
        "skill": wanted.skill, "skill_from": wanted.source, "coverage": chosen.coverage, "has_skill": has_skill,
        "load": chosen.load, "role": chosen.role, "department": department,
        "text_en": f"{among_en}{said_en} {where_en}, with {chosen.load} open tickets "
                   "(the fewest of those placed as well)",
        "text_zh": f"{among_zh}{said_zh}{where_zh}，当前有 {chosen.load} 张未完成工单（同等条件下最少）",
    }


BY_HAND = {"skill": None, "skill_from": None, "coverage": None, "has_skill": None, "load": None, "role": None,
           "department": None, "text_en": "named by the desk", "text_zh": "由服务台指定"}
"""The reason of a dispatch by hand."""
