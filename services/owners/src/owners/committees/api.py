"""The owners' committee API (业主委员会, SRV-7): the committee, its members and the log of contacts."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from flask.views import MethodView
from tenancy.roles import DESK, MANAGERS, STAFF

from owners.access import SCOPE
from owners.committees import use_cases, views
from owners.committees.schemas import (
    CommitteeContactListArgs,
    CommitteeContactSchema,
    CommitteeListArgs,
    CommitteePatchSchema,
    CommitteeSchema,
    EndTermSchema,
    MemberSchema,
)
from servicekit.access import ScopedBlueprint
from servicekit.paging import page_schema
from servicekit.web import current_principal
from servicekit.webapp import read, unit_of_work

blp = ScopedBlueprint("committees", __name__, url_prefix="/api/v1", scope=SCOPE,
                      description="The owners' committee (业主委员会): members, terms, contacts and meetings")


@blp.route("/committees")
class Committees(MethodView):
    @blp.arguments(CommitteeListArgs, location="query")
    @blp.response(200, page_schema(CommitteeSchema))
    @blp.allow(STAFF, estates=("estate_id",))
    def get(self, args: dict[str, Any]) -> dict[str, Any]:
        """The owners' committees of the caller's estates, with their members in office"""
        return read(views.committee_page, current_principal(), args)

    @blp.arguments(CommitteeSchema)
    @blp.response(201, CommitteeSchema)
    @blp.allow(MANAGERS, estates=("estate_id",))
    def post(self, data: dict[str, Any]) -> dict[str, Any]:
        """Record an estate's owners' committee and its term"""
        return use_cases.form_committee(unit_of_work(), data)


@blp.route("/committees/<uuid:committee_id>")
class Committee(MethodView):
    @blp.response(200, CommitteeSchema)
    @blp.allow(STAFF)
    def get(self, committee_id: UUID) -> dict[str, Any]:
        """One committee with its members in office"""
        return read(views.committee, committee_id)

    @blp.arguments(CommitteePatchSchema)
    @blp.response(200, CommitteeSchema)
    @blp.allow(MANAGERS)
    def patch(self, changes: dict[str, Any], committee_id: UUID) -> dict[str, Any]:
        """Rename the committee, or change its term or note"""
        return use_cases.change_committee(unit_of_work(), committee_id, changes)


@blp.route("/committees/<uuid:committee_id>/members")
class Members(MethodView):
    @blp.response(200, MemberSchema(many=True))
    @blp.allow(STAFF)
    def get(self, committee_id: UUID) -> list[dict[str, Any]]:
        """Every member, past ones too: in office first"""
        return read(views.members, committee_id)

    @blp.arguments(MemberSchema)
    @blp.response(201, MemberSchema)
    @blp.allow(MANAGERS, rows=("person_id",))
    def post(self, data: dict[str, Any], committee_id: UUID) -> dict[str, Any]:
        """Seat an owner of the estate on the committee with a role and a term"""
        return use_cases.seat_member(unit_of_work(), committee_id, data)


@blp.route("/committee-members/<uuid:member_id>/end-term")
class EndTerm(MethodView):
    @blp.arguments(EndTermSchema)
    @blp.response(200, MemberSchema)
    @blp.allow(MANAGERS)
    def post(self, data: dict[str, Any], member_id: UUID) -> dict[str, Any]:
        """End a member's term"""
        return use_cases.end_term(unit_of_work(), member_id, data["ends_on"])


@blp.route("/committees/<uuid:committee_id>/contacts")
class Contacts(MethodView):
    @blp.arguments(CommitteeContactListArgs, location="query")
    @blp.response(200, page_schema(CommitteeContactSchema))
    @blp.allow(STAFF)
    def get(self, args: dict[str, Any], committee_id: UUID) -> dict[str, Any]:
        """The log of contacts and meetings with the committee, latest first"""
        return read(views.contact_log, committee_id, args)

    @blp.arguments(CommitteeContactSchema)
    @blp.response(201, CommitteeContactSchema)
    @blp.allow(DESK, rows=("staff_id",))
    def post(self, data: dict[str, Any], committee_id: UUID) -> dict[str, Any]:
        """Log a contact or meeting with the committee"""
        return use_cases.log_contact(unit_of_work(), committee_id, data, current_principal().subject)
