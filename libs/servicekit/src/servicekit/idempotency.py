"""Idempotency keys, one behaviour in every service: a retried call never makes a second record.

A caller that may retry a creating call (a ticket, a notice, a message) sends an
``Idempotency-Key`` header (:class:`IdempotencyHeaders`). What the key names is decided by three
things together, held in the service's ``idempotency_keys`` table (:func:`define_idempotency_keys`):

* **the caller**, never the key alone: the token's role, subject and estates
  (:func:`caller_of`). Two integration clients that share a ``sub`` but are scoped to other estates
  are two callers, so one can never be answered the other's record;
* **the operation** (``"POST /notices"``): one key used for two kinds of call names two records;
* **the body**, by a hash of it (:func:`body_hash`): the same key with another body is refused
  with a 422 (:class:`~servicekit.errors.Invalid`), as the IETF idempotency-key draft advises,
  instead of silently answering a record the caller did not ask for.

:func:`once` runs a use case's creating step under these rules in its unit of work: a key seen
before with the same body answers the earlier record (``created`` False) and changes nothing; a
new key makes the record and remembers the key in the same transaction; of concurrent calls with
one key, the table's primary key lets one win and the others read the winner's record (never a
500), also when ``make`` itself found the record taken (a :class:`~servicekit.errors.Conflict`) because
the winner committed after this call looked at the keys. Without a key the step just runs.

Keys are kept with the time they were first used (``created_at``), so an operator can delete old
ones; none expire by themselves.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from marshmallow import Schema, fields, validate
from sqlalchemy import Column, MetaData, String, Table, insert, select
from sqlalchemy.exc import IntegrityError

from servicekit.auth import Principal
from servicekit.db import UtcDateTime
from servicekit.errors import Conflict, Invalid
from servicekit.integrity import violation
from servicekit.rows import now
from servicekit.unit_of_work import JoinedUnitOfWork, UnitOfWork

R = TypeVar("R")
MAX_KEY_LENGTH = 200
# How often a call whose key another call took meanwhile looks again for the winner's record.
_ATTEMPTS = 4


class IdempotencyHeaders(Schema):
    """The optional ``Idempotency-Key`` request header of a creating call."""

    idempotency_key = fields.String(
        data_key="Idempotency-Key", load_default=None, validate=validate.Length(min=1, max=MAX_KEY_LENGTH),
        metadata={"description": "Any unique string (a UUID): a retry with the same key and body answers the "
                                 "first call's record; the same key with another body is refused (422)"})


def define_idempotency_keys(metadata: MetaData) -> Table:
    """The service's table of the idempotency keys it has answered, in its ``metadata``."""
    return Table(
        "idempotency_keys", metadata,
        Column("caller", String(64), primary_key=True),
        Column("operation", String(100), primary_key=True),
        Column("key", String(MAX_KEY_LENGTH), primary_key=True),
        Column("body_hash", String(64), nullable=False),
        Column("answer", String(200), nullable=False),
        Column("created_at", UtcDateTime, nullable=False),
    )


def caller_of(principal: Principal) -> str:
    """Who is calling, as far as keys go: role, subject and the estates the token is scoped to."""
    estates = "*" if principal.estates is None else ",".join(sorted(principal.estates))
    return _digest([principal.role, principal.subject, estates])


def body_hash(body: Mapping[str, Any]) -> str:
    """A hash of a request's parsed body that does not depend on the order of its fields."""
    return _digest(body)


@dataclass(frozen=True)
class KeyedRequest:
    """A call that carries an idempotency key: its caller, operation, key and body hash."""

    caller: str
    operation: str
    key: str
    body_hash: str

    @classmethod
    def of(cls, principal: Principal, operation: str, key: str | None, body: Mapping[str, Any]) -> KeyedRequest | None:
        """The keyed request of a call, or None when the call carries no key."""
        return None if key is None else cls(caller_of(principal), operation, key, body_hash(body))


def once(uow: UnitOfWork, keys: Table, request: KeyedRequest | None, *, make: Callable[[], R],
         answer_of: Callable[[R], str], earlier: Callable[[str], R]) -> tuple[R, bool]:
    """Run ``make()`` in ``uow`` once per keyed request; answers ``(record, created)``.

    ``make`` writes the record in the open unit of work (and may record events); ``answer_of``
    says what to remember of it (its id); ``earlier`` reads the record of a remembered answer in
    the open unit of work. ``uow`` is entered here, and committed when a record is made. In a
    :class:`~servicekit.unit_of_work.JoinedUnitOfWork` a unique violation is raised, not retried:
    the transaction it failed is someone else's.
    """
    for _ in range(_ATTEMPTS):
        try:
            with uow:
                if request is not None:
                    remembered = _remembered(uow, keys, request)
                    if remembered is not None:
                        return earlier(remembered), False
                try:
                    made = make()
                except Conflict:
                    # make() found its record taken (a reference unique of its own): by this key's
                    # winner, committed since the look above? Then the winner's record is the answer.
                    remembered = _remembered(uow, keys, request) if request is not None else None
                    if remembered is None:
                        raise
                    return earlier(remembered), False
                if request is not None:
                    uow.execute(insert(keys).values(
                        caller=request.caller, operation=request.operation, key=request.key,
                        body_hash=request.body_hash, answer=answer_of(made), created_at=now()))
                uow.commit()
                return made, True
        except IntegrityError as exc:
            # Another call with this key won meanwhile (read its record next time round), or the
            # record's own unique value was taken (a ticket number): either way, try again.
            if violation(exc) != "unique" or isinstance(uow, JoinedUnitOfWork):
                raise  # (a joined transaction is gone with the error: its holder decides what next)
    raise Conflict("another call made the same record just now; try again", "另一请求刚刚创建了相同的记录，请重试")


def _remembered(uow: UnitOfWork, keys: Table, request: KeyedRequest) -> str | None:
    row = uow.execute(select(keys.c.body_hash, keys.c.answer).where(
        keys.c.caller == request.caller, keys.c.operation == request.operation, keys.c.key == request.key)).first()
    if row is None:
        return None
    if row.body_hash != request.body_hash:
        raise Invalid("this Idempotency-Key was used before with another body",
                      "该幂等键已用于内容不同的另一请求",
                      errors={"Idempotency-Key": ["was used before with another body"]})
    return str(row.answer)


def _digest(value: Any) -> str:
    canonical = json.dumps(value, sort_keys=True, default=str, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()
