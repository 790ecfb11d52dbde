"""notify's HTTP API: one blueprint per resource, all under /api/v1/."""

from __future__ import annotations

BLUEPRINTS: list = []

# notices branch
from notify.api import estate_settings, notices, opt_outs, templates  # noqa: E402

BLUEPRINTS += [templates.blp, notices.blp, estate_settings.blp, opt_outs.blp]

# Delivery tracking, the in-app inbox, webhook endpoints (the tracking branch).
from notify.api import inbox, tracking, webhooks  # noqa: E402

BLUEPRINTS += [tracking.blp, inbox.blp, webhooks.blp]
