"""An estate-scoped caller cannot act operator-wide: a template, a rule or a webhook endpoint of no
estate applies in every estate (an operator-wide rule on a tickets event reached another estate's
residents), so only a token for every estate may add one; an operator admin scoped to one estate gets
the same 422 on every such route and nothing is written."""

from __future__ import annotations

import pytest

from notify.rules.defaults import BUILT_IN_TEMPLATES
from notify.tables import rules, templates, webhook_endpoints
from servicekit.testing import check_one_refusal_everywhere, check_operator_wide_needs_every_estate

TEXTS = {"zh-CN": {"subject": "活动", "body": "${name}您好，社区活动"},
         "en": {"subject": "Event", "body": "Dear ${name}, a community event"}}
ROUTES = [
    ("/api/v1/templates", {"code": "event", "purpose": "activity", "texts": TEXTS}, templates),
    ("/api/v1/rules", {"event_type": "tickets.ticket.opened.v1", "audience": "reporter", "channels": ["in_app"],
                       "template_id": str(BUILT_IN_TEMPLATES["ticket_acknowledged"].id)}, rules),
    ("/api/v1/webhook-endpoints", {"name": "数据仓库", "url": "https://dw.example.com/in"}, webhook_endpoints),
]


@pytest.mark.parametrize(("url", "body", "table"), ROUTES)
@pytest.mark.parametrize("role", ["operator_admin", "estate_manager"])
def test_a_scoped_caller_adding_a_row_for_every_estate_is_refused_alike(client, auth, db, url, body, table,
                                                                         role) -> None:
    check_operator_wide_needs_every_estate(client, auth, db, url, body, table, role)


def test_the_refusal_is_one_answer_on_every_route(client, auth) -> None:
    check_one_refusal_everywhere(client, auth, [(url, body) for url, body, _ in ROUTES])
