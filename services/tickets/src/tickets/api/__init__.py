"""The tickets HTTP API: one module per resource."""

from tickets.api import sla
from tickets.api.attachments import blp as attachments
from tickets.api.reports import blp as reports

BLUEPRINTS: list = [attachments, reports, sla.blp]
