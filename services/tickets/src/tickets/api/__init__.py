"""The tickets HTTP API: one module per resource."""

from tickets.api import directory

BLUEPRINTS: list = [directory.blp]
