"""How the gateway applies the events it consumes: owners' staff and territories (a staff account's
estates follow them), people and occupancies (an owner signs in by their mobile; their token's
estates are those of their units), into its copy (servicekit.copies: newer wins)."""

from gateway.tables import occupancies, people, staff, territories
from servicekit.copies import copy_handlers

HANDLERS = copy_handlers(staff, territories, people, occupancies)
