"""notify's HTTP API: one blueprint per resource, all under /api/v1/."""

from __future__ import annotations

BLUEPRINTS: list = []

from notify.api import messages as _messages  # noqa: E402
from notify.api import rules as _rules  # noqa: E402

BLUEPRINTS += [_rules.blp, _messages.blp]
