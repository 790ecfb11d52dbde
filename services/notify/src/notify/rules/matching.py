"""Which rules answer an event, and the template each one sends.

For an event type: the estate's own active rules for it; if it has none, the operator-wide ones
(estate null); if there are none either, the built-in defaults (:mod:`notify.rules.defaults`).
Chosen per event type, so an estate that configures only "resolved" keeps the defaults of the rest.

Templates: a rule's ``template_id`` names a row of ``templates`` or a built-in template. A
built-in rule's template is found by code: the estate's own template of that code, else the
operator's, else the built-in one.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from notify.rules.defaults import (
    BUILT_IN_TEMPLATES,
    BUILT_IN_TEMPLATES_BY_ID,
    DEFAULT_RULES_BY_ID,
    Rule,
    Template,
    default_rules,
)
from notify.tables import rules, templates


def rule_of(row: Mapping[str, Any]) -> Rule:
    return Rule(id=row["id"], event_type=row["event_type"], audience=row["audience"],
                channels=tuple(row["channels"]), urgent=bool(row["urgent"]), estate_id=row["estate_id"],
                template_id=row["template_id"], active=bool(row["active"]),
                fresh_for_minutes=row.get("fresh_for_minutes"))


def rules_for(session: Session, estate_id: uuid.UUID, event_type: str,
              data: Mapping[str, Any] | None = None) -> list[Rule]:
    """The rules that answer ``event_type`` in ``estate_id`` (see the module's docstring); with the
    event's ``data``, only the built-in ones whose condition it meets (a dispatched event's
    ``queued``: :attr:`notify.rules.defaults.Rule.when`)."""
    r = rules.c
    rows = session.execute(select(rules).where(
        r.event_type == event_type, r.active.is_(True), (r.estate_id == estate_id) | r.estate_id.is_(None),
    ).order_by(r.created_at, r.id)).mappings().all()
    own = [rule_of(row) for row in rows if row["estate_id"] is not None]
    operator = [rule_of(row) for row in rows if row["estate_id"] is None]
    return own or operator or [r for r in default_rules(event_type) if data is None or r.answers(data)]


def template_of(row: Mapping[str, Any]) -> Template:
    return Template(id=row["id"], code=row["code"], purpose=row["purpose"], texts=dict(row["texts"]),
                    variables=tuple(row["variables"]), sms_template_code=row["sms_template_code"],
                    estate_id=row["estate_id"])


def template_by_id(session: Session, template_id: uuid.UUID) -> Template | None:
    """A template row, or a built-in template, by id."""
    row = session.execute(select(templates).where(templates.c.id == template_id)).mappings().first()
    return template_of(row) if row is not None else BUILT_IN_TEMPLATES_BY_ID.get(template_id)


def template_by_code(session: Session, estate_id: uuid.UUID | None, code: str) -> Template | None:
    """The estate's template of ``code``, else the operator's, else the built-in one."""
    t = templates.c
    scope = t.estate_id.is_(None) if estate_id is None else (t.estate_id == estate_id) | t.estate_id.is_(None)
    rows = session.execute(select(templates).where(t.code == code, scope)).mappings().all()
    own = [row for row in rows if row["estate_id"] is not None]
    chosen = own or list(rows)
    return template_of(chosen[0]) if chosen else BUILT_IN_TEMPLATES.get(code)


def template_for(session: Session, rule: Rule, estate_id: uuid.UUID) -> Template | None:
    """The template ``rule`` sends in ``estate_id``."""
    if rule.built_in and rule.template_code:
        return template_by_code(session, estate_id, rule.template_code)
    return None if rule.template_id is None else template_by_id(session, rule.template_id)


def rule_by_id(session: Session, rule_id: uuid.UUID) -> Rule | None:
    """A rule row or a built-in rule by id (the sender's next channels of a rule's message)."""
    row = session.execute(select(rules).where(rules.c.id == rule_id)).mappings().first()
    return rule_of(row) if row is not None else DEFAULT_RULES_BY_ID.get(rule_id)
