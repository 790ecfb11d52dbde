"""notify's HTTP API: one module per resource, all under /api/v1/."""

from notify.api import (
    estate_settings,
    inbox,
    messages,
    notices,
    opt_outs,
    receipts,
    rules,
    templates,
    tracking,
    webhooks,
)

BLUEPRINTS: list = [notices.blp, tracking.blp, templates.blp, estate_settings.blp, opt_outs.blp, messages.blp,
                    inbox.blp, rules.blp, webhooks.blp, receipts.blp]
