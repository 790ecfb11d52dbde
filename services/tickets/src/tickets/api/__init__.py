"""The tickets HTTP API: one module per resource."""

from tickets.api.attachments import blp as attachments

BLUEPRINTS: list = [attachments]
