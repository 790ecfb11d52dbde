"""notify's configuration warnings, read from the database when ``/metrics`` is scraped.

``notify_configuration_warnings{warning="no_duty_contacts"}`` is 1 while the operator has no duty
contact: an escalation (or an application's overdue step) that goes past every level of an estate
would reach nobody.
``notify_configuration_warnings{warning="staff_unreachable"}`` is how many active staff members of
the copy have neither a mobile nor an e-mail address: staff have no in-app inbox, so a message to
them (an escalation, an unsigned handover, a callback due) would reach nobody.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from sqlalchemy import func, select

from notify.tables import duty_contacts, staff
from servicekit.metrics import QueryGauge

CONFIGURATION_WARNINGS = "notify_configuration_warnings"


def configuration_warnings(session: Any) -> Mapping[str, float]:
    contacts = session.execute(select(func.count()).select_from(duty_contacts)).scalar_one()
    unreachable = session.execute(select(func.count()).select_from(staff).where(
        staff.c.active.is_(True), func.coalesce(staff.c.mobile, "") == "", func.coalesce(staff.c.email, "") == "",
    )).scalar_one()
    return {"no_duty_contacts": 0.0 if contacts else 1.0, "staff_unreachable": float(unreachable)}


def collectors(sessions: Callable[[], Any]) -> list[QueryGauge]:
    """What ``Service(collectors=...)`` registers in the web app's ``/metrics``."""
    return [QueryGauge(CONFIGURATION_WARNINGS, "What notify's configuration lacks, so that a message would reach "
                       "nobody", "warning", configuration_warnings, sessions)]
