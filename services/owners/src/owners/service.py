"""The owners service, declared once: what servicekit builds its settings, app and CLI from."""

from __future__ import annotations

from tenancy.roles import ROLES

from owners.commands import COMMANDS
from owners.settings import Settings
from owners.tables import metadata, outbox
from servicekit.service import Service

# Owners publishes to owners.events and consumes nothing yet.
SERVICE = Service(
    name="owners", package="owners", port=8001, metadata=metadata, outbox=outbox, roles=ROLES,
    blueprints="owners.api:BLUEPRINTS", settings=Settings, state_events="owners.replay:state_events",
    commands=COMMANDS, collectors="owners.departments.metrics:collectors",
)
