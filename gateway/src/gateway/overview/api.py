"""The overview API (GW-2): what has happened with this person, from every service, in one request."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from flask import request
from tenancy.roles import STAFF

from gateway.access import SCOPE
from gateway.edge.route_table import ROUTES
from gateway.overview import views
from gateway.overview.schemas import PersonOverviewSchema
from servicekit.access import ScopedBlueprint
from servicekit.webapp import current_settings

blp = ScopedBlueprint("overview", __name__, url_prefix="/api/v1/overview", scope=SCOPE,
                      description="One picture of a person from every service (业主全景)")


@blp.route("/people/<uuid:person_id>", methods=["GET"])
@blp.response(200, PersonOverviewSchema)
@blp.allow(STAFF)
def person_overview(person_id: UUID) -> Any:
    """A person's whole picture: profile, units, open tickets, notices, survey answers, timeline;
    a service that does not answer in time is named in `partial`, never an error"""
    settings = current_settings()
    upstreams = settings.upstreams({r.service: r.port for r in ROUTES})
    return views.person_overview(person_id, upstreams, request.headers, settings.overview_timeout_seconds)
