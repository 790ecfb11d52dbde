"""Who may do what with notify's API, by the suite's roles."""

from __future__ import annotations

from tenancy.roles import ESTATE_MANAGER, INTEGRATION_CLIENT, OPERATOR_ADMIN, SERVICE_DESK_AGENT

# Who sends notices: managers and desk agents (technicians and owners do not).
SENDERS = frozenset({OPERATOR_ADMIN, ESTATE_MANAGER, SERVICE_DESK_AGENT})
# Who may create notices: the senders, and other systems (with a list audience only).
CREATORS = SENDERS | {INTEGRATION_CLIENT}
