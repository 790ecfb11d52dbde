"""Events the surveys service records; their payloads are documented in contracts/ (schemas under
contracts/events/, the channels in contracts/asyncapi.yaml)."""

from __future__ import annotations

from typing import Any

QUESTIONNAIRE_PUBLISHED = "surveys.questionnaire.published.v1"
WAVE_OPENED = "surveys.wave.opened.v1"
WAVE_CLOSED = "surveys.wave.closed.v1"
INVITATION_SENT = "surveys.invitation.sent.v1"
INVITATION_REMINDED = "surveys.invitation.reminded.v1"
ANSWER_SUBMITTED = "surveys.answer.submitted.v1"
FOLLOW_UP_OPENED = "surveys.follow_up.opened.v1"
FOLLOW_UP_VISITED = "surveys.follow_up.visited.v1"
ACTION_CHANGED = "surveys.action.changed.v1"
ACTION_OVERDUE = "surveys.action.overdue.v1"
FORUM_INVITED = "surveys.forum.invited.v1"

EVENT_TYPES = (QUESTIONNAIRE_PUBLISHED, WAVE_OPENED, WAVE_CLOSED, INVITATION_SENT, INVITATION_REMINDED,
               ANSWER_SUBMITTED, FOLLOW_UP_OPENED, FOLLOW_UP_VISITED, ACTION_CHANGED, ACTION_OVERDUE, FORUM_INVITED)


def _text(value: Any) -> str | None:
    return None if value is None else str(value)


def _instant(value: Any) -> str | None:
    return None if value is None else value.isoformat()


def questionnaire_published_payload(questionnaire: dict[str, Any], version: dict[str, Any]) -> dict[str, Any]:
    """A questionnaire's version as published: its questions never change after this."""
    estate_id = questionnaire["estate_id"]
    return {"questionnaire_id": str(questionnaire["id"]),
            "estate_id": None if estate_id is None else str(estate_id),
            "purpose": questionnaire["purpose"],
            "name_zh": questionnaire["name_zh"], "name_en": questionnaire["name_en"],
            "version_id": str(version["id"]), "number": version["number"], "questions": version["questions"],
            "published_at": version["published_at"].isoformat(), "version": questionnaire["version"]}


def wave_payload(wave: dict[str, Any]) -> dict[str, Any]:
    """A wave as opened: its estate, period, questionnaire version, dates and the size of its sample."""
    return {"wave_id": str(wave["id"]), "estate_id": str(wave["estate_id"]), "period": wave["period"],
            "questionnaire_version_id": str(wave["questionnaire_version_id"]), "percent": wave["percent"],
            "households": wave["households"], "sampled": wave["sampled"], "seed": wave["seed"],
            "opens_on": wave["opens_on"].isoformat(), "closes_on": wave["closes_on"].isoformat(),
            "state": wave["state"], "version": wave["version"]}


def invitation_payload(invitation: dict[str, Any], person: dict[str, Any], link: str,
                       period: str | None) -> dict[str, Any]:
    """An invitation (or a reminder of it) for notify to send: whom, in which language and over which
    channel first, the personal link (its token is in no table of surveys), until when."""
    def text(value: Any) -> str | None:
        return None if value is None else str(value)

    return {"invitation_id": str(invitation["id"]), "estate_id": str(invitation["estate_id"]),
            "purpose": invitation["purpose"], "wave_id": text(invitation["wave_id"]),
            "ticket_id": text(invitation["ticket_id"]), "unit_id": text(invitation["unit_id"]),
            "person_id": str(invitation["person_id"]), "language": person["language"],
            "preferred_channel": person["preferred_channel"], "link": link, "period": period,
            "expires_at": invitation["expires_at"].isoformat(), "reminders": invitation["reminders"]}


