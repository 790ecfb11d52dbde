"""The gateway database: every table, the outbox and the inbox included, in one MetaData."""

from __future__ import annotations

from sqlalchemy import (
    DDL,
    JSON,
    Boolean,
    Column,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
    Uuid,
    event,
    text,
)

from servicekit import owners_copies
from servicekit.audit import append_only_statements
from servicekit.copies import copied, preferred_contact
from servicekit.db import UtcDateTime, service_metadata
from servicekit.outbox import Outbox, define_inbox

metadata = service_metadata()
outbox = Outbox(metadata)
inbox = define_inbox(metadata)

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

# --- the copy of owners' staff, territories, people and occupancies (servicekit.owners_copies, as
# every consumer of owners declares it): staff and territories give a staff account's estates; people
# and occupancies say who signs in with a mobile and a one-time code, and the estates of their units.
# A released territory and a moved-out occupancy stay as rows (tombstones at their last version).

staff = owners_copies.staff(metadata)
territories = owners_copies.territories(metadata)
# The preferred mobile (else the first): the number a one-time code is sent to and signs in with.
people = owners_copies.people(metadata, copied("mobile", String(32), nullable=True, field="contact_points",
                                               read=preferred_contact("mobile"), index=True))
occupancies = owners_copies.occupancies(metadata)

# One-time codes sent to a mobile: only an HMAC of each is kept (a 6-digit code would be found from a
# plain hash at once); single use, a few tries, minutes of life.
login_codes = Table(
    "login_codes", metadata,
    Column("id", Uuid, primary_key=True),
    Column("mobile", String(32), nullable=False, index=True),
    Column("code_hash", String(64), nullable=False),
    Column("client_address", String(64), index=True),
    Column("created_at", UtcDateTime(), nullable=False, index=True),
    Column("expires_at", UtcDateTime(), nullable=False),
    Column("tries", Integer, nullable=False, server_default=text("0")),
    Column("used_at", UtcDateTime()),
)

# --- staff accounts -------------------------------------------------------------------------------

accounts = Table(
    "accounts", metadata,
    Column("id", Uuid, primary_key=True),
    # What the person types to sign in (lower case): a work e-mail or a short name.
    Column("login", String(100), nullable=False, unique=True),
    Column("name", String(100), nullable=False),
    Column("role", String(40), nullable=False),
    # The owners staff record the account belongs to: a token's ``sub`` (tickets relies on it for a
    # technician), and the territories its estates follow. Null for an operator admin of no estate.
    Column("staff_id", Uuid, unique=True),
    Column("password_hash", String(200), nullable=False),
    # The person must choose a new password at the next sign-in (an admin set or reset this one).
    Column("must_change_password", Boolean, nullable=False, server_default=text("true")),
    Column("disabled", Boolean, nullable=False, server_default=text("false")),
    # Consecutive failed sign-ins, and until when the account refuses any (gateway.domain.lockout).
    Column("failures", Integer, nullable=False, server_default=text("0")),
    Column("locked_until", UtcDateTime()),
    Column("created_at", UtcDateTime(), nullable=False),
    Column("updated_at", UtcDateTime(), nullable=False),
)

# Estates an admin granted an account beside those its territories give.
account_estates = Table(
    "account_estates", metadata,
    Column("account_id", Uuid, ForeignKey("accounts.id", ondelete="CASCADE"), primary_key=True),
    Column("estate_id", Uuid, primary_key=True),
    Column("granted_at", UtcDateTime(), nullable=False),
    Column("granted_by", String(100), nullable=False),
)

# Permissions an admin granted an account (tenancy.permissions: ``pii:reveal``), carried in its
# tokens' ``perms`` from its next sign-in or refresh on.
account_permissions = Table(
    "account_permissions", metadata,
    Column("account_id", Uuid, ForeignKey("accounts.id", ondelete="CASCADE"), primary_key=True),
    Column("permission", String(40), primary_key=True),
    Column("granted_at", UtcDateTime(), nullable=False),
    Column("granted_by", String(100), nullable=False),
)

# Refresh tokens: only a hash of each is kept. Each sign-in starts a family; each refresh uses one
# token up and issues the next of its family. A token used twice means it was copied: the whole
# family is revoked (gateway.sign_in.use_cases.refresh).
refresh_tokens = Table(
    "refresh_tokens", metadata,
    Column("id", Uuid, primary_key=True),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("family_id", Uuid, nullable=False, index=True),
    # A staff account's, or an owner's (their owners person id, and the mobile they signed in with).
    Column("account_id", Uuid, ForeignKey("accounts.id", ondelete="CASCADE"), index=True),
    Column("person_id", Uuid, index=True),
    Column("mobile", String(32)),
    Column("issued_at", UtcDateTime(), nullable=False),
    Column("expires_at", UtcDateTime(), nullable=False),
    Column("used_at", UtcDateTime()),
    Column("revoked_at", UtcDateTime()),
)

