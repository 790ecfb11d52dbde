"""The owner's whole picture (GW-2): profile, units and occupancy, open tickets with their stage and
service levels, recent notices and whether each reached them, survey answers and the timeline's
latest entries — asked of owners, tickets, notify and surveys at once. What a service could not
give is named in ``partial``; the person not being the caller's (owners' 404) is a 404."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from uuid import UUID

from gateway.overview.backends import Answer, Question, ask_all
from servicekit.errors import NotFound

RECENT = 10


def persons_questions(person_id: UUID) -> dict[str, Question]:
    return {
        "person": Question("owners", f"/api/v1/people/{person_id}"),
        "timeline": Question("owners", f"/api/v1/people/{person_id}/timeline", {"page_size": RECENT}),
        "open_tickets": Question("tickets", "/api/v1/tickets",
                                 {"person_id": str(person_id), "status": "open", "page_size": 50}),
        "notices": Question("notify", f"/api/v1/notices/for-person/{person_id}", {"page_size": RECENT}),
        "answers": Question("surveys", "/api/v1/answers", {"person_id": str(person_id), "page_size": RECENT}),
    }


def person_overview(person_id: UUID, upstreams: Mapping[str, str], headers: Mapping[str, str],
                    timeout: float) -> dict[str, Any]:
    questions = persons_questions(person_id)
    answers = ask_all(questions, upstreams, headers, timeout)
    if answers["person"].status == 404:
        raise NotFound("no such person", "没有此住户")
    picture: dict[str, Any] = {"person_id": str(person_id)}
    missing: set[str] = set()
    for name, answer in answers.items():
        section = _section(name, answer)
        if section is None:
            missing.add(questions[name].service)
        picture[name] = section
    picture["partial"] = sorted(missing)
    return picture


def _section(name: str, answer: Answer) -> Any:
    """What one answer gives the picture; None when the service gave nothing usable. A service that
    does not know the person yet (its copy is behind owners: 404) has nothing of theirs: empty."""
    if answer.status == 200:
        return answer.body if name == "person" else answer.body.get("items", [])
    if answer.status == 404 and name != "person":
        return []
    return None
