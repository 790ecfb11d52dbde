"""The owners HTTP API: one folder per resource, routes and schemas side by side."""

from owners.api.buildings.routes import blp as buildings
from owners.api.estates.routes import blp as estates
from owners.api.household_imports.routes import blp as household_imports
from owners.api.occupancy.routes import blp as occupancy
from owners.api.people.routes import blp as people
from owners.api.search.routes import blp as people_search
from owners.api.staff.routes import blp as staff
from owners.api.territories.routes import blp as territories
from owners.api.unit_contacts.routes import blp as unit_contacts
from owners.api.units.routes import blp as units
from owners.api.visitors.routes import blp as visitors

BLUEPRINTS = [estates, buildings, units, people, occupancy, unit_contacts, staff, territories, visitors,
              people_search, household_imports]
