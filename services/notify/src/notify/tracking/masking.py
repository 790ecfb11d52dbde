"""Recipients and messages as answered: phone numbers and e-mail addresses masked unless the
caller may see them whole (``pii:reveal``), as tickets and owners answer them."""

from __future__ import annotations

from typing import Any

from tenancy.privacy import mask_email, mask_phone

from notify.domain import channels


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
