"""The register (``/console/register``, for managers): departments with their supervisors, common
areas and equipment, prospects (leads), and contract templates; each a list of one estate's records,
the form that adds one, and the one change a manager makes most. Everything goes through owners'
API with the manager's own token."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from flask import redirect, request
from tenancy.roles import MANAGERS

from gateway.console.desk_forms import (
    Field,
    chosen_estate,
    options,
    phrase_options,
    read_form,
    refused_on_fields,
)
from gateway.console.frame import backends, blp, checked_post, page, require_role, staff_estates, staff_page, t
from gateway.pages.backends import Refused

EQUIPMENT_KINDS = ("lift", "pump", "gate", "access_control", "lighting", "car_park", "fire_system", "cctv",
                   "water_tank", "generator", "hvac", "garden", "playground", "other")
INTERESTS = ("buyer", "tenant", "company")
STAGES = ("new", "contacted", "viewing", "negotiating")  # won by conversion, lost with a reason: the API's
DOCUMENT_KINDS = ("contract", "proposal")
DONE = ("added", "changed")

DEPARTMENT = (
    Field("code", "reg_code", required=True, longest=40),
    Field("name", "reg_name", required=True, longest=100),
    Field("supervisor_id", "reg_supervisor", "id"),
)
SUPERVISOR = (Field("supervisor_id", "reg_supervisor", "id"),)
EQUIPMENT = (
    Field("kind", "reg_equipment_kind", "choice", required=True, choices=EQUIPMENT_KINDS),
    Field("identifier", "reg_identifier", required=True, longest=60),
    Field("name", "reg_name", required=True, longest=100),
    Field("building_id", "reg_building", "id"),
    Field("location", "reg_location"),
    Field("maintenance_contractor", "reg_contractor", longest=100),
    Field("installed_on", "reg_installed_on", "day"),
)
PROSPECT = (
    Field("name", "reg_prospect_name", required=True, longest=100),
    Field("interest", "reg_interest", "choice", required=True, choices=INTERESTS),
    Field("mobile", "reg_mobile", "phone", longest=20),
    Field("source", "reg_source", longest=50),
    Field("staff_id", "reg_follower", "id"),
    Field("follow_up_on", "reg_follow_up_on", "day"),
)
FOLLOW_UP = (
    Field("staff_id", "reg_follower", "id"),
    Field("stage", "reg_stage", "choice", required=True, choices=STAGES),
    Field("follow_up_on", "reg_follow_up_on", "day"),
)
TEMPLATE = (
    Field("code", "reg_code", required=True, longest=40),
    Field("kind", "reg_document_kind", "choice", required=True, choices=DOCUMENT_KINDS),
    Field("name", "reg_name", required=True, longest=100),
    Field("paragraphs", "reg_paragraphs", "lines", required=True, longest=5000),
)


def _register_page(template: str, status: int = 200, **context: Any) -> Any:
    done = request.args.get("done")
    return page(template, status, done=t(f"reg_done_{done}") if done in DONE else None, options=options,
                phrase_options=phrase_options, **context)


def _estate() -> tuple[list[dict[str, Any]], str | None]:
    require_role(MANAGERS)
    mine = staff_estates()
    return mine, chosen_estate(request.values.get("estate_id"), mine)


def _staff(estate: str | None) -> list[dict[str, Any]]:
    """The estate's staff in owners' directory (a supervisor, whoever follows a lead up)."""
    return backends().get("owners", "/api/v1/staff", estate_id=estate, active=True, page_size=100)["items"] \
        if estate else []


def _add(fields: tuple[Field, ...], path: str, estate: str | None) -> tuple[dict[str, Any], dict[str, str]]:
    """Read the form and, when it is right, send it: the values and any refusals."""
    values, errors = read_form(fields, request.form)
    if not errors:
        try:
            backends().call("owners", "POST", path, json={**values, "estate_id": estate})
        except Refused as refused:
            if refused.status not in (409, 422):
                raise
            errors = refused_on_fields(refused, fields)
    return values, errors


def _change(fields: tuple[Field, ...], path: str, changes: dict[str, Any] | None = None) -> dict[str, str]:
    values, errors = read_form(fields, request.form)
    if not errors:
        body = changes if changes is not None else {f.name: values.get(f.name) for f in fields}
        try:
            backends().call("owners", "PATCH", path, json=body)
        except Refused as refused:
            if refused.status not in (409, 422):
                raise
            errors = refused_on_fields(refused, fields)
    return errors


@blp.route("/console/register", methods=["GET"])
@staff_page
def register_home() -> Any:
    require_role(MANAGERS)
    return redirect("/console/register/departments")


# --- departments -----------------------------------------------------------------------------------

@blp.route("/console/register/departments", methods=["GET"])
@staff_page
def register_departments() -> Any:
    return _departments(*_estate(), {}, {})


@blp.route("/console/register/departments", methods=["POST"])
@staff_page
@checked_post
def register_add_department() -> Any:
    mine, estate = _estate()
    _values, errors = _add(DEPARTMENT, "/api/v1/departments", estate)
    if errors:
        return _departments(mine, estate, dict(request.form), errors)
    return redirect(f"/console/register/departments?estate_id={estate}&done=added")


def _departments(mine: list[dict[str, Any]], estate: str | None, values: dict[str, Any],
                 errors: dict[str, str]) -> Any:
    departments = backends().get("owners", "/api/v1/departments", estate_id=estate, templates=False,
                                 page_size=100)["items"] if estate else []
    return _register_page("register_departments", 422 if errors else 200, estates=mine, estate=estate,
                          departments=departments, colleagues=_staff(estate), values=values, errors=errors)


@blp.route("/console/register/departments/<uuid:department_id>", methods=["POST"])
@staff_page
@checked_post
def register_supervisor(department_id: UUID) -> Any:
    """Give a department its supervisor, or leave the post vacant."""
    mine, estate = _estate()
    errors = _change(SUPERVISOR, f"/api/v1/departments/{department_id}")
    if errors:
        return _departments(mine, estate, {}, errors)
    return redirect(f"/console/register/departments?estate_id={estate}&done=changed")


# --- common areas and equipment --------------------------------------------------------------------

@blp.route("/console/register/equipment", methods=["GET"])
@staff_page
def register_equipment() -> Any:
    return _equipment(*_estate(), {}, {})


@blp.route("/console/register/equipment", methods=["POST"])
@staff_page
@checked_post
def register_add_equipment() -> Any:
    mine, estate = _estate()
    _values, errors = _add(EQUIPMENT, "/api/v1/equipment", estate)
    if errors:
        return _equipment(mine, estate, dict(request.form), errors)
    return redirect(f"/console/register/equipment?estate_id={estate}&done=added")


def _equipment(mine: list[dict[str, Any]], estate: str | None, values: dict[str, Any], errors: dict[str, str]) -> Any:
    api = backends()
    items = api.get("owners", "/api/v1/equipment", estate_id=estate, page_size=100)["items"] if estate else []
    buildings = api.get("owners", f"/api/v1/estates/{estate}/buildings", page_size=100)["items"] if estate else []
    return _register_page("register_equipment", 422 if errors else 200, estates=mine, estate=estate, items=items,
                          buildings=buildings, building_names={b["id"]: b["name"] for b in buildings},
                          kinds=EQUIPMENT_KINDS, values=values, errors=errors)


@blp.route("/console/register/equipment/<uuid:equipment_id>/decommission", methods=["POST"])
@staff_page
@checked_post
def register_decommission(equipment_id: UUID) -> Any:
    """Take an item out of use (tickets name it no more)."""
    mine, estate = _estate()
    errors = _change((), f"/api/v1/equipment/{equipment_id}", {"active": False})
    if errors:
        return _equipment(mine, estate, {}, errors)
    return redirect(f"/console/register/equipment?estate_id={estate}&done=changed")


# --- prospects -------------------------------------------------------------------------------------

@blp.route("/console/register/prospects", methods=["GET"])
@staff_page
def register_prospects() -> Any:
    return _prospects(*_estate(), {}, {})


@blp.route("/console/register/prospects", methods=["POST"])
@staff_page
@checked_post
def register_add_prospect() -> Any:
    mine, estate = _estate()
    _values, errors = _add(PROSPECT, "/api/v1/prospects", estate)
    if errors:
        return _prospects(mine, estate, dict(request.form), errors)
    return redirect(f"/console/register/prospects?estate_id={estate}&done=added")


def _prospects(mine: list[dict[str, Any]], estate: str | None, values: dict[str, Any], errors: dict[str, str]) -> Any:
    leads = backends().get("owners", "/api/v1/prospects", estate_id=estate, page_size=100)["items"] if estate else []
    staff = _staff(estate)
    return _register_page("register_prospects", 422 if errors else 200, estates=mine, estate=estate, leads=leads,
                          colleagues=staff, names={s["id"]: s["name"] for s in staff}, interests=INTERESTS,
                          stages=STAGES, values=values, errors=errors)


@blp.route("/console/register/prospects/<uuid:prospect_id>", methods=["POST"])
@staff_page
@checked_post
def register_follow_up(prospect_id: UUID) -> Any:
    """Assign a lead, move it along the pipeline and set its next follow-up."""
    mine, estate = _estate()
    errors = _change(FOLLOW_UP, f"/api/v1/prospects/{prospect_id}")
    if errors:
        return _prospects(mine, estate, {}, errors)
    return redirect(f"/console/register/prospects?estate_id={estate}&done=changed")


# --- contracts: the templates documents are generated from -----------------------------------------

@blp.route("/console/register/contracts", methods=["GET"])
@staff_page
def register_contracts() -> Any:
    return _contracts(*_estate(), {}, {})


@blp.route("/console/register/contracts", methods=["POST"])
@staff_page
@checked_post
def register_add_contract() -> Any:
    mine, estate = _estate()
    _values, errors = _add(TEMPLATE, "/api/v1/document-templates", estate)
    if errors:
        return _contracts(mine, estate, dict(request.form), errors)
    return redirect(f"/console/register/contracts?estate_id={estate}&done=added")


def _contracts(mine: list[dict[str, Any]], estate: str | None, values: dict[str, Any], errors: dict[str, str]) -> Any:
    templates = backends().get("owners", "/api/v1/document-templates", estate_id=estate,
                               page_size=100)["items"] if estate else []
    return _register_page("register_contracts", 422 if errors else 200, estates=mine, estate=estate,
                          templates=templates, kinds=DOCUMENT_KINDS, values=values, errors=errors)
