"""The staff API: the directory (员工) of roles, skills and the estate that employs each member."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from flask.views import MethodView
from tenancy.roles import MANAGERS, STAFF

from owners.access import SCOPE
from owners.privacy import shown_page, shown_staff
from owners.staff import use_cases, views
from owners.staff.schemas import StaffListArgs, StaffPatchSchema, StaffSchema
from servicekit.access import ScopedBlueprint
from servicekit.paging import page_schema
from servicekit.web import current_principal
from servicekit.webapp import read, unit_of_work

blp = ScopedBlueprint("staff", __name__, url_prefix="/api/v1/staff", scope=SCOPE, description="Staff directory (员工)")


@blp.route("")
class StaffList(MethodView):
    @blp.arguments(StaffListArgs, location="query")
    @blp.response(200, page_schema(StaffSchema))
    @blp.allow(STAFF)
    def get(self, args: dict[str, Any]) -> dict[str, Any]:
        """List staff of the caller's estates, filtered by estate, role, skill or active"""
        return shown_page(read(views.staff_page, current_principal(), args), shown_staff)

    @blp.arguments(StaffSchema)
    @blp.response(201, StaffSchema)
    @blp.allow(MANAGERS, estates=("estate_id",))
    def post(self, data: dict[str, Any]) -> dict[str, Any]:
        """A member joins an estate's service centre"""
        return shown_staff(use_cases.add_staff(unit_of_work(), **data))


@blp.route("/<uuid:staff_id>")
class StaffMember(MethodView):
    @blp.response(200, StaffSchema)
    @blp.allow(STAFF)
    def get(self, staff_id: UUID) -> dict[str, Any]:
        """One staff member"""
        return shown_staff(read(views.staff_member, staff_id))

    @blp.arguments(StaffPatchSchema)
    @blp.response(200, StaffSchema)
    @blp.allow(MANAGERS)
    def patch(self, changes: dict[str, Any], staff_id: UUID) -> dict[str, Any]:
        """Change a member's particulars, role, skills, or take them off the roster"""
        return shown_staff(use_cases.update_staff(unit_of_work(), staff_id, changes))
