"""notify's configuration warnings, read from the database when ``/metrics`` is scraped.

``notify_configuration_warnings{warning="no_duty_contacts"}`` is 1 while the operator has no duty
contact: an escalation that goes past every level of an estate would reach nobody.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from sqlalchemy import func, select

from notify.tables import duty_contacts
from servicekit.metrics import QueryGauge

CONFIGURATION_WARNINGS = "notify_configuration_warnings"


def configuration_warnings(session: Any) -> Mapping[str, float]:
    contacts = session.execute(select(func.count()).select_from(duty_contacts)).scalar_one()
    return {"no_duty_contacts": 0.0 if contacts else 1.0}


def collectors(sessions: Callable[[], Any]) -> list[QueryGauge]:
    """What ``Service(collectors=...)`` registers in the web app's ``/metrics``."""
    return [QueryGauge(CONFIGURATION_WARNINGS, "What notify's configuration lacks, so that a message would reach "
                       "nobody", "warning", configuration_warnings, sessions)]
