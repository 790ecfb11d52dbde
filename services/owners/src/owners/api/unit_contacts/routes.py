"""Contact persons of a unit (联系人的选择): whom the desk calls first, second, ..."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from flask.views import MethodView
from flask_smorest import Blueprint

from owners.adapters.tables import units
from owners.api.access import DESK, STAFF_ROLES, get_in_scope, require
from owners.api.common import unit_of_work
from owners.api.privacy import RevealArgs, contact_value, may_reveal
from owners.api.unit_contacts.schemas import UnitContactsChangeSchema, UnitContactsSchema
from owners.service_layer import unit_contacts as use_cases
from owners.service_layer.privacy import record_reveals

blp = Blueprint("unit_contacts", __name__, url_prefix="/api/v1/units", description="Contact persons of a unit (联系人)")


def _shown(unit_id: UUID, contacts: list[dict[str, Any]], reveal: bool) -> dict[str, Any]:
    return {"unit_id": unit_id,
            "contacts": [{**c, "value": contact_value(c["kind"], c["value"], reveal)} for c in contacts]}


@blp.route("/<uuid:unit_id>/contacts")
class UnitContacts(MethodView):
    @blp.arguments(RevealArgs, location="query")
    @blp.response(200, UnitContactsSchema)
    def get(self, args: dict[str, Any], unit_id: UUID) -> dict[str, Any]:
        """The unit's contact persons in calling order; ?reveal=true shows full numbers (audited)"""
        principal = require(STAFF_ROLES)
        reveal = may_reveal(principal, args["reveal"])
        with unit_of_work() as uow:
            unit = get_in_scope(uow, units, unit_id, principal, "unit")
            contacts = use_cases.contacts_view(uow, unit_id)
        if reveal:
            record_reveals(unit_of_work(), unit["estate_id"], principal.subject, [c["person_id"] for c in contacts])
        return _shown(unit_id, contacts, reveal)

    @blp.arguments(UnitContactsChangeSchema)
    @blp.response(200, UnitContactsSchema)
    def put(self, data: dict[str, Any], unit_id: UUID) -> dict[str, Any]:
        """Set the unit's contact persons, in calling order"""
        principal = require(DESK)
        with unit_of_work() as uow:
            get_in_scope(uow, units, unit_id, principal, "unit")
            use_cases.set_unit_contacts(uow, unit_id, data["person_ids"])
        with unit_of_work() as uow:
            return _shown(unit_id, use_cases.contacts_view(uow, unit_id), False)
