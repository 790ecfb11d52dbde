"""The notify service, declared once: what servicekit builds its settings, app and CLI from."""

from __future__ import annotations

from tenancy.roles import ROLES

from notify.commands import COMMANDS
from notify.handlers import COPY_HANDLERS
from notify.rules.variables import RULE_EVENTS
from notify.settings import Settings
from notify.tables import inbox, metadata, outbox
from servicekit.service import Service

SERVICE = Service(
    name="notify", package="notify", port=8003, metadata=metadata, outbox=outbox, roles=ROLES,
    blueprints="notify.api:BLUEPRINTS", settings=Settings,
    consumes=(*COPY_HANDLERS, *RULE_EVENTS), handlers="notify.handlers:HANDLERS", inbox=inbox,
    commands=COMMANDS, collectors="notify.duty_contacts.metrics:collectors",
)
