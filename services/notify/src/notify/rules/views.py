"""Rules as read: the configured ones the caller may see, one of them, and every rule in force for an
estate (its own, else the operator's, else the built-in defaults), per event type."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from notify.rules.matching import rules_for
from notify.rules.variables import RULE_EVENTS
from notify.tables import rules
from servicekit.auth import Principal, scoped
from servicekit.rows import get_row


def rule_list(session: Session, principal: Principal, args: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The operator's rules and those of the caller's estates (configured rows only), by event type."""
    r = rules.c
    statement = select(rules)
    if principal.estates is not None:  # the operator's rules, and those of the caller's estates
        statement = statement.where(r.estate_id.is_(None) | r.id.in_(scoped(select(r.id), r.estate_id, principal)))
    if args.get("estate_id"):
        statement = statement.where(r.estate_id.is_(None) | (r.estate_id == args["estate_id"]))
    if args.get("event_type"):
        statement = statement.where(r.event_type == args["event_type"])
    return [dict(row) for row in session.execute(statement.order_by(r.event_type, r.created_at, r.id)).mappings()]


def rule(session: Session, rule_id: uuid.UUID) -> dict[str, Any]:
    return get_row(session, rules, rule_id, "rule", what_zh="通知规则")


def effective_rules(session: Session, estate_id: uuid.UUID) -> list[dict[str, Any]]:
    """Every rule in force for the estate, the built-in defaults included, by event type."""
    return [vars(rule) for event_type in RULE_EVENTS for rule in rules_for(session, estate_id, event_type)]
