"""How the gateway applies the events it consumes: owners' staff and territories, into its copy
(servicekit.copies: newer wins), from which a staff account's estates follow."""

from gateway.tables import staff, territories
from servicekit.copies import copy_handlers

HANDLERS = copy_handlers(staff, territories)
