"""The other party's number in answers about calls and callbacks: masked (138****5678), or shown
whole to a caller with the ``pii:reveal`` permission after one audit row per number shown
(:mod:`servicekit.audit`), as tickets' contact phones are."""

from __future__ import annotations

from typing import Any

from tenancy.permissions import REVEAL_PERSONAL_DATA
from tenancy.privacy import mask_phone

from servicekit.audit import Reveal, audit_reveals
from servicekit.web import current_principal
from tickets.tables import pii_reveals


def shown_numbers(found: list[dict[str, Any]], what: str, field: str = "number") -> list[dict[str, Any]]:
    """``found`` as answered: each row's ``field`` masked, or whole (and audited as ``what``) for a
    caller who may see it."""
    if current_principal().has(REVEAL_PERSONAL_DATA):
        audit_reveals(pii_reveals, [Reveal(what, row["estate_id"], row.get("person_id"), row.get("id"))
                                    for row in found if row.get(field)])
        return found
    return [{**row, field: mask_phone(row.get(field))} for row in found]


def shown_number(row: dict[str, Any], what: str, field: str = "number") -> dict[str, Any]:
    return shown_numbers([row], what, field)[0]
