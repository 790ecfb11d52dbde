"""The owners HTTP API: every area's blueprint, in the order the document lists them."""

from owners.committees.api import blp as committees
from owners.companies.api import blp as companies
from owners.departments.api import blp as departments
from owners.documents.api import blp as documents
from owners.equipment.api import blp as equipment
from owners.household_imports.api import blp as household_imports
from owners.occupancy.api import blp as occupancy
from owners.people.api import blp as people
from owners.places.api import blp as places
from owners.prospects.api import blp as prospects
from owners.search.api import blp as people_search
from owners.staff.api import blp as staff
from owners.territories.api import blp as territories
from owners.timeline.api import blp as timeline
from owners.visitors.api import blp as visitors

BLUEPRINTS = [places, people, occupancy, companies, staff, territories, departments, equipment, committees,
              prospects, documents, visitors, timeline, people_search, household_imports]
