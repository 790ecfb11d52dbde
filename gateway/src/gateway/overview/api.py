"""The overview API (GW-2): what has happened with this person, from every service, in one request."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from flask import request
from tenancy.roles import OWNER, STAFF

from gateway.access import SCOPE
from gateway.edge.route_table import ROUTES
from gateway.overview import views
from gateway.overview.schemas import EstateOverviewSchema, PersonOverviewSchema
from servicekit.access import ScopedBlueprint, only_their_own
from servicekit.errors import NotFound
from servicekit.web import current_principal
from servicekit.webapp import current_settings

blp = ScopedBlueprint("overview", __name__, url_prefix="/api/v1/overview", scope=SCOPE,
                      description="One picture of a person from every service (业主全景)")


@blp.route("/people/<uuid:person_id>", methods=["GET"])
@blp.response(200, PersonOverviewSchema)
@blp.allow(STAFF | {OWNER})
def person_overview(person_id: UUID) -> Any:
    """A person's whole picture: profile, units, open tickets, notices, survey answers, timeline;
    a service that does not answer in time is named in `partial`, never an error. An owner reads
    their own (their token's person); anyone else's is 404, before any service is asked"""
    only_their_own(person_id, {OWNER})
    settings = current_settings()
    return views.person_overview(person_id, _upstreams(settings), request.headers, settings.overview_timeout_seconds)


@blp.route("/estates/<uuid:estate_id>", methods=["GET"])
@blp.response(200, EstateOverviewSchema)
@blp.allow(STAFF)
def estate_overview(estate_id: UUID) -> Any:
    """An estate's dashboard: open tickets by stage, SLA warnings and breaches, notices' reach, the
    latest wave's satisfaction by element; kept a few seconds; a silent service named in `partial`"""
    if not current_principal().can_see(estate_id):
        raise NotFound("no such estate", "没有此小区")
    settings = current_settings()
    return views.estate_overview(estate_id, _upstreams(settings), request.headers, settings.overview_timeout_seconds,
                                 settings.overview_keep_seconds)


def _upstreams(settings: Any) -> dict[str, str]:
    return settings.upstreams({r.service: r.port for r in ROUTES})
