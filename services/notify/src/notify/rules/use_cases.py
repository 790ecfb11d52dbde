"""The rules managers and the operator configure: add, change, delete, each checked whole.

A rule is usable when its audience fits its event type (``escalated_staff`` only for escalations),
its channels are ones an audience can be reached on (webhooks go to endpoints, not to people), and
its template exists for the rule's estate (the estate's own, the operator's or a built-in one), has
a text, and uses only the variables its event type gives (:data:`notify.rules.variables.EVENT_VARIABLES`).
Anything else is :class:`~servicekit.errors.Invalid` (422) and nothing is written.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import delete, insert, update

from notify.domain.channels import WEBHOOK
from notify.rules.audiences import ONLY_FOR
from notify.rules.matching import template_by_id
from notify.rules.variables import EVENT_VARIABLES
from notify.tables import rules
from notify.templates.rendering import variables_in
from servicekit.errors import Invalid
from servicekit.rows import get_row
from servicekit.unit_of_work import UnitOfWork


def check(session: Any, estate_id: uuid.UUID | None, event_type: str, audience: str, template_id: uuid.UUID,
          channels: list[str]) -> None:
    """Raise :class:`Invalid` unless the rule is usable (see the module's docstring)."""
    if audience in ONLY_FOR and event_type not in ONLY_FOR[audience]:
        raise Invalid(f"audience {audience} names nobody in {event_type}", "该事件中没有此类接收人",
                      errors={"audience": [f"only for {', '.join(sorted(ONLY_FOR[audience]))}"]})
    if WEBHOOK in channels:
        raise Invalid("a rule reaches people: webhooks go to endpoints", "规则发给人员，不能使用 Webhook 渠道",
                      errors={"channels": ["webhook is not a channel to a person"]})
    if len(set(channels)) != len(channels):
        raise Invalid("a channel is named twice", "渠道重复", errors={"channels": ["each channel once"]})
    template = template_by_id(session, template_id)
    if template is None or (template.estate_id is not None and template.estate_id != estate_id):
        raise Invalid("no such template", "模板不存在", errors={"template_id": ["no such template"]})
    bodies = [t.get("body") for t in template.texts.values() if isinstance(t, Mapping)]
    if not any(bodies):
        raise Invalid("the template has no text", "模板没有内容", errors={"template_id": ["no text"]})
    used = set(template.variables).union(*(variables_in(t.get("subject", "")) + variables_in(t.get("body", ""))
                                          for t in template.texts.values() if isinstance(t, Mapping)))
    unknown = sorted(used - EVENT_VARIABLES[event_type])
    if unknown:
        raise Invalid(f"the template uses variables {event_type} does not give: {', '.join(unknown)}",
                      f"模板中的变量在此事件中不可用：{', '.join(unknown)}",
                      errors={"template_id": [f"unknown variables: {', '.join(unknown)}"]})


def add_rule(uow: UnitOfWork, data: Mapping[str, Any], now: datetime) -> dict[str, Any]:
    with uow:
        check(uow.session, data.get("estate_id"), data["event_type"], data["audience"], data["template_id"],
              list(data["channels"]))
        row = {"id": uuid.uuid4(), "estate_id": data.get("estate_id"), "event_type": data["event_type"],
               "audience": data["audience"], "template_id": data["template_id"], "channels": list(data["channels"]),
               "urgent": bool(data.get("urgent", False)), "active": bool(data.get("active", True)),
               "fresh_for_minutes": data.get("fresh_for_minutes"), "created_at": now, "version": 1}
        uow.execute(insert(rules).values(row))
        uow.commit()
        return row


def change_rule(uow: UnitOfWork, rule_id: uuid.UUID, changes: Mapping[str, Any]) -> dict[str, Any]:
    with uow:
        current = get_row(uow, rules, rule_id, "rule", what_zh="通知规则", lock=True)
        values = {k: v for k, v in changes.items() if current.get(k) != v}
        after = {**current, **values}
        check(uow.session, after["estate_id"], after["event_type"], after["audience"], after["template_id"],
              list(after["channels"]))
        if values:
            after["version"] = current["version"] + 1
            uow.execute(update(rules).where(rules.c.id == rule_id).values(**values, version=after["version"]))
            uow.commit()
        return after


def delete_rule(uow: UnitOfWork, rule_id: uuid.UUID) -> None:
    """Delete a rule (its messages keep its id); the estate falls back to the operator's or the defaults."""
    with uow:
        get_row(uow, rules, rule_id, "rule", what_zh="通知规则", lock=True)
        uow.execute(delete(rules).where(rules.c.id == rule_id))
        uow.commit()
