"""notify's HTTP API: one blueprint per resource, all under /api/v1/."""

from __future__ import annotations

BLUEPRINTS: list = []

# notices branch
from notify.api import estate_settings, notices, opt_outs, templates  # noqa: E402

BLUEPRINTS += [templates.blp, notices.blp, estate_settings.blp, opt_outs.blp]
