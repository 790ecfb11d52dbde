"""The gateway, declared once: what servicekit builds its settings, app and CLI from."""

from __future__ import annotations

from tenancy.roles import ROLES

from gateway.commands import COMMANDS
from gateway.settings import Settings
from gateway.tables import inbox, metadata, outbox
from servicekit.service import Service

# What its copy of owners is built from (gateway.tables: staff, territories, people, occupancies).
OWNERS_EVENTS = (
    "owners.staff.joined.v1", "owners.staff.updated.v1",
    "owners.territory.assigned.v1", "owners.territory.released.v1",
    "owners.person.registered.v1", "owners.person.updated.v1", "owners.person.contact_points_changed.v1",
    "owners.occupant.moved_in.v1", "owners.occupant.moved_out.v1",
)

# Its own web port: the front door (nginx) answers on 8000 and sends the gateway's paths here.
SERVICE = Service(
    name="gateway", package="gateway", port=8010, metadata=metadata, outbox=outbox, roles=ROLES,
    blueprints="gateway.api:BLUEPRINTS", settings=Settings, commands=COMMANDS,
    consumes=OWNERS_EVENTS, handlers="gateway.handlers:HANDLERS", inbox=inbox,
    title="estatedesk gateway",
)
