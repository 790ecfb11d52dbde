"""The people API: owners (业主) and occupants (非业主使用人) with their contact points, and the contact
persons of a unit (联系人的选择). Searching people (``GET /people``) is the search area's."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any
from uuid import UUID

from flask.views import MethodView
from sqlalchemy.orm import Session
from tenancy.permissions import REVEAL_PERSONAL_DATA
from tenancy.roles import DESK, OWNER, STAFF

from owners.access import SCOPE
from owners.people import use_cases, views
from owners.people.schemas import (
    ContactPointsSchema,
    PersonArgs,
    PersonPatchSchema,
    PersonSchema,
    RevealArgs,
    UnitContactsChangeSchema,
    UnitContactsSchema,
)
from owners.privacy import shown_person, shown_unit_contacts
from owners.tables import pii_reveals
from owners.timeline import views as timeline_views
from owners.timeline.api import described
from servicekit.access import ScopedBlueprint, only_their_own, require_permission
from servicekit.audit import Reveal, audit_reveals
from servicekit.web import current_principal
from servicekit.webapp import read, unit_of_work

blp = ScopedBlueprint("people", __name__, url_prefix="/api/v1", scope=SCOPE,
                      description="Owners and occupants, and whom to call for a unit (业主、住户和联系人)")

# An instance, not the class: webargs would build a schema (and its nested ones) for every request
# of the desk's busiest write.
_NEW_PERSON = PersonSchema()


@blp.route("/people")
class People(MethodView):
    @blp.arguments(_NEW_PERSON)
    @blp.response(201, PersonSchema)
    @blp.allow(DESK, estates=("estate_id",))
    def post(self, data: dict[str, Any]) -> dict[str, Any]:
        """Register a person, optionally moving them into a unit ("create an owner")"""
        return shown_person(use_cases.register_person(unit_of_work(), **data))


@blp.route("/people/<uuid:person_id>")
class Person(MethodView):
    @blp.arguments(PersonArgs, location="query")
    @blp.response(200, PersonSchema)
    @blp.allow(STAFF | {OWNER})
    def get(self, args: dict[str, Any], person_id: UUID) -> dict[str, Any]:
        """One person with contact points and occupancies; ?reveal=true shows full numbers (audited);
        ?timeline=N adds their latest N timeline entries. An owner reads themselves only (another
        person is 404), without the desk's note"""
        only_their_own(person_id, {OWNER})
        view = partial(_with_timeline, latest=args["timeline"]) if args["timeline"] else views.person
        person, reveal = _read_revealing(args["reveal"], view, person_id, "person.contact_points",
                                         lambda found: [found["id"]])
        if current_principal().role == OWNER:
            person = {**person, "note": None}  # the desk's own note about them
        if "timeline" in person:
            described(person["timeline"])
        return shown_person(person, reveal)

    @blp.arguments(PersonPatchSchema)
    @blp.response(200, PersonSchema)
    @blp.allow(DESK)
    def patch(self, changes: dict[str, Any], person_id: UUID) -> dict[str, Any]:
        """Change a person's name, language, preferred channel or note"""
        return shown_person(use_cases.update_person(unit_of_work(), person_id, changes))


@blp.route("/people/<uuid:person_id>/contact-points")
class ContactPoints(MethodView):
    @blp.arguments(ContactPointsSchema)
    @blp.response(200, PersonSchema)
    @blp.allow(DESK)
    def put(self, data: dict[str, Any], person_id: UUID) -> dict[str, Any]:
        """Replace a person's contact points (one preferred; the preferred channel must stay reachable)"""
        return shown_person(use_cases.replace_contact_points(unit_of_work(), person_id, data["contact_points"]))


@blp.route("/units/<uuid:unit_id>/contacts")
class UnitContacts(MethodView):
    @blp.arguments(RevealArgs, location="query")
    @blp.response(200, UnitContactsSchema)
    @blp.allow(STAFF)
    def get(self, args: dict[str, Any], unit_id: UUID) -> dict[str, Any]:
        """The unit's contact persons in calling order; ?reveal=true shows full numbers (audited)"""
        contacts, reveal = _read_revealing(args["reveal"], views.unit_contact_list, unit_id, "unit.contacts",
                                           lambda found: [c["person_id"] for c in found["contacts"]])
        return shown_unit_contacts(contacts, reveal)

    @blp.arguments(UnitContactsChangeSchema)
    @blp.response(200, UnitContactsSchema)
    @blp.allow(DESK)
    def put(self, data: dict[str, Any], unit_id: UUID) -> dict[str, Any]:
        """Set the unit's contact persons, in calling order"""
        return shown_unit_contacts(use_cases.set_unit_contacts(unit_of_work(), unit_id, data["person_ids"]), False)


def _with_timeline(session: Session, person_id: UUID, latest: int) -> dict[str, Any]:
    """The person and their latest ``latest`` timeline entries, read in one session."""
    person = views.person(session, person_id)
    page = timeline_views.person_timeline(session, current_principal(), person_id, {"page": 1, "page_size": latest})
    return {**person, "timeline": page["items"]}


def _read_revealing(requested: bool, view: Callable[..., dict[str, Any]], row_id: UUID, what: str,
                    people_in: Callable[[dict[str, Any]], list[UUID]]) -> tuple[dict[str, Any], bool]:
    """``view``'s answer about ``row_id``, and whether to show its numbers in full: when asked for and
    permitted (asked for without the permission is a 403), after an audit row per person shown."""
    if requested:
        require_permission(current_principal(), REVEAL_PERSONAL_DATA, "showing full phone numbers", "显示完整手机号")
    answer = read(view, row_id)
    if requested:
        audit_reveals(pii_reveals, [Reveal(what, answer["estate_id"], person, row_id) for person in people_in(answer)])
    return answer, requested
