"""The estate of every row a notify request can name, for :class:`servicekit.access.ScopedBlueprint`."""

from __future__ import annotations

from typing import Any

from notify.tables import (
    buildings,
    estate_settings,
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

# One table for every blueprint of the service: a name in a URL (or a body field a view names in
# ``rows=``) and the estate its row lies in; a row outside the caller's estates answers 404.
SCOPE = {
    "estate_id": InEstate(estates, "estate", estate_column="id"),
    "building_id": InEstate(buildings, "building"),
    "unit_id": InEstate(units, "unit"),
    "person_id": InEstate(people, "person"),
    "notice_id": InEstate(notices, "notice"),
    "message_id": InEstate(messages, "message"),
    # Operator-wide rows (no estate: a template, a rule, an endpoint) are seen by operator admins only.
    "template_id": InEstate(templates, "template"),
    "rule_id": InEstate(rules, "rule"),
    "endpoint_id": InEstate(webhook_endpoints, "webhook endpoint"),
    "settings_estate_id": InEstate(estate_settings, "estate settings"),
}


def blueprint(name: str, import_name: str, **kwargs: Any) -> ScopedBlueprint:
    return ScopedBlueprint(name, import_name, scope=SCOPE, **kwargs)
