"""The departments API (部门, OWN-9): the operator's templates, an estate's departments, supervisors, members."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from flask.views import MethodView
from tenancy.roles import MANAGERS, STAFF

from owners.access import SCOPE
from owners.departments import use_cases, views
from owners.departments.schemas import DepartmentListArgs, DepartmentPatchSchema, DepartmentSchema, MembersSchema
from servicekit.access import ScopedBlueprint
from servicekit.paging import page_schema
from servicekit.web import current_principal
from servicekit.webapp import read, unit_of_work

blp = ScopedBlueprint("departments", __name__, url_prefix="/api/v1", scope=SCOPE,
                      description="Departments (部门) of an estate's management office, and the operator's templates")


@blp.route("/departments")
class Departments(MethodView):
    @blp.arguments(DepartmentListArgs, location="query")
    @blp.response(200, page_schema(DepartmentSchema))
    @blp.allow(STAFF, estates=("estate_id",), rows=("staff_id",))
    def get(self, args: dict[str, Any]) -> dict[str, Any]:
        """The departments of the caller's estates and the operator's templates"""
        return read(views.department_page, current_principal(), args)

    @blp.arguments(DepartmentSchema)
    @blp.response(201, DepartmentSchema)
    @blp.allow(MANAGERS, estates=("estate_id",), rows=("supervisor_id",), operator_wide="estate_id")
    def post(self, data: dict[str, Any]) -> dict[str, Any]:
        """Add an estate's department with its supervisor and members, or (no estate) the operator's template"""
        return use_cases.add_department(unit_of_work(), data["estate_id"], data["code"], data["name"],
                                        data["supervisor_id"], data["member_ids"])


@blp.route("/departments/<uuid:department_id>")
class Department(MethodView):
    @blp.response(200, DepartmentSchema)
    @blp.allow(STAFF)
    def get(self, department_id: UUID) -> dict[str, Any]:
        """One department with its supervisor and members"""
        return read(views.department, department_id)

    @blp.arguments(DepartmentPatchSchema)
    @blp.response(200, DepartmentSchema)
    @blp.allow(MANAGERS, rows=("supervisor_id",))
    def patch(self, changes: dict[str, Any], department_id: UUID) -> dict[str, Any]:
        """Rename a department, give it a supervisor or leave the post vacant, or close it"""
        return use_cases.update_department(unit_of_work(), department_id, changes)


@blp.route("/departments/<uuid:department_id>/members")
class Members(MethodView):
    @blp.arguments(MembersSchema)
    @blp.response(200, DepartmentSchema)
    @blp.allow(MANAGERS)
    def put(self, data: dict[str, Any], department_id: UUID) -> dict[str, Any]:
        """Replace the department's members (a member of staff may belong to several departments)"""
        return use_cases.set_members(unit_of_work(), department_id, data["member_ids"])


@blp.route("/estates/<uuid:estate_id>/departments/from-templates")
class FromTemplates(MethodView):
    @blp.response(201, DepartmentSchema(many=True))
    @blp.allow(MANAGERS)
    def post(self, estate_id: UUID) -> list[dict[str, Any]]:
        """Give the estate a department for every operator template whose code it lacks"""
        return use_cases.add_from_templates(unit_of_work(), estate_id)
