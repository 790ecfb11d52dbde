"""The operator's duty contacts (集团值班): operator-wide, so only a caller who sees every estate."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from tenancy.roles import OPERATORS

from notify.access import blueprint
from notify.duty_contacts import use_cases
from notify.duty_contacts.schemas import DutyContactSchema, NewDutyContactSchema
from notify.duty_contacts.views import duty_contacts_of_operator
from servicekit.access import require_every_estate
from servicekit.rows import now
from servicekit.web import current_principal
from servicekit.webapp import read, unit_of_work

blp = blueprint("duty_contacts", __name__, url_prefix="/api/v1/duty-contacts",
                description="The operator's duty contacts (集团值班), told of escalations past an estate's top")


@blp.route("", methods=["GET"])
@blp.response(200, DutyContactSchema(many=True))
@blp.allow(OPERATORS)
def list_duty_contacts() -> Any:
    """The operator's duty contacts"""
    require_every_estate(current_principal(), "estate_id")
    return read(duty_contacts_of_operator)


@blp.route("", methods=["POST"])
@blp.arguments(NewDutyContactSchema)
@blp.response(201, DutyContactSchema())
@blp.allow(OPERATORS)
def add_duty_contact(data: dict[str, Any]) -> Any:
    """Add a duty contact (a mobile or an e-mail address, or both)"""
    require_every_estate(current_principal(), "estate_id")
    return use_cases.add_duty_contact(unit_of_work(), data, now())


@blp.route("/<uuid:contact_id>", methods=["DELETE"])
@blp.response(204)
@blp.alt_response(404, description="No such duty contact")
@blp.allow(OPERATORS)
def remove_duty_contact(contact_id: UUID) -> Any:
    """Remove a duty contact"""
    require_every_estate(current_principal(), "estate_id")
    use_cases.remove_duty_contact(unit_of_work(), contact_id)
    return None
