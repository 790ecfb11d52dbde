"""owners' configuration warnings, read from the database when ``/metrics`` is scraped.

``owners_configuration_warnings{warning="department_without_supervisor"}`` is the number of open
departments of estates whose supervisor's post is vacant (none named, or the one named has left):
"every complaint to the supervisor" (TKT-5) then goes past the department to the estate's supervisor.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from sqlalchemy import func, or_, select

from owners.tables import departments, staff
from servicekit.metrics import QueryGauge

CONFIGURATION_WARNINGS = "owners_configuration_warnings"
DEPARTMENT_WITHOUT_SUPERVISOR = "department_without_supervisor"


def configuration_warnings(session: Any) -> Mapping[str, float]:
    vacant = session.execute(
        select(func.count()).select_from(departments.outerjoin(staff, staff.c.id == departments.c.supervisor_id))
        .where(departments.c.estate_id.is_not(None), departments.c.active.is_(True),
               or_(staff.c.id.is_(None), staff.c.active.is_(False)))).scalar_one()
    return {DEPARTMENT_WITHOUT_SUPERVISOR: float(vacant)}


def collectors(sessions: Callable[[], Any]) -> list[QueryGauge]:
    """What ``Service(collectors=...)`` registers in the web app's ``/metrics``."""
    return [QueryGauge(CONFIGURATION_WARNINGS, "What owners' register lacks, so that work would go past the one "
                       "meant for it", "warning", configuration_warnings, sessions)]
