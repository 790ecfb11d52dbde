"""An estate-scoped caller cannot act operator-wide: a row of no estate (a category, an SLA policy, an
escalation rule) applies in every estate, so only a token for every estate may add one; an operator
admin scoped to one estate gets the same 422 on every such route and nothing is written."""

from __future__ import annotations

import pytest

from servicekit.testing import check_one_refusal_everywhere, check_operator_wide_needs_every_estate
from tickets.tables import (
    catalogue_items,
    categories,
    commission_rules,
    escalation_rules,
    kb_articles,
    procedure_templates,
    sla_policies,
)

ROUTES = [
    ("/api/v1/categories", {"kind": "inquiry", "code": "parking", "name_zh": "停车", "name_en": "Parking"},
     categories),
    ("/api/v1/sla/policies", {"resolve_minutes": 5}, sla_policies),
    ("/api/v1/sla/escalation-rules", {"trigger": "sla_breach", "level": 2, "action": "notify_supervisor"},
     escalation_rules),
    ("/api/v1/catalogue/items", {"code": "tap", "kind": "paid", "name_zh": "换龙头", "name_en": "Tap", "price": "60.00",
                                 "cost": "40.00"}, catalogue_items),
    ("/api/v1/commissions/rules", {"percent": "5"}, commission_rules),
    ("/api/v1/knowledge/articles", {"title": "漏水", "symptoms": "滴水", "steps": ["关阀"]}, kb_articles),
    ("/api/v1/procedures/templates", {"code": "renovation_approval", "name_zh": "装修", "name_en": "Renovation",
                                      "steps": [{"key": "a", "name_zh": "申请", "name_en": "Apply",
                                                 "approver_role": "service_desk_agent", "due_hours": 24}]},
     procedure_templates),
]


@pytest.mark.parametrize(("url", "body", "table"), ROUTES)
@pytest.mark.parametrize("role", ["operator_admin", "estate_manager"])
def test_a_scoped_caller_adding_a_row_for_every_estate_is_refused_alike(client, auth, db, url, body, table,
                                                                         role) -> None:
    check_operator_wide_needs_every_estate(client, auth, db, url, body, table, role)


def test_the_refusal_is_one_answer_on_every_route(client, auth) -> None:
    check_one_refusal_everywhere(client, auth, [(url, body) for url, body, _ in ROUTES])
