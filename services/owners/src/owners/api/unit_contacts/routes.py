"""Contact persons of a unit (联系人的选择): whom the desk calls first, second, ..."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from flask.views import MethodView
from tenancy.roles import DESK, STAFF

from owners import views
from owners.api.access import blueprint
from owners.api.privacy import RevealArgs, may_reveal, shown_unit_contacts
from owners.api.unit_contacts.schemas import UnitContactsChangeSchema, UnitContactsSchema
from owners.service_layer import unit_contacts as use_cases
from owners.service_layer.privacy import record_reveals
from servicekit.web import current_principal
from servicekit.webapp import read, unit_of_work

blp = blueprint("unit_contacts", __name__, url_prefix="/api/v1/units", description="Contact persons of a unit (联系人)")


@blp.route("/<uuid:unit_id>/contacts")
class UnitContacts(MethodView):
    @blp.arguments(RevealArgs, location="query")
    @blp.response(200, UnitContactsSchema)
    @blp.allow(STAFF)
    def get(self, args: dict[str, Any], unit_id: UUID) -> dict[str, Any]:
        """The unit's contact persons in calling order; ?reveal=true shows full numbers (audited)"""
        principal = current_principal()
        reveal = may_reveal(principal, args["reveal"])
        contacts = read(views.unit_contact_list, unit_id)
        if reveal:
            estate_id = read(views.unit, unit_id)["estate_id"]
            record_reveals(unit_of_work(), estate_id, principal.subject, [c["person_id"] for c in contacts])
        return shown_unit_contacts(unit_id, contacts, reveal)

    @blp.arguments(UnitContactsChangeSchema)
    @blp.response(200, UnitContactsSchema)
    @blp.allow(DESK)
    def put(self, data: dict[str, Any], unit_id: UUID) -> dict[str, Any]:
        """Set the unit's contact persons, in calling order"""
        use_cases.set_unit_contacts(unit_of_work(), unit_id, data["person_ids"])
        return shown_unit_contacts(unit_id, read(views.unit_contact_list, unit_id), False)
