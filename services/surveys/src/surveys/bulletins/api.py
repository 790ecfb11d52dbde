"""The quarterly bulletin of a wave's results (满意度调查公告, SRV-6): published once with its author;
read as a printable HTML page (the default) or an XLSX (``?format=xlsx``)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from flask import Response
from tenancy.roles import MANAGERS, STAFF

from servicekit.rows import now
from servicekit.web import current_principal
from servicekit.webapp import read, unit_of_work
from surveys.access import blueprint
from surveys.bulletins import use_cases, views
from surveys.bulletins.schemas import BulletinArgs, BulletinSchema, NewBulletinSchema

blp = blueprint("bulletins", __name__, url_prefix="/api/v1/waves",
                description="The quarterly bulletin (满意度调查公告) of a wave's results")
HTML, XLSX = "text/html", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@blp.route("/<uuid:wave_id>/bulletin", methods=["POST"])
@blp.arguments(NewBulletinSchema())
@blp.response(201, BulletinSchema())
@blp.allow(MANAGERS)
def publish_bulletin(data: dict[str, Any], wave_id: UUID) -> Any:
    """Publish a wave's bulletin, once"""
    return use_cases.publish(unit_of_work(), wave_id, current_principal().subject, now(), **data)


@blp.route("/<uuid:wave_id>/bulletin", methods=["GET"])
@blp.arguments(BulletinArgs(), location="query")
@blp.doc(responses={"200": {"description": "The bulletin: a printable page or an XLSX", "content": {
    HTML: {"schema": {"type": "string"}}, XLSX: {"schema": {"type": "string", "format": "binary"}}}}})
@blp.alt_response(404, description="The wave has no bulletin yet")
@blp.allow(STAFF)
def get_bulletin(args: dict[str, Any], wave_id: UUID) -> Any:
    """A wave's bulletin as a printable HTML page, or (format=xlsx) a workbook"""
    found = read(views.bulletin, wave_id)
    if args["format"] == "xlsx":
        return Response(views.workbook(found), mimetype=XLSX, headers={
            "Content-Disposition": f'attachment; filename="bulletin-{found["statistics"]["period"]}.xlsx"',
            "X-Content-Type-Options": "nosniff"})
    return Response(views.page(found), mimetype=HTML, headers={"X-Content-Type-Options": "nosniff"})
