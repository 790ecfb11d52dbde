"""The read side of the signing keys: the JWKS every service fetches, and the keys' list."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select

from gateway.domain import keys as rules
from gateway.tables import signing_keys
from servicekit.rows import now as clock


def _rows(session) -> list:
    return list(session.execute(select(signing_keys.c.kid, signing_keys.c.public_jwk, signing_keys.c.created_at,
                                       signing_keys.c.signs_from, signing_keys.c.retired_at)
                                .order_by(signing_keys.c.signs_from, signing_keys.c.kid)))


def _life(row) -> rules.KeyLife:
    return rules.KeyLife(row.kid, row.signs_from, row.retired_at)


def jwks(session, token_lifetime: timedelta, now: datetime | None = None) -> dict:
    """The public keys a token may be signed with now (RFC 7517): the next, the signing, the retired
    whose tokens may still be alive."""
    now = now or clock()
    rows = {row.kid: row for row in _rows(session)}
    return {"keys": [dict(rows[k.kid].public_jwk) for k in rules.published(map(_life, rows.values()), now,
                                                                           token_lifetime)]}


def key_list(session, token_lifetime: timedelta, now: datetime | None = None) -> list[dict]:
    """Every key the gateway made, oldest first, with what it is doing now."""
    now = now or clock()
    return [{"kid": row.kid, "created_at": row.created_at, "signs_from": row.signs_from,
             "retired_at": row.retired_at, "state": rules.state(_life(row), now, token_lifetime)}
            for row in _rows(session)]
