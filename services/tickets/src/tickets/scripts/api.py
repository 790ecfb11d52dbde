"""Call scripts over HTTP (电话服务内容草稿, TKT-9): the opening, the questions, the apology and the
thanks, the replies to expected problems, per estate (or the operator's, for every estate) and per
kind of ticket and complaint class, versioned; the desk asks for the one that fits."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from tenancy.roles import MANAGERS, STAFF

from servicekit.access import ScopedBlueprint
from servicekit.paging import page_schema
from servicekit.web import current_principal, refuse
from servicekit.webapp import read, unit_of_work
from tickets.access import SCOPE
from tickets.scripts import schemas, use_cases, views
from tickets.tickets.timeline import Actor
from tickets.tickets.views import ticket

blp = ScopedBlueprint("scripts", __name__, scope=SCOPE, url_prefix="/api/v1/scripts",
                      description="Call scripts and prepared replies (电话服务内容草稿)")


@blp.route("", methods=["GET"])
@blp.arguments(schemas.ScriptListArgs, location="query")
@blp.response(200, page_schema(schemas.ScriptSchema))
@blp.allow(STAFF, estates=("estate_id",))
def list_scripts(args: dict[str, Any]) -> dict[str, Any]:
    """The operator's scripts and the caller's estates' own, the latest version of each"""
    return read(views.script_page, current_principal(), args)


@blp.route("", methods=["POST"])
@blp.arguments(schemas.ScriptSchema)
@blp.response(201, schemas.ScriptSchema)
@blp.allow(MANAGERS, estates=("estate_id",), operator_wide="estate_id")
def write_script(data: dict[str, Any]) -> dict[str, Any]:
    """Write the next version of a script (for an estate, or for every estate by the operator)"""
    return use_cases.write(unit_of_work(), Actor.of(current_principal()), data)


@blp.route("/fitting", methods=["GET"])
@blp.arguments(schemas.FittingArgs, location="query")
@blp.response(200, schemas.ScriptSchema)
@blp.allow(STAFF, rows=("ticket_id",), estates=("estate_id",))
def fitting(args: dict[str, Any]) -> dict[str, Any]:
    """The script that fits what the desk is entering: the estate's own before the operator's, the kind and class"""
    estate_id, kind, klass = args["estate_id"], args.get("kind"), args.get("complaint_class")
    if args.get("ticket_id") is not None:
        entered = read(ticket, args["ticket_id"])
        estate_id, kind, klass = entered["estate_id"], entered["kind"], entered["complaint_class"]
    found = read(views.fitting, estate_id, kind, klass)
    if found is None:
        refuse(404, "no call script fits; write one for the operator or the estate",
               "没有适用的电话话术，请为运营方或小区编写")
    return found


@blp.route("/<uuid:script_id>", methods=["GET"])
@blp.response(200, schemas.ScriptSchema)
@blp.allow(STAFF)
def one_script(script_id: UUID) -> dict[str, Any]:
    """One version of a script"""
    return read(views.script, script_id)
