"""The aggregated views (GW-2), asked of the services at once; what a service could not give is named
in ``partial``, never an error.

* A person's whole picture: profile, units and occupancy, open tickets with their stage and service
  levels, recent notices and whether each reached them, survey answers and the timeline's latest
  entries. The person not being the caller's (owners' 404) is a 404.
* An estate's dashboard: open tickets by stage and today's and this month's warnings and breaches,
  the notices of the last 30 days and their reach, the satisfaction of its latest wave by element
  with the trend against the waves before, the open follow-up visits and the open and overdue
  rectification actions (surveys' /at-a-glance: all of surveys' part in one call). Kept a few
  seconds per estate, so a wall screen refreshing every few seconds costs the services little.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Mapping
from typing import Any
from uuid import UUID

from gateway.overview.backends import Answer, Question, ask_all
from servicekit.errors import NotFound

RECENT = 10


def persons_questions(person_id: UUID) -> dict[str, Question]:
    """Four calls: owners gives the person with their latest timeline entries in one."""
    return {
        "person": Question("owners", f"/api/v1/people/{person_id}", {"timeline": RECENT}),
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
    # The timeline came with the person (owners' ?timeline=N), and is missing with it.
    person = picture["person"]
    picture["timeline"] = person.pop("timeline", []) if person is not None else None
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


_KEPT: dict[tuple[UUID, str], tuple[float, dict[str, Any]]] = {}
_KEPT_LOCK = threading.Lock()


def estate_overview(estate_id: UUID, upstreams: Mapping[str, str], headers: Mapping[str, str], timeout: float,
                    keep_seconds: float) -> dict[str, Any]:
    """The estate's dashboard; a whole one is kept ``keep_seconds`` (the caller may see the estate:
    checked before). A partial one is not kept: the next refresh asks again."""
    key = (estate_id, repr(sorted(upstreams.items())))
    with _KEPT_LOCK:
        kept = _KEPT.get(key)
    if kept is not None and time.monotonic() - kept[0] < keep_seconds:
        return kept[1]
    estate = {"estate_id": str(estate_id)}
    answers = ask_all({
        "tickets": Question("tickets", "/api/v1/reports/at-a-glance", estate),
        "notices": Question("notify", "/api/v1/notices/reach", estate),
        "surveys": Question("surveys", "/api/v1/at-a-glance", estate),
    }, upstreams, headers, timeout)
    missing: set[str] = set()

    def body(name: str, service: str) -> Any:
        if answers[name].status != 200:
            missing.add(service)
            return None
        return answers[name].body

    surveys = body("surveys", "surveys")
    satisfaction = _satisfaction(surveys)
    work = surveys or {}
    picture = {"estate_id": str(estate_id), "tickets": body("tickets", "tickets"),
               "notices": body("notices", "notify"), "satisfaction": satisfaction,
               "follow_ups": work.get("follow_ups"), "actions": work.get("actions")}
    if picture["satisfaction"] is None:
        missing.add("surveys")
    picture["partial"] = sorted(missing)
    if not picture["partial"]:
        with _KEPT_LOCK:
            _KEPT[key] = (time.monotonic(), picture)
    return picture


def _satisfaction(latest: Any) -> Any:
    """The latest wave with its statistics ({"wave": null} before any), from surveys' one answer;
    None when surveys did not answer."""
    if latest is None:
        return None
    if latest.get("wave") is None:
        return {"wave": None}
    statistics = latest.get("statistics") or {}
    return {"wave": latest["wave"], **{key: statistics.get(key) for key in (
        "response_rate", "overall", "elements", "weakest", "trend", "below_estate_mean")}}
