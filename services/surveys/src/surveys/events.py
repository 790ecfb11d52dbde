"""Events the surveys service records; their payloads are documented in contracts/ (schemas under
contracts/events/, the channels in contracts/asyncapi.yaml)."""

from __future__ import annotations

from typing import Any

QUESTIONNAIRE_PUBLISHED = "surveys.questionnaire.published.v1"
WAVE_OPENED = "surveys.wave.opened.v1"
INVITATION_SENT = "surveys.invitation.sent.v1"
INVITATION_REMINDED = "surveys.invitation.reminded.v1"
ANSWER_SUBMITTED = "surveys.answer.submitted.v1"

EVENT_TYPES = (QUESTIONNAIRE_PUBLISHED, WAVE_OPENED, INVITATION_SENT, INVITATION_REMINDED, ANSWER_SUBMITTED)


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
