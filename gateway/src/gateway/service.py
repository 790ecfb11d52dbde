"""The gateway, declared once: what servicekit builds its settings, app and CLI from."""

from __future__ import annotations

from tenancy.roles import ROLES

from gateway.commands import COMMANDS
from gateway.settings import Settings
from gateway.tables import metadata, outbox
from servicekit.service import Service

# Its own web port: the front door (nginx) answers on 8000 and sends the gateway's paths here.
SERVICE = Service(
    name="gateway", package="gateway", port=8010, metadata=metadata, outbox=outbox, roles=ROLES,
    blueprints="gateway.api:BLUEPRINTS", settings=Settings, commands=COMMANDS,
    title="estatedesk gateway",
)
