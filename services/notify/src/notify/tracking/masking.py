"""Recipients and messages as answered: phone numbers and e-mail addresses masked unless the
caller may see them whole (``pii:reveal``), as tickets and owners answer them; every answer that
shows them whole is audited first (:mod:`servicekit.audit`)."""

from __future__ import annotations

from typing import Any

from tenancy.permissions import REVEAL_PERSONAL_DATA
from tenancy.privacy import mask_email, mask_phone

from notify.domain import channels
from notify.tables import pii_reveals
from servicekit.audit import Reveal, audit_reveals
from servicekit.web import current_principal

_ADDRESSED = (channels.SMS, channels.EMAIL)


def shown_messages(found: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Messages as answered to this caller: masked, or whole after an audit row per address shown."""
    if not current_principal().has(REVEAL_PERSONAL_DATA):
        return [masked_message(m) for m in found]
    audit_reveals(pii_reveals, [Reveal("message.address", m.get("estate_id"), m.get("person_id"), m.get("id"))
                                for m in found if m.get("channel") in _ADDRESSED and m.get("address")])
    return found


def shown_recipients(found: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """A notice's recipients as answered to this caller: masked, or whole after an audit row per
    recipient whose number or address is shown (the record is the notice)."""
    if not current_principal().has(REVEAL_PERSONAL_DATA):
        return [masked_recipient(r) for r in found]
    audit_reveals(pii_reveals, [Reveal("notice.recipient", r.get("estate_id"), r.get("person_id"), r.get("notice_id"))
                                for r in found if _holds_an_address(r)])
    return found


def _holds_an_address(recipient: dict[str, Any]) -> bool:
    return bool(recipient.get("mobile") or recipient.get("email") or any(
        m.get("channel") in _ADDRESSED and m.get("address") for m in recipient.get("messages", ())))


def masked_message(message: dict[str, Any]) -> dict[str, Any]:
    if message.get("channel") == channels.SMS:
        return {**message, "address": mask_phone(message.get("address"))}
    if message.get("channel") == channels.EMAIL:
        return {**message, "address": mask_email(message.get("address"))}
    return message


def masked_recipient(recipient: dict[str, Any]) -> dict[str, Any]:
    shown = {**recipient, "mobile": mask_phone(recipient.get("mobile")), "email": mask_email(recipient.get("email"))}
    if "messages" in recipient:
        shown["messages"] = [masked_message(m) for m in recipient["messages"]]
    return shown
