"""What the pages show, read from the services with the owner's token: their tickets, one ticket's
progress, their notices, their estate's commitments, a survey link's questions."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from gateway.pages.backends import Backends

# The stages an owner follows, in order, and the service's stages each covers.
TRACK = ("received", "acknowledged", "dispatched", "on_site", "resolved", "evaluated")
STAGE_ON_TRACK = {"received": 0, "acknowledged": 1, "escalated": 1, "dispatched": 2, "on_site": 3, "explained": 3,
                  "resolved": 4, "owner_informed": 4, "evaluated": 5, "archived": 5}


def places(backends: Backends) -> list[dict[str, Any]]:
    """The units the owner lives in, with their estates' names."""
    return backends.get("tickets", "/api/v1/commitments/places")["units"]


def my_tickets(backends: Backends) -> list[dict[str, Any]]:
    """Their tickets (reported, or of their units), newest first."""
    return backends.get("tickets", "/api/v1/tickets", page_size=50)["items"]


def ticket(backends: Backends, ticket_id: UUID) -> dict[str, Any]:
    """One of their tickets: its stage report, each stage's time on the owner's track, its photos."""
    report = backends.get("tickets", f"/api/v1/tickets/{ticket_id}/report")
    reached = STAGE_ON_TRACK.get(report["stage"], 0)
    when: dict[str, str] = {}
    for step in report.get("timeline", []):
        if step.get("stage_to") in TRACK and step["stage_to"] not in when:
            when[step["stage_to"]] = step["at"]
    when.setdefault("received", report["ticket"].get("created_at"))
    track = [{"stage": stage, "done": index <= reached, "current": index == reached, "at": when.get(stage)}
             for index, stage in enumerate(TRACK)]
    photos = backends.get("tickets", f"/api/v1/tickets/{ticket_id}/attachments")
    return {**report, "track": track, "photos": [p for p in photos if p["content_type"].startswith("image/")],
            "may_evaluate": "evaluate" in report.get("allowed_actions", [])}


def photo(backends: Backends, ticket_id: UUID, attachment_id: UUID) -> tuple[bytes, str]:
    return backends.download("tickets", f"/api/v1/tickets/{ticket_id}/attachments/{attachment_id}")


def notices(backends: Backends, person_id: str) -> dict[str, Any]:
    """Their in-app inbox, newest first, with the unread count."""
    return backends.get("notify", f"/api/v1/people/{person_id}/inbox", page_size=50)


def commitments(backends: Backends, estate_ids: list[str]) -> list[dict[str, Any]]:
    """Each of their estates' service levels and catalogue."""
    return [backends.get("tickets", "/api/v1/commitments", estate_id=estate) for estate in estate_ids]


def survey(backends: Backends, token: str) -> dict[str, Any]:
    """A survey link's questions and what was saved of the answer."""
    return backends.get("surveys", f"/api/v1/answers/{token}")
