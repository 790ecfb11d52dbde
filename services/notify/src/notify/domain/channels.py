"""The channels a message goes over, in the default fallback order."""

from __future__ import annotations

SMS = "sms"
EMAIL = "email"
IN_APP = "in_app"
WEBHOOK = "webhook"

CHANNELS = (SMS, EMAIL, IN_APP, WEBHOOK)
# Where a notice names no channels: SMS first, then e-mail, then the in-app inbox.
DEFAULT_FALLBACK = (SMS, EMAIL, IN_APP)
