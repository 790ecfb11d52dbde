"""Phone numbers in answers, in one place (X-2): masked (``138****5678``) unless the caller may and
asked to see them (``people/api.py`` decides, and audits, a reveal). Everything the API of any area
shows of a person, a member of staff or a visitor goes through one of these, so the masking is read
and changed here alone; the use cases and the read side return numbers as stored."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from tenancy.privacy import mask_email, mask_phone

# Kinds whose value is a phone number; an "other" contact point is nearly always a landline.
PHONE_KINDS = frozenset({"mobile", "other"})


def contact_value(kind: str | None, value: str | None, reveal: bool) -> str | None:
    if reveal:
        return value
    if kind == "email":  # 13912340001@139.com: mail named by the owner's mobile
        return mask_email(value)
    return mask_phone(value) if kind in PHONE_KINDS else value


def masked_points(points: Iterable[Mapping[str, Any]], reveal: bool) -> list[dict[str, Any]]:
    return [{**cp, "value": contact_value(cp["kind"], cp["value"], reveal)} for cp in points]


def shown_person(person: Mapping[str, Any], reveal: bool = False) -> dict[str, Any]:
    return {**person, "contact_points": masked_points(person["contact_points"], reveal)}


def shown_unit_contacts(answer: Mapping[str, Any], reveal: bool) -> dict[str, Any]:
    return {**answer, "contacts": masked_points(answer["contacts"], reveal)}


def shown_staff(member: Mapping[str, Any]) -> dict[str, Any]:
    return {**member, "mobile": mask_phone(member["mobile"])}


def shown_visitor(visitor: Mapping[str, Any]) -> dict[str, Any]:
    return {**visitor, "visitor_mobile": mask_phone(visitor["visitor_mobile"])}


def shown_hits(page: Mapping[str, Any]) -> dict[str, Any]:
    """A page of the people search: every mobile masked (X-2: the search list never shows one whole)."""
    return {**page, "items": [{**hit, "mobiles": [mask_phone(m) for m in hit["mobiles"]]} for hit in page["items"]]}


def shown_page(page: Mapping[str, Any], shown: Any) -> dict[str, Any]:
    """A page of a list with each item through ``shown``."""
    return {**page, "items": [shown(item) for item in page["items"]]}
