"""The prospects API (潜在客户, OWN-7): leads, the pipeline, activities, follow-ups and conversion."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from flask.views import MethodView
from tenancy.privacy import mask_phone
from tenancy.roles import DESK

from owners.access import SCOPE
from owners.privacy import shown_page
from owners.prospects import use_cases, views
from owners.prospects.schemas import (
    ActivitySchema,
    ConversionSchema,
    NewActivitySchema,
    PipelineArgs,
    ProspectPatchSchema,
    ProspectSchema,
)
from servicekit.access import ScopedBlueprint
from servicekit.paging import page_schema
from servicekit.web import current_principal
from servicekit.webapp import read, unit_of_work

blp = ScopedBlueprint("prospects", __name__, url_prefix="/api/v1/prospects", scope=SCOPE,
                      description="Prospects (潜在客户): leads, pipeline stages, activities and conversion")


def shown(lead: dict[str, Any]) -> dict[str, Any]:
    return {**lead, "mobile": mask_phone(lead.get("mobile"))}


@blp.route("")
class Prospects(MethodView):
    @blp.arguments(PipelineArgs, location="query")
    @blp.response(200, page_schema(ProspectSchema))
    @blp.allow(DESK, estates=("estate_id",), rows=("staff_id", "person_id"))
    def get(self, args: dict[str, Any]) -> dict[str, Any]:
        """The pipeline of the caller's estates, the earliest follow-up first"""
        return shown_page(read(views.pipeline, current_principal(), args), shown)

    @blp.arguments(ProspectSchema)
    @blp.response(201, ProspectSchema)
    @blp.allow(DESK, estates=("estate_id",), rows=("staff_id", "unit_id"))
    def post(self, data: dict[str, Any]) -> dict[str, Any]:
        """Record a lead, perhaps assigned to a member of staff with a follow-up date"""
        return shown(use_cases.add_prospect(unit_of_work(), data, current_principal().subject))


@blp.route("/<uuid:prospect_id>")
class Prospect(MethodView):
    @blp.response(200, ProspectSchema)
    @blp.allow(DESK)
    def get(self, prospect_id: UUID) -> dict[str, Any]:
        """One prospect with its activities, latest first"""
        return shown(read(views.prospect, prospect_id))

    @blp.arguments(ProspectPatchSchema)
    @blp.response(200, ProspectSchema)
    @blp.allow(DESK, rows=("staff_id", "unit_id"))
    def patch(self, changes: dict[str, Any], prospect_id: UUID) -> dict[str, Any]:
        """Assign it, set its follow-up, change its particulars or move it along the pipeline"""
        return shown(use_cases.change_prospect(unit_of_work(), prospect_id, changes, current_principal().subject))


@blp.route("/<uuid:prospect_id>/activities")
class Activities(MethodView):
    @blp.arguments(NewActivitySchema)
    @blp.response(201, ActivitySchema)
    @blp.allow(DESK, rows=("staff_id",))
    def post(self, data: dict[str, Any], prospect_id: UUID) -> dict[str, Any]:
        """Log a call, visit, viewing, message or note; follow_up_on sets the next date"""
        return use_cases.log_activity(unit_of_work(), prospect_id, data, current_principal().subject)


@blp.route("/<uuid:prospect_id>/convert")
class Convert(MethodView):
    @blp.arguments(ConversionSchema)
    @blp.response(201, ProspectSchema)
    @blp.allow(DESK, rows=("unit_id",))
    def post(self, data: dict[str, Any], prospect_id: UUID) -> dict[str, Any]:
        """Convert the prospect into an owner or tenant of a unit; its history stays, naming the person"""
        return shown(use_cases.convert(unit_of_work(), prospect_id, data, current_principal().subject))
