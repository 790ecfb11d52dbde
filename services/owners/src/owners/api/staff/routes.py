"""The staff directory (员工): roles, skills and the estate that employs each member."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from flask.views import MethodView
from flask_smorest import Blueprint
from sqlalchemy import Select, String, cast, select

from owners.adapters.tables import staff
from owners.api.access import MANAGERS, STAFF_ROLES, get_in_scope, require, require_estate
from owners.api.common import page_of, page_schema, unit_of_work
from owners.api.staff.schemas import StaffListArgs, StaffPatchSchema, StaffSchema
from owners.service_layer import staff as use_cases
from servicekit.auth import scoped
from servicekit.privacy import mask_phone

blp = Blueprint("staff", __name__, url_prefix="/api/v1/staff", description="Staff directory (员工)")


def _shown(member: Any) -> dict[str, Any]:
    return {**member, "mobile": mask_phone(member["mobile"])}


def _filtered(statement: Select[Any], args: dict[str, Any]) -> Select[Any]:
    for name in ("estate_id", "role", "active"):
        if name in args:
            statement = statement.where(staff.c[name] == args[name])
    if "skill" in args:
        # Skills are a JSON list from a closed vocabulary: matching the quoted word works on
        # PostgreSQL and SQLite alike.
        statement = statement.where(cast(staff.c.skills, String).like(f'%"{args["skill"]}"%'))
    return statement


@blp.route("")
class StaffList(MethodView):
    @blp.arguments(StaffListArgs, location="query")
    @blp.response(200, page_schema(StaffSchema))
    def get(self, args: dict[str, Any]) -> dict[str, Any]:
        """List staff of the caller's estates, filtered by estate, role, skill or active"""
        principal = require(STAFF_ROLES)
        statement = _filtered(select(staff).order_by(staff.c.name, staff.c.id), args)
        with unit_of_work() as uow:
            page = page_of(uow, scoped(statement, staff.c.estate_id, principal), args)
        return {**page, "items": [_shown(m) for m in page["items"]]}

    @blp.arguments(StaffSchema)
    @blp.response(201, StaffSchema)
    def post(self, data: dict[str, Any]) -> dict[str, Any]:
        """A member joins an estate's service centre"""
        require_estate(require(MANAGERS), data["estate_id"])
        return _shown(use_cases.add_staff(unit_of_work(), **data))


@blp.route("/<uuid:staff_id>")
class StaffMember(MethodView):
    @blp.response(200, StaffSchema)
    def get(self, staff_id: UUID) -> dict[str, Any]:
        """One staff member"""
        principal = require(STAFF_ROLES)
        with unit_of_work() as uow:
            return _shown(get_in_scope(uow, staff, staff_id, principal, "staff member"))

    @blp.arguments(StaffPatchSchema)
    @blp.response(200, StaffSchema)
    def patch(self, changes: dict[str, Any], staff_id: UUID) -> dict[str, Any]:
        """Change a member's particulars, role, skills, or take them off the roster"""
        principal = require(MANAGERS)
        with unit_of_work() as uow:
            get_in_scope(uow, staff, staff_id, principal, "staff member")
            return _shown(use_cases.update_staff(uow, staff_id, changes))
