"""The tickets HTTP API: one module per resource."""

from tickets.api import sla

BLUEPRINTS: list = [sla.blp]
