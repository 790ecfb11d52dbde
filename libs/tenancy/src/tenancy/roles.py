"""The closed list of roles a token can carry, and the groups of them the services authorise by."""

from __future__ import annotations

OPERATOR_ADMIN = "operator_admin"
ESTATE_MANAGER = "estate_manager"
SERVICE_DESK_AGENT = "service_desk_agent"
TECHNICIAN = "technician"
OWNER = "owner"  # a resident, through the owners' pages
INTEGRATION_CLIENT = "integration_client"

ROLES = frozenset({OPERATOR_ADMIN, ESTATE_MANAGER, SERVICE_DESK_AGENT, TECHNICIAN, OWNER, INTEGRATION_CLIENT})

# Who may register estates: the operator running the suite.
OPERATORS = frozenset({OPERATOR_ADMIN})
# Who may shape the register (estates' particulars, buildings, units, staff, territories).
MANAGERS = frozenset({OPERATOR_ADMIN, ESTATE_MANAGER})
# Who may record what the desk hears (people, move-ins, contacts, visitors, imports).
DESK = frozenset({OPERATOR_ADMIN, ESTATE_MANAGER, SERVICE_DESK_AGENT, INTEGRATION_CLIENT})
# Everyone who works for the operator, residents excepted: who may read the register.
STAFF = DESK | {TECHNICIAN}
