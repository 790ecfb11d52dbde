"""Every event notify consumes, and how it applies each: owners' (the copy) and tickets' (the rules)."""

from __future__ import annotations

from notify.copy import COPY_HANDLERS
from notify.rules.handlers import RULE_HANDLERS

HANDLERS = {**COPY_HANDLERS, **RULE_HANDLERS}
