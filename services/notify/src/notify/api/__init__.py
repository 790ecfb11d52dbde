"""notify's HTTP API: one blueprint per resource, all under /api/v1/."""

from __future__ import annotations

BLUEPRINTS: list = []

# Delivery tracking, the in-app inbox, webhook endpoints (the tracking branch).
from notify.api import inbox, tracking, webhooks  # noqa: E402

BLUEPRINTS += [tracking.blp, inbox.blp, webhooks.blp]
