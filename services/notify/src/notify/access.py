"""Who may call notify's API, and on which estate: the roles its areas allow, and the estate of every
row a request can name, for :class:`servicekit.access.ScopedBlueprint`."""

from __future__ import annotations

from typing import Any

from tenancy.roles import ESTATE_MANAGER, INTEGRATION_CLIENT, OPERATOR_ADMIN, SERVICE_DESK_AGENT

from notify.tables import (
    buildings,
    estates,
    messages,
    notices,
    people,
    rules,
    templates,
    units,
    webhook_endpoints,
)
from servicekit.access import InEstate, ScopedBlueprint

# Who may create notices: managers and desk agents (technicians and owners do not), and other
# systems (with a list audience only).
CREATORS = frozenset({OPERATOR_ADMIN, ESTATE_MANAGER, SERVICE_DESK_AGENT, INTEGRATION_CLIENT})

# One table for every blueprint of the service: a name in a URL (or a body field a view names in
# ``rows=``) and the estate its row lies in; a row outside the caller's estates answers 404.
SCOPE = {
    "estate_id": InEstate(estates, "estate", estate_column="id", what_zh="小区"),
    "building_id": InEstate(buildings, "building", what_zh="楼栋"),
    "unit_id": InEstate(units, "unit", what_zh="房屋"),
    "person_id": InEstate(people, "person", what_zh="人员"),
    "notice_id": InEstate(notices, "notice", what_zh="通知"),
    "message_id": InEstate(messages, "message", what_zh="消息"),
    # Operator-wide rows (no estate: a template, a rule, an endpoint) are seen by operator admins only.
    "template_id": InEstate(templates, "template", what_zh="模板"),
    "rule_id": InEstate(rules, "rule", what_zh="通知规则"),
    "endpoint_id": InEstate(webhook_endpoints, "webhook endpoint", what_zh="Webhook 接收地址"),
}


def blueprint(name: str, import_name: str, **kwargs: Any) -> ScopedBlueprint:
    return ScopedBlueprint(name, import_name, scope=SCOPE, **kwargs)

