"""notify's HTTP API, all under /api/v1/: every area's blueprint, in the order the document lists them."""

from notify.duty_contacts.api import blp as duty_contacts
from notify.estate_settings.api import blp as estate_settings
from notify.inbox.api import blp as inbox
from notify.messages.api import blp as messages
from notify.notices.api import blp as notices
from notify.opt_outs.api import blp as opt_outs
from notify.receipts.api import blp as receipts
from notify.rules.api import blp as rules
from notify.templates.api import blp as templates
from notify.tracking.api import blp as tracking
from notify.webhooks.api import blp as webhooks

BLUEPRINTS: list = [notices, tracking, templates, estate_settings, opt_outs, messages, inbox, rules, webhooks,
                    receipts, duty_contacts]
