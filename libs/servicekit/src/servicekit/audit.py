"""Every reveal of personal data is written to an append-only audit record, in every service alike.

A caller with ``pii:reveal`` may see full phone numbers (owners' people, tickets' contact phones and
directory, notify's messages and recipients). The privacy audit (X-2) must be able to say, for any
person, who saw their number, when, what was shown and in answer to what. Owners kept such a table
and the others none; this module is the one mechanism all three use:

- :func:`reveal_audit_table` declares the table (the same shape in every service),
- :func:`append_only_statements` are the triggers that make it append-only (an UPDATE or DELETE is
  refused by the database itself, so no code path, and no later bug, can rewrite the record); a
  migration runs them (:func:`create_reveals_table` makes the whole table in one), and a table
  made with ``metadata.create_all`` gets them too,
- :func:`record_reveals` writes the rows, in a transaction of their own committed *before* the
  answer is sent (a reveal that could not be recorded is not shown),
- :func:`audit_reveals` does so for the request being served: who from its token, why from its
  operation (``GET /api/v1/tickets/<uuid:ticket_id>``); whether the caller may ask for a reveal
  is :func:`servicekit.access.require_permission`'s to say.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from flask import request
from sqlalchemy import DDL, Column, DateTime, Index, MetaData, PrimaryKeyConstraint, String, Table, Uuid, event, insert

from servicekit.auth import Principal
from servicekit.db import UtcDateTime
from servicekit.rows import now
from servicekit.unit_of_work import UnitOfWork
from servicekit.web import current_principal
from servicekit.webapp import unit_of_work

REVEALS_TABLE = "pii_reveals"
APPEND_ONLY_MESSAGE = "audit records are append-only"


def reveal_audit_table(metadata: MetaData, name: str = REVEALS_TABLE) -> Table:
    """The audit table of reveals, ``name`` in ``metadata``: who (``subject``, ``role``), when
    (``revealed_at``), what (``what``: the kind of data; ``estate_id``, ``person_id`` whose it is,
    ``record_id`` the record shown), why (``why``: the operation that answered it)."""
    table = Table(
        name, metadata,
        Column("id", Uuid, primary_key=True),
        Column("estate_id", Uuid),  # null: a record of no estate (a message to an address only)
        Column("subject", String(100), nullable=False),
        Column("role", String(40), nullable=False),
        Column("what", String(60), nullable=False),
        Column("person_id", Uuid),  # null: data of no known person (an address given as is)
        Column("record_id", Uuid),
        Column("why", String(200), nullable=False),
        Column("revealed_at", UtcDateTime(), nullable=False),
        Index(f"ix_{name}_estate_id_revealed_at", "estate_id", "revealed_at"),
        Index(f"ix_{name}_person_id", "person_id"),
    )
    for dialect in ("postgresql", "sqlite"):
        for statement in append_only_statements(name, dialect):
            event.listen(table, "after_create", DDL(statement).execute_if(dialect=dialect))
    return table


def append_only_statements(table: str, dialect: str) -> list[str]:
    """The DDL that refuses every UPDATE and DELETE of ``table`` on ``dialect`` (``postgresql`` or
    ``sqlite``); a migration runs them with ``op.execute`` after creating the table."""
    if dialect == "postgresql":
        return [
            f"CREATE OR REPLACE FUNCTION {table}_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ "
            f"BEGIN RAISE EXCEPTION '{APPEND_ONLY_MESSAGE}: % on {table}', TG_OP; END $$",
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION {table}_append_only()",
        ]
    if dialect == "sqlite":
        return [f"CREATE TRIGGER {table}_no_{op.lower()} BEFORE {op} ON {table} "
                f"BEGIN SELECT RAISE(ABORT, '{APPEND_ONLY_MESSAGE}'); END" for op in ("UPDATE", "DELETE")]
    raise ValueError(f"no append-only triggers for {dialect}")


def create_reveals_table(op: Any, name: str = REVEALS_TABLE) -> None:
    """A migration's ``upgrade``: make the reveal audit table as :func:`reveal_audit_table` first
    declared it, with its indexes and its append-only triggers (``op`` is alembic's). The columns
    are written out here, not read from the declaration, so that a later change of the table is a
    migration of its own and this one keeps making what it made."""
    op.create_table(
        name,
        Column("id", Uuid(), nullable=False),
        Column("estate_id", Uuid(), nullable=True),
        Column("subject", String(length=100), nullable=False),
        Column("role", String(length=40), nullable=False),
        Column("what", String(length=60), nullable=False),
        Column("person_id", Uuid(), nullable=True),
        Column("record_id", Uuid(), nullable=True),
        Column("why", String(length=200), nullable=False),
        Column("revealed_at", DateTime(timezone=True), nullable=False),
        PrimaryKeyConstraint("id", name=op.f(f"pk_{name}")),
    )
    op.create_index(f"ix_{name}_estate_id_revealed_at", name, ["estate_id", "revealed_at"])
    op.create_index(f"ix_{name}_person_id", name, ["person_id"])
    for statement in append_only_statements(name, op.get_bind().dialect.name):
        op.execute(statement)


def drop_reveals_table(op: Any, name: str = REVEALS_TABLE) -> None:
    """A migration's ``downgrade`` of :func:`create_reveals_table`."""
    for statement in drop_append_only_statements(name, op.get_bind().dialect.name):
        op.execute(statement)
    op.drop_table(name)


def drop_append_only_statements(table: str, dialect: str) -> list[str]:
    """The DDL that undoes :func:`append_only_statements` (a migration's downgrade)."""
    if dialect == "postgresql":
        return [f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}",
                f"DROP FUNCTION IF EXISTS {table}_append_only()"]
    return [f"DROP TRIGGER IF EXISTS {table}_no_{op}" for op in ("update", "delete")]


@dataclass(frozen=True, slots=True)
class Reveal:
    """One piece of personal data shown whole: ``what`` kind (``"ticket.contact_phone"``), of which
    estate and person, in which record."""

    what: str
    estate_id: UUID | str | None
    person_id: UUID | str | None = None
    record_id: UUID | str | None = None


def record_reveals(uow: UnitOfWork, table: Table, principal: Principal, reveals: Iterable[Reveal], *,
                   why: str, at: datetime) -> int:
    """Write one audit row per distinct reveal and commit, before the answer is shown."""
    rows = [{"id": uuid.uuid4(), "estate_id": _uuid(r.estate_id), "subject": principal.subject[:100],
             "role": principal.role[:40], "what": r.what[:60], "person_id": _uuid(r.person_id),
             "record_id": _uuid(r.record_id), "why": why[:200], "revealed_at": at}
            for r in dict.fromkeys(reveals)]
    if not rows:
        return 0
    with uow:
        uow.execute(insert(table).values(rows))
        uow.commit()
    return len(rows)


def audit_reveals(table: Table, reveals: Iterable[Reveal]) -> int:
    """:func:`record_reveals` for the request being served: its caller, its operation, now."""
    operation = request.url_rule.rule if request.url_rule is not None else request.path
    return record_reveals(unit_of_work(), table, current_principal(), reveals,
                          why=f"{request.method} {operation}", at=now())


def _uuid(value: Any) -> UUID | None:
    if value is None or isinstance(value, UUID):
        return value
    return UUID(str(value))
