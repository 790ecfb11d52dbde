"""People: owners (业主) and non-owner occupants (非业主使用人), with their contact points.

Listing and searching people is the search resource's (``api/search``).
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from flask.views import MethodView
from flask_smorest import Blueprint

from owners.adapters.tables import people
from owners.api.access import DESK, STAFF_ROLES, get_in_scope, require, require_estate
from owners.api.common import unit_of_work
from owners.api.people.schemas import ContactPointsSchema, PersonPatchSchema, PersonSchema
from owners.api.privacy import RevealArgs, masked_points, may_reveal
from owners.service_layer import people as use_cases
from owners.service_layer.privacy import record_reveals

blp = Blueprint("people", __name__, url_prefix="/api/v1/people", description="Owners and occupants (业主和住户)")


def _shown(person: dict[str, Any], reveal: bool = False) -> dict[str, Any]:
    return {**person, "contact_points": masked_points(person["contact_points"], reveal)}


# An instance, not the class: webargs would build a schema (and its nested ones) for every request
# of the desk's busiest write.
_NEW_PERSON = PersonSchema()


@blp.route("")
class People(MethodView):
    @blp.arguments(_NEW_PERSON)
    @blp.response(201, PersonSchema)
    def post(self, data: dict[str, Any]) -> dict[str, Any]:
        """Register a person, optionally moving them into a unit ("create an owner")"""
        require_estate(require(DESK), data["estate_id"])
        return _shown(use_cases.register_person(unit_of_work(), **data))


@blp.route("/<uuid:person_id>")
class Person(MethodView):
    @blp.arguments(RevealArgs, location="query")
    @blp.response(200, PersonSchema)
    def get(self, args: dict[str, Any], person_id: UUID) -> dict[str, Any]:
        """One person with contact points and occupancies; ?reveal=true shows full numbers (audited)"""
        principal = require(STAFF_ROLES)
        reveal = may_reveal(principal, args["reveal"])
        with unit_of_work() as uow:
            person = use_cases.person_details(uow, get_in_scope(uow, people, person_id, principal, "person"))
        if reveal:
            record_reveals(unit_of_work(), person["estate_id"], principal.subject, [person_id])
        return _shown(person, reveal)

    @blp.arguments(PersonPatchSchema)
    @blp.response(200, PersonSchema)
    def patch(self, changes: dict[str, Any], person_id: UUID) -> dict[str, Any]:
        """Change a person's name, language, preferred channel or note"""
        principal = require(DESK)
        with unit_of_work() as uow:
            get_in_scope(uow, people, person_id, principal, "person")
            return _shown(use_cases.update_person(uow, person_id, changes))


@blp.route("/<uuid:person_id>/contact-points")
class ContactPoints(MethodView):
    @blp.arguments(ContactPointsSchema)
    @blp.response(200, PersonSchema)
    def put(self, data: dict[str, Any], person_id: UUID) -> dict[str, Any]:
        """Replace a person's contact points (one preferred; the preferred channel must stay reachable)"""
        principal = require(DESK)
        with unit_of_work() as uow:
            get_in_scope(uow, people, person_id, principal, "person")
            return _shown(use_cases.replace_contact_points(uow, person_id, data["contact_points"]))
