"""The tickets HTTP API: one module per resource."""

from tickets.api import sla
from tickets.api.attachments import blp as attachments
from tickets.api.categories import blp as categories
from tickets.api.directory import blp as directory
from tickets.api.reports import blp as reports
from tickets.api.tickets import blp as tickets

BLUEPRINTS: list = [tickets, categories, attachments, directory, reports, sla.blp]
