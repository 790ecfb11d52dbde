"""The timeline API (OWN-3): what has happened with this person, or at this unit — the first
question of every call to the service centre — newest first."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from flask import request
from flask.views import MethodView
from tenancy.roles import OWNER, STAFF

from owners.access import SCOPE
from owners.domain.timeline import summary
from owners.timeline import views
from owners.timeline.schemas import TimelineArgs, TimelinePageSchema
from servicekit.access import ScopedBlueprint, only_their_own
from servicekit.web import current_principal
from servicekit.webapp import read

blp = ScopedBlueprint("timeline", __name__, url_prefix="/api/v1", scope=SCOPE,
                      description="The activity timeline of a person or a unit (活动记录)")


def _described(page: dict[str, Any]) -> dict[str, Any]:
    described(page["items"])
    return page


def described(entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each entry given its summary in the caller's language (Accept-Language)."""
    language = request.accept_languages.best_match(["zh-CN", "en"]) or "en"
    for item in entries:
        item["summary"] = summary(item["kind"], item["reference"], item["details"], language)
    return entries


@blp.route("/people/<uuid:person_id>/timeline")
class PersonTimeline(MethodView):
    @blp.arguments(TimelineArgs, location="query")
    @blp.response(200, TimelinePageSchema)
    @blp.allow(STAFF | {OWNER})
    def get(self, args: dict[str, Any], person_id: UUID) -> dict[str, Any]:
        """A person's history across the suite: tickets, calls, visits, notices, surveys; newest first (an
        owner: their own only; another person is 404)"""
        only_their_own(person_id, {OWNER})
        return _described(read(views.person_timeline, current_principal(), person_id, args))


@blp.route("/units/<uuid:unit_id>/timeline")
class UnitTimeline(MethodView):
    @blp.arguments(TimelineArgs, location="query")
    @blp.response(200, TimelinePageSchema)
    @blp.allow(STAFF)
    def get(self, args: dict[str, Any], unit_id: UUID) -> dict[str, Any]:
        """A unit's history across the suite, whoever lived there; newest first"""
        return _described(read(views.unit_timeline, current_principal(), unit_id, args))
