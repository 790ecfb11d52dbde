"""Standard procedures as checklists (标准作业程序, TKT-15): the templates in force (the built-in
renovation approval 装修审批, phone-answering and equipment-operation procedures, and the operator's
or an estate's own), and applications tracked step by step: who decided each step and when, a
refusal with its reason, the applicant told at each decision."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from tenancy.roles import DESK, MANAGERS, OWNER, STAFF

from servicekit.access import ScopedBlueprint
from servicekit.web import ProblemSchema, current_principal, refuse
from servicekit.webapp import read, unit_of_work
from tickets.access import SCOPE
from tickets.domain.procedures import may_decide
from tickets.procedures import schemas, use_cases, views
from tickets.tickets.timeline import Actor

blp = ScopedBlueprint("procedures", __name__, scope=SCOPE, url_prefix="/api/v1/procedures",
                      description="Standard procedures as checklists, and applications run through them (程序)")


@blp.route("/templates", methods=["GET"])
@blp.arguments(schemas.TemplateListArgs, location="query")
@blp.response(200, schemas.TemplateSchema(many=True))
@blp.allow(STAFF, estates=("estate_id",))
def list_templates(args: dict[str, Any]) -> Any:
    """The built-in procedures, the operator's and the caller's estates' own (those in force with estate_id)"""
    return read(views.template_list, current_principal(), args)


@blp.route("/templates", methods=["POST"])
@blp.arguments(schemas.TemplateSchema)
@blp.response(201, schemas.TemplateSchema)
@blp.allow(MANAGERS, estates=("estate_id",), operator_wide="estate_id")
def add_template(data: dict[str, Any]) -> Any:
    """Write a procedure for one estate or (operator admins) every estate"""
    return use_cases.add_template(unit_of_work(), data)


@blp.route("/applications", methods=["GET"])
@blp.arguments(schemas.ApplicationListArgs, location="query")
@blp.response(200, schemas.ApplicationSchema(many=True))
@blp.allow(STAFF, estates=("estate_id",))
def list_applications(args: dict[str, Any]) -> Any:
    """The applications of the caller's estates, newest first"""
    return read(views.application_list, current_principal(), args)


@blp.route("/applications", methods=["POST"])
@blp.arguments(schemas.NewApplicationSchema)
@blp.response(201, schemas.ApplicationSchema)
@blp.allow(DESK, estates=("estate_id",))
def open_application(data: dict[str, Any]) -> Any:
    """Open an application (a renovation approval, say): its first step is open at once"""
    return use_cases.open_application(unit_of_work(), Actor.of(current_principal()), data)


@blp.route("/applications/<uuid:application_id>", methods=["GET"])
@blp.response(200, schemas.ApplicationSchema)
@blp.allow(STAFF)
def get_application(application_id: UUID) -> Any:
    """One application: each step's state, due time, who decided it and when"""
    return read(views.application, application_id)


@blp.route("/applications/<uuid:application_id>/steps/<int:position>/decision", methods=["POST"])
@blp.arguments(schemas.DecisionSchema)
@blp.response(200, schemas.ApplicationSchema)
@blp.alt_response(409, schema=ProblemSchema, description="Not the step open now, or the application has ended")
@blp.allow(STAFF)
def decide_step(data: dict[str, Any], application_id: UUID, position: int) -> Any:
    """Approve the step open now, or refuse it with a reason (by its role, or a manager)"""
    principal = current_principal()
    role = read(views.step_role, application_id)
    if role is not None and not may_decide(principal.role, role):
        refuse(403, f"this step is decided by a {role} or a manager", f"此步骤须由{role}或管理人员处理")
    return use_cases.decide(unit_of_work(), application_id, position, Actor.of(principal), **data)


@blp.route("/applications/<uuid:application_id>/withdraw", methods=["POST"])
@blp.arguments(schemas.WithdrawalSchema)
@blp.response(200, schemas.ApplicationSchema)
@blp.alt_response(409, schema=ProblemSchema, description="The application has ended already")
@blp.allow(DESK | {OWNER})
def withdraw_application(data: dict[str, Any], application_id: UUID) -> Any:
    """Withdraw a running application, saying why (the desk, or the applicant through the app)"""
    principal = current_principal()
    if principal.role == OWNER and not read(views.applied_by, application_id, principal.subject):
        refuse(404, "no such application", "没有此申请")
    return use_cases.withdraw(unit_of_work(), application_id, Actor.of(principal), reason=data["reason"])
