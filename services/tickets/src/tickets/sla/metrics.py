"""The metrics of service levels, read from the database when ``/metrics`` is scraped.

``tickets_configuration_warnings{warning="no_supervisor"|"no_first_responsible"}``: how many
estates of the copy have no active member of a role the escalation rules name, so that an alert
fires before an escalation has to go up the chain (:mod:`tickets.domain.chain`);
``{warning="department_without_supervisor"}``: how many open departments have their supervisor's
post vacant (a complaint routed to one is reported past it). The list of which
estates is ``GET /api/v1/sla/configuration-warnings``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from servicekit.metrics import QueryGauge
from tickets.sla.views import configuration_warning_counts

CONFIGURATION_WARNINGS = "tickets_configuration_warnings"


def collectors(sessions: Callable[[], Any]) -> list[QueryGauge]:
    """What ``Service(collectors=...)`` registers in the web app's ``/metrics``."""
    return [QueryGauge(CONFIGURATION_WARNINGS, "Estates without an active member of a role the escalation rules name",
                       "warning", configuration_warning_counts, sessions)]
