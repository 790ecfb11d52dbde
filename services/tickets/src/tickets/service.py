"""The tickets service, declared once: what servicekit builds its settings, app and CLI from."""

from __future__ import annotations

from tenancy.roles import ROLES

from servicekit.service import Service
from tickets.commands import LOAD_DEMO, TIMER_COMMAND
from tickets.settings import Settings
from tickets.tables import inbox, metadata, outbox

# The owners events tickets keeps its copy from (units, people, occupancy, staff, territories, departments, equipment,
# companies).
OWNERS_EVENTS = (
    "owners.estate.registered.v1", "owners.estate.updated.v1",
    "owners.building.added.v1", "owners.building.updated.v1",
    "owners.unit.added.v1", "owners.unit.updated.v1",
    "owners.person.registered.v1", "owners.person.updated.v1", "owners.person.contact_points_changed.v1",
    "owners.occupant.moved_in.v1", "owners.occupant.moved_out.v1",
    "owners.staff.joined.v1", "owners.staff.updated.v1",
    "owners.territory.assigned.v1", "owners.territory.released.v1",
    "owners.department.added.v1", "owners.department.updated.v1",
    "owners.equipment.added.v1", "owners.equipment.updated.v1",
    "owners.company.added.v1", "owners.company.updated.v1",
)

# surveys' answers: one to the question after a ticket is the owner's evaluation (SRV-5).
SURVEYS_EVENTS = ("surveys.answer.submitted.v1",)

SERVICE = Service(
    name="tickets", package="tickets", port=8002, metadata=metadata, outbox=outbox, roles=ROLES,
    blueprints="tickets.api:BLUEPRINTS", settings=Settings,
    consumes=(*OWNERS_EVENTS, *SURVEYS_EVENTS), handlers="tickets.handlers:HANDLERS", inbox=inbox,
    commands=(TIMER_COMMAND, LOAD_DEMO), collectors="tickets.sla.metrics:collectors",
)
