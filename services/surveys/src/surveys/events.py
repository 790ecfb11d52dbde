"""Events the surveys service records; their payloads are documented in contracts/ (schemas under
contracts/events/, the channels in contracts/asyncapi.yaml)."""

from __future__ import annotations

from typing import Any

QUESTIONNAIRE_PUBLISHED = "surveys.questionnaire.published.v1"
WAVE_OPENED = "surveys.wave.opened.v1"

EVENT_TYPES = (QUESTIONNAIRE_PUBLISHED, WAVE_OPENED)


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
