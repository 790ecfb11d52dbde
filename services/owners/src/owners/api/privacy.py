"""Phone numbers in responses: masked (``138****5678``) unless the caller may and asks to see them."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from flask_smorest import abort
from marshmallow import Schema, fields

from servicekit.auth import REVEAL_PERSONAL_DATA, Principal
from servicekit.privacy import mask_email, mask_phone

# Kinds whose value is a phone number; an "other" contact point is nearly always a landline.
PHONE_KINDS = frozenset({"mobile", "other"})


class RevealArgs(Schema):
    reveal = fields.Boolean(load_default=False, metadata={
        "description": "Show full phone numbers; needs the pii:reveal permission, and each reveal is audited."})


def may_reveal(principal: Principal, requested: bool) -> bool:
    """Whether to show full numbers: asked for and permitted; asked for without permission is a 403."""
    if requested and not principal.has(REVEAL_PERSONAL_DATA):
        abort(403, message=f"showing full phone numbers needs the {REVEAL_PERSONAL_DATA} permission")
    return requested


def contact_value(kind: str | None, value: str | None, reveal: bool) -> str | None:
    if reveal:
        return value
    if kind == "email":  # 13912340001@139.com: mail named by the owner's mobile
        return mask_email(value)
    return mask_phone(value) if kind in PHONE_KINDS else value


def masked_points(points: Iterable[Mapping[str, Any]], reveal: bool) -> list[dict[str, Any]]:
    return [{**cp, "value": contact_value(cp["kind"], cp["value"], reveal)} for cp in points]
