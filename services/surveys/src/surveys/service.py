"""The surveys service, declared once: what servicekit builds its settings, app and CLI from."""

from __future__ import annotations

from tenancy.roles import ROLES

from servicekit.service import Service
from surveys.commands import COMMANDS
from surveys.handlers import COPY_HANDLERS
from surveys.invitations.after_ticket import TICKETS_EVENTS
from surveys.settings import Settings
from surveys.tables import inbox, metadata, outbox

SERVICE = Service(
    name="surveys", package="surveys", port=8004, metadata=metadata, outbox=outbox, roles=ROLES,
    blueprints="surveys.api:BLUEPRINTS", settings=Settings,
    consumes=(*COPY_HANDLERS, *TICKETS_EVENTS), handlers="surveys.handlers:HANDLERS", inbox=inbox,
    commands=COMMANDS, title="estatedesk surveys", collectors="surveys.follow_ups.metrics:collectors",
)
