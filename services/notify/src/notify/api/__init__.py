"""notify's HTTP API: one blueprint per resource, all under /api/v1/."""

from __future__ import annotations

BLUEPRINTS: list = []

# sms branch
from notify.api import receipts  # noqa: E402

BLUEPRINTS += [receipts.blp]