# --- the staff console's sessions ------------------------------------------------------------------

# A staff member signed in to the console (gateway.console.sessions). Their tokens are kept here
# sealed with a key that only their browser's cookie holds: this table alone opens no session.
console_sessions = Table(
    "console_sessions", metadata,
    Column("id", Uuid, primary_key=True),
    Column("account_id", Uuid, ForeignKey("accounts.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("name", String(100), nullable=False),
    Column("role", String(40), nullable=False),
    # {"access", "refresh", "until"} sealed (Fernet) with the cookie's key.
    Column("sealed", Text, nullable=False),
    Column("created_at", UtcDateTime(), nullable=False),
    Column("seen_at", UtcDateTime(), nullable=False),
    # The refresh token's end: the session ends with it.
    Column("expires_at", UtcDateTime(), nullable=False, index=True),
)

# A staff member's named filter sets of the console's queue: they come back on any machine.
console_saved_filters = Table(
    "console_saved_filters", metadata,
    Column("id", Uuid, primary_key=True),
    Column("account_id", Uuid, ForeignKey("accounts.id", ondelete="CASCADE"), nullable=False),
    Column("name", String(60), nullable=False),
    # {"estate_id": ..., "stage": [...], ...}: the queue's query, as its form sends it.
    Column("filters", JSON, nullable=False),
    Column("created_at", UtcDateTime(), nullable=False),
    Column("updated_at", UtcDateTime(), nullable=False),
    UniqueConstraint("account_id", "name", name="uq_console_saved_filters_account_name"),
)

# --- integration clients (OAuth 2.0 client credentials) -------------------------------------------

# Another company system (billing, access control, the call centre): what it may ask for (scopes)
# and which estates its tokens carry ("*": every estate).
integration_clients = Table(
    "integration_clients", metadata,
    Column("id", Uuid, primary_key=True),
    Column("client_id", String(64), nullable=False, unique=True),
    Column("name", String(100), nullable=False),
    Column("scopes", JSON, nullable=False),
    Column("estates", JSON, nullable=False),
    Column("disabled", Boolean, nullable=False, server_default=text("false")),
    Column("created_at", UtcDateTime(), nullable=False),
    Column("updated_at", UtcDateTime(), nullable=False),
)

# A client's secrets, kept only as SHA-256 hashes (each is 256 random bits: a slow hash adds nothing).
# While a secret is rotated the previous one stays good until its expires_at: no downtime.
client_secrets = Table(
    "client_secrets", metadata,
    Column("id", Uuid, primary_key=True),
    Column("client", Uuid, ForeignKey("integration_clients.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("secret_hash", String(64), nullable=False, unique=True),
    Column("created_at", UtcDateTime(), nullable=False),
    Column("expires_at", UtcDateTime()),
)

# Every sign-in, refresh and sign-out, and every failure of one: append-only (the database refuses
# an UPDATE or DELETE, servicekit.audit).
sign_in_audit = Table(
    "sign_in_audit", metadata,
    Column("id", Uuid, primary_key=True),
    Column("at", UtcDateTime(), nullable=False),
    Column("login", String(100), nullable=False),
    Column("account_id", Uuid),  # null: no account has that login
    # signed_in, wrong_password, unknown_login, locked, disabled, refreshed, refresh_reused,
    # refresh_refused, signed_out, password_changed, created, disabled_by_admin, enabled, password_reset,
    # estate_granted, estate_withdrawn, permission_granted:<permission>, permission_withdrawn:<permission>;
    # for an integration client (login: its client_id) client_token,
    # client_registered, client_secret_rotated, client_disabled, client_enabled
    Column("outcome", String(40), nullable=False),
    Column("client_address", String(64)),
    Column("family_id", Uuid),
    Column("by", String(100)),  # the admin, for an admin's action
    Index("ix_sign_in_audit_account_id_at", "account_id", "at"),
    Index("ix_sign_in_audit_login_at", "login", "at"),
)
for _dialect in ("postgresql", "sqlite"):
    for _statement in append_only_statements("sign_in_audit", _dialect):
        event.listen(sign_in_audit, "after_create", DDL(_statement).execute_if(dialect=_dialect))
