"""The chain an escalation climbs when a level has nobody (issue 15: an escalation never reaches
nobody). No I/O: :mod:`tickets.sla.escalation` asks the copy of owners' staff who holds each role.

A rule names whom to tell: the assignee, the supervisor or the first responsible person (第一负责人).
When nobody holds that role in the estate, the escalation goes on up the chain — the supervisor,
then the estate manager, then the first responsible person — and past its top to the operator's
admins, who are not staff of an estate (they are accounts of the gateway, so no staff id names
them). A ticket with no assignee starts at the supervisor. The event and the timeline say that it
went up, from which role and to which (:func:`fallback`).

A ticket that names a department (OWN-9) has that department's supervisor before the estate's:
"every complaint to the supervisor" (and every rule that tells the supervisor) tells the
department's supervisor when the department has an active one, and otherwise goes on to the
estate's supervisor with ``department_supervisor`` among the vacant roles (:func:`roles_to_try`).

An estate where nobody is supervisor or first responsible person sends its escalations up the
chain every time: that is a configuration warning (:data:`EXPECTED_ROLES`), listed by
``GET /api/v1/sla/configuration-warnings`` and counted by the ``tickets_configuration_warnings``
metric, so that the operator sees it before an escalation does.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

CHAIN = ("supervisor", "estate_manager", "first_responsible")
"""The roles an escalation tries, lowest first."""

OPERATOR_ADMINS = "operator_admins"
"""Past the top of the chain: the operator's admins (no staff record of an estate)."""

ASSIGNEE = "assignee"

DEPARTMENT_SUPERVISOR = "department_supervisor"
"""The supervisor of the ticket's department: tried just before the estate's supervisor."""

EXPECTED_ROLES = ("supervisor", "first_responsible")
"""Every estate should have an active member of each: the default rules name both."""

WARNINGS = {
    "supervisor": ("no_supervisor", "the estate has no active supervisor: complaints and breaches go up the chain",
                   "小区没有在职的主管：投诉和超时将逐级上报给更高一级"),
    "first_responsible": ("no_first_responsible",
                          "the estate has no active first responsible person: major complaints go to the "
                          "operator's admins", "小区没有在职的第一负责人：重大投诉将上报给运营方管理员"),
}
"""What each missing expected role is called in a warning: its code, English and Chinese."""


def roles_to_try(wanted: str, *, department: bool = False) -> tuple[str, ...]:
    """The roles to look for, in order, when a rule wants to tell ``wanted`` (a role of the chain,
    or the assignee, who is followed by the whole chain); with ``department`` (the ticket names
    one) the department's supervisor comes just before the estate's."""
    roles = CHAIN if wanted not in CHAIN else CHAIN[CHAIN.index(wanted):]
    if department and "supervisor" in roles:
        at = roles.index("supervisor")
        return (*roles[:at], DEPARTMENT_SUPERVISOR, *roles[at:])
    return roles


def fallback(wanted: str, vacant: Sequence[str], reached: str) -> dict[str, Any] | None:
    """How an escalation went up (None when the wanted role was told): the role the rule wanted,
    the roles nobody held on the way, and the role told (:data:`OPERATOR_ADMINS` past the top)."""
    if not vacant:
        return None
    return {"wanted": wanted, "vacant": list(vacant), "reached": reached}
