"""Which of a notice's channels a recipient can take: SMS needs a mobile, e-mail an address, the
in-app inbox a person (a list entry without a person_id has no inbox). Webhooks go to systems, not
to recipients."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from notify.domain.channels import EMAIL, IN_APP, SMS


def address(recipient: Mapping[str, Any], channel: str) -> str | None:
    """The recipient's address on ``channel`` (the mobile, the e-mail; the person for in-app), or None."""
    if channel == SMS:
        return recipient.get("mobile") or None
    if channel == EMAIL:
        return recipient.get("email") or None
    if channel == IN_APP:
        return str(recipient["person_id"]) if recipient.get("person_id") else None
    return None


def channels_for(recipient: Mapping[str, Any], channels: Iterable[str]) -> list[str]:
    """The notice's channels the recipient can take, in the notice's (fallback) order."""
    return [channel for channel in channels if address(recipient, channel) is not None]