def answer_payload(answer: dict[str, Any], invitation: dict[str, Any] | None,
                   scored: list[tuple[str, str | None, int]]) -> dict[str, Any]:
    """A submitted answer: where it came from and its scores (the comments and texts stay in surveys)."""
    def text(value: Any) -> str | None:
        return None if value is None else str(value)

    overall = next((score for code, _element, score in scored if code == "overall"), None)
    return {"answer_id": str(answer["id"]), "estate_id": str(answer["estate_id"]),
            "invitation_id": text(answer["invitation_id"]), "wave_id": text(answer["wave_id"]),
            "ticket_id": text(answer["ticket_id"]), "unit_id": text(answer["unit_id"]),
            "person_id": None if invitation is None else str(invitation["person_id"]),
            "questionnaire_version_id": str(answer["questionnaire_version_id"]), "channel": answer["channel"],
            "scores": [{"code": code, "element": element, "score": score} for code, element, score in scored],
            "overall": overall, "satisfied": answer["items"].get("satisfied", {}).get("choice"),
            "comment": answer["items"].get("comment", {}).get("text"),
            "submitted_at": answer["submitted_at"].isoformat()}


def follow_up_payload(follow_up: dict[str, Any], unit_number: str | None) -> dict[str, Any]:
    """A follow-up visit (回访): the answer it follows, why, whom it is assigned to (``assignee_id``,
    null: nobody covers the building), and once visited what the owner said."""
    return {"follow_up_id": str(follow_up["id"]), "estate_id": str(follow_up["estate_id"]),
            "answer_id": str(follow_up["answer_id"]), "wave_id": _text(follow_up["wave_id"]),
            "ticket_id": _text(follow_up["ticket_id"]), "unit_id": _text(follow_up["unit_id"]),
            "unit_number": unit_number, "building_id": _text(follow_up["building_id"]),
            "person_id": _text(follow_up["person_id"]), "reasons": follow_up["reasons"],
            "assignee_id": _text(follow_up["assignee_id"]), "state": follow_up["state"],
            "owner_said": follow_up["owner_said"], "visited_at": _instant(follow_up["visited_at"]),
            "visited_by": follow_up["visited_by"], "opened_by": follow_up["opened_by"],
            "opened_at": follow_up["opened_at"].isoformat(), "version": follow_up["version"]}


def _action(action: dict[str, Any]) -> dict[str, Any]:
    return {"action_id": str(action["id"]), "estate_id": str(action["estate_id"]),
            "follow_up_id": _text(action["follow_up_id"]), "forum_id": _text(action.get("forum_id")),
            "description": action["description"],
            "responsible_id": str(action["responsible_id"]), "due_on": action["due_on"].isoformat(),
            "due_at": action["due_at"].isoformat(), "state": action["state"], "reopened": action["reopened"],
            "version": action["version"]}


def action_payload(action: dict[str, Any], *, step: str, by: str, at: Any, note: str | None) -> dict[str, Any]:
    """A step of a rectification action (整改措施): opened, done, verified or reopened."""
    return {**_action(action), "step": step, "by": by, "at": at.isoformat(), "note": note}


def overdue_payload(action: dict[str, Any], responsible_name: str | None, at: Any) -> dict[str, Any]:
    """An action still open past its due date, for notify to remind the responsible person (named
    as ``staff`` and ``assignee_id``, as tickets' timer names whom it tells)."""
    return {**_action(action), "assignee_id": str(action["responsible_id"]),
            "staff": {"staff_id": str(action["responsible_id"]), "name": responsible_name},
            "overdue_at": at.isoformat()}


def forum_invited_payload(forum: dict[str, Any], unit_id: Any, person: dict[str, Any]) -> dict[str, Any]:  # noqa: ANN401
    """A household invited to an owners' forum (业户座谈会), for notify to tell: whom (the household's
    contact, in their language and channel first), which forum, when and where (``place`` null: not
    given yet), and the moment it was invited (``at``)."""
    return {"forum_id": str(forum["id"]), "estate_id": str(forum["estate_id"]), "unit_id": str(unit_id),
            "person_id": str(person["id"]), "language": person["language"],
            "preferred_channel": person["preferred_channel"], "title": forum["title"],
            "held_on": forum["held_on"].isoformat(), "place": forum["place"], "at": forum["created_at"].isoformat()}
