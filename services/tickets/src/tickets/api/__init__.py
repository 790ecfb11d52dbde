"""The tickets HTTP API: one module per resource."""

from tickets.api.categories import blp as categories
from tickets.api.tickets import blp as tickets

BLUEPRINTS: list = [tickets, categories]
