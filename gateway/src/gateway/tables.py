"""The gateway database: every table, the outbox included, in one MetaData."""

from __future__ import annotations

from sqlalchemy import JSON, Column, String, Table, Text

from servicekit.db import UtcDateTime, service_metadata
from servicekit.outbox import Outbox

metadata = service_metadata()
outbox = Outbox(metadata)

# The keys that sign the suite's tokens. A key is published (in the JWKS) from its creation until
# the last token it signed has expired; it signs from ``signs_from`` until ``retired_at``.
signing_keys = Table(
    "signing_keys", metadata,
    Column("kid", String(64), primary_key=True),
    Column("algorithm", String(16), nullable=False),
    Column("public_jwk", JSON, nullable=False),
    # PKCS#8 PEM, encrypted with GATEWAY_KEYS_PASSPHRASE.
    Column("private_pem", Text, nullable=False),
    Column("created_at", UtcDateTime(), nullable=False),
    Column("signs_from", UtcDateTime(), nullable=False),
    Column("retired_at", UtcDateTime()),
)
