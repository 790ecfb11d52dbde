"""People: owners (业主) and non-owner occupants (非业主使用人), with their contact points.

Listing and searching people is the search resource's (``api/search``).
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from flask.views import MethodView
from tenancy.roles import DESK, STAFF

from owners import views
from owners.api.access import blueprint
from owners.api.people.schemas import ContactPointsSchema, PersonPatchSchema, PersonSchema
from owners.api.privacy import RevealArgs, may_reveal, shown_person
from owners.service_layer import people as use_cases
from owners.service_layer.privacy import record_reveals
from servicekit.web import current_principal
from servicekit.webapp import read, unit_of_work

blp = blueprint("people", __name__, url_prefix="/api/v1/people", description="Owners and occupants (业主和住户)")

# An instance, not the class: webargs would build a schema (and its nested ones) for every request
# of the desk's busiest write.
_NEW_PERSON = PersonSchema()


@blp.route("")
class People(MethodView):
    @blp.arguments(_NEW_PERSON)
    @blp.response(201, PersonSchema)
    @blp.allow(DESK, estates=("estate_id",))
    def post(self, data: dict[str, Any]) -> dict[str, Any]:
        """Register a person, optionally moving them into a unit ("create an owner")"""
        return shown_person(use_cases.register_person(unit_of_work(), **data))


@blp.route("/<uuid:person_id>")
class Person(MethodView):
    @blp.arguments(RevealArgs, location="query")
    @blp.response(200, PersonSchema)
    @blp.allow(STAFF)
    def get(self, args: dict[str, Any], person_id: UUID) -> dict[str, Any]:
        """One person with contact points and occupancies; ?reveal=true shows full numbers (audited)"""
        principal = current_principal()
        reveal = may_reveal(principal, args["reveal"])
        person = read(views.person, person_id)
        if reveal:
            record_reveals(unit_of_work(), person["estate_id"], principal.subject, [person_id])
        return shown_person(person, reveal)

    @blp.arguments(PersonPatchSchema)
    @blp.response(200, PersonSchema)
    @blp.allow(DESK)
    def patch(self, changes: dict[str, Any], person_id: UUID) -> dict[str, Any]:
        """Change a person's name, language, preferred channel or note"""
        return shown_person(use_cases.update_person(unit_of_work(), person_id, changes))


@blp.route("/<uuid:person_id>/contact-points")
class ContactPoints(MethodView):
    @blp.arguments(ContactPointsSchema)
    @blp.response(200, PersonSchema)
    @blp.allow(DESK)
    def put(self, data: dict[str, Any], person_id: UUID) -> dict[str, Any]:
        """Replace a person's contact points (one preferred; the preferred channel must stay reachable)"""
        return shown_person(use_cases.replace_contact_points(unit_of_work(), person_id, data["contact_points"]))
