"""The owners service, declared once: what servicekit builds its settings, app and CLI from."""

from __future__ import annotations

from tenancy.roles import ROLES

from owners.commands import COMMANDS
from owners.domain.timeline import EVENT_TYPES as TIMELINE_EVENTS
from owners.settings import Settings
from owners.tables import inbox, metadata, outbox
from servicekit.service import Service

# Owners publishes to owners.events; it consumes what tickets, notify and surveys say happened to
# people and units, for the activity timeline.
SERVICE = Service(
    name="owners", package="owners", port=8001, metadata=metadata, outbox=outbox, roles=ROLES,
    blueprints="owners.api:BLUEPRINTS", settings=Settings, state_events="owners.replay:state_events",
    consumes=TIMELINE_EVENTS, handlers="owners.handlers:HANDLERS", inbox=inbox, commands=COMMANDS,
    collectors="owners.departments.metrics:collectors",
)
