"""The notify database: every table, the outbox and the inbox included, in one MetaData.

Four groups of tables:

* **the copy** of owners' data notify needs to reach people (estates, buildings, units, people
  with their mobile, e-mail, language and preferred channel, occupancies, staff), built by the
  consumer from owners' events and never written by the API. Each copy row keeps the owners
  entity's ``version``: a stale event never overwrites a newer copy (servicekit.copies: each copy
  is declared once, and its handlers come from the declaration).
* **configuration**: each estate's sending settings (time zone, quiet hours, SMS signature),
  templates, opt-outs, webhook endpoints, and the rules that turn other services' events into
  messages.
* **notices**: a group notice (who, what, when, over which channels), its resolved recipients
  (kept with the notice), and every **message**: one recipient over one channel, with its state
  and its history. Event-driven messages and one-time codes are messages without a notice.
* **sending**: each call made to a provider, recorded *before* it is made (a provider call cannot
  join a transaction), the delivery receipts providers push, and the shared per-provider rate
  budget every sender draws from.

Every table that holds an estate's data carries ``estate_id``, so each query is scoped to the
caller's estates with one indexed predicate.
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Float,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
    Uuid,
    text,
)

from notify.domain import messages as message_states
from notify.domain.channels import IN_APP
from servicekit import owners_copies
from servicekit.audit import reveal_audit_table
from servicekit.copies import copied, preferred_contact
from servicekit.db import UtcDateTime, service_metadata
from servicekit.idempotency import define_idempotency_keys
from servicekit.outbox import Outbox, define_inbox

metadata = service_metadata()

outbox = Outbox(metadata)
inbox = define_inbox(metadata)
# The Idempotency-Keys of the notices and messages callers created (servicekit.idempotency).
idempotency_keys = define_idempotency_keys(metadata)


def _version() -> Column:
    # A notify entity's own version: 1 when created, +1 with every change, carried in its events.
    return Column("version", Integer, nullable=False, server_default=text("1"))


# --- the copy of owners' data (written only by the consumer: notify.handlers) -------------------
# The core of each copy is servicekit.owners_copies' (the same for every consumer of owners); notify
# adds what it sends by. A moved-out occupancy keeps its row (no longer in any audience).

estates = owners_copies.estates(metadata)
buildings = owners_copies.buildings(metadata)
units = owners_copies.units(metadata)
# sms | email | app | phone; the preferred mobile (else the first) and e-mail (else the first), in full.
people = owners_copies.people(
    metadata,
    copied("preferred_channel", String(10), default="sms", server_default="sms"),
    copied("mobile", String(32), nullable=True, field="contact_points", read=preferred_contact("mobile")),
    copied("email", String(254), nullable=True, field="contact_points", read=preferred_contact("email")),
)
occupancies = owners_copies.occupancies(metadata)
staff = owners_copies.staff(metadata, copied("mobile", String(32), nullable=True),
                            copied("email", String(254), nullable=True))

# Companies occupying units (OWN-11, an office building's tenants) with their contacts in order: a
# notice to one of its units, or a rule's ``company_contacts``, reaches them (notify.audiences).
companies = owners_copies.companies(metadata)

# --- configuration ------------------------------------------------------------------------------

# The operator's duty contacts (集团值班): told of an escalation that found nobody at any level of
# an estate (tickets' ``fallback.reached`` is ``operator_admins``); not staff of any estate.
duty_contacts = Table(
    "duty_contacts", metadata,
    Column("id", Uuid, primary_key=True),
    Column("name", String(100), nullable=False),
    Column("mobile", String(20)),
    Column("email", String(200)),
    Column("created_at", UtcDateTime, nullable=False),
)

# Each estate's sending settings; an estate without a row uses the defaults below.
estate_settings = Table(
    "estate_settings", metadata,
    Column("estate_id", Uuid, primary_key=True),
    Column("timezone", String(64), nullable=False, server_default="Asia/Shanghai"),
    # No non-urgent SMS between quiet_start and quiet_end (local "HH:MM"; may wrap midnight).
    Column("quiet_start", String(5), nullable=False, server_default="21:00"),
    Column("quiet_end", String(5), nullable=False, server_default="08:00"),
    Column("sms_sign_name", String(40), nullable=False, server_default="物业服务中心"),
    _version(),
)

# A template: operator-wide (estate_id null) or an estate's own. ``texts`` holds, per language,
# the subject (e-mail subject, in-app title) and the body: {"zh-CN": {"subject": .., "body": ..}, "en": {..}}.
# ``variables`` names the variables its texts may use; ``sms_template_code`` is the provider's
# approved template the SMS is sent as (the provider renders it from the same variables).
templates = Table(
    "templates", metadata,
    Column("id", Uuid, primary_key=True),
    Column("estate_id", Uuid, index=True),
    Column("code", String(60), nullable=False),
    Column("purpose", String(20), nullable=False),  # see notify.domain.purposes
    Column("texts", JSON, nullable=False),
    Column("variables", JSON, nullable=False),
    Column("sms_template_code", String(40)),
    Column("created_at", UtcDateTime, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
    _version(),
    UniqueConstraint("estate_id", "code"),
)

# A person's opt-out of one non-essential purpose (essential notices ignore opt-outs).
opt_outs = Table(
    "opt_outs", metadata,
    Column("person_id", Uuid, primary_key=True),
    Column("purpose", String(20), primary_key=True),
    Column("estate_id", Uuid, nullable=False, index=True),
    Column("created_at", UtcDateTime, nullable=False),
)

# Another company system that receives notify's messages as signed webhooks.
webhook_endpoints = Table(
    "webhook_endpoints", metadata,
    Column("id", Uuid, primary_key=True),
    Column("estate_id", Uuid, index=True),  # null: the operator's, for every estate
    Column("name", String(100), nullable=False),
    Column("url", String(2000), nullable=False),
    Column("secret", String(200), nullable=False),  # "whsec_" + base64, as Standard Webhooks
    Column("active", Boolean, nullable=False, server_default=text("true")),
    # Failure state: consecutive failures, since when, the last error; disabled after too many.
    Column("consecutive_failures", Integer, nullable=False, server_default=text("0")),
    Column("failing_since", UtcDateTime),
    Column("last_error", String(500)),
    Column("disabled_at", UtcDateTime),
    Column("created_at", UtcDateTime, nullable=False),
    _version(),
)

# A rule turning another service's event into messages: on ``event_type`` (e.g.
# tickets.ticket.dispatched.v1), send ``template_id`` to ``audience`` (who, from the event: the
# reporter, the assignee, the staff named, ...) over ``channels`` (in fallback order).
rules = Table(
    "rules", metadata,
    Column("id", Uuid, primary_key=True),
    Column("estate_id", Uuid, index=True),  # null: operator-wide
    Column("event_type", String(120), nullable=False, index=True),
    Column("audience", String(40), nullable=False),
    Column("template_id", Uuid, nullable=False),
    Column("channels", JSON, nullable=False),
    Column("urgent", Boolean, nullable=False, server_default=text("false")),
    Column("active", Boolean, nullable=False, server_default=text("true")),
    # How old an event the rule still answers, in minutes; null: the default (notify.domain.freshness).
    Column("fresh_for_minutes", Integer),
    Column("created_at", UtcDateTime, nullable=False),
    _version(),
)

# --- notices, recipients, messages ------------------------------------------------------------

# A group notice. ``audience`` is what the caller asked for (estate, buildings, units, a role, a
# list from another system); ``channels`` the channels in fallback order (first tried first);
# ``variables`` the values shared by every recipient. ``status``: see notify.domain.notices.
# A recurring notice (``repeat`` set) makes the next occurrence, a notice of the same
# ``series_id``, when it starts sending.
notices = Table(
    "notices", metadata,
    Column("id", Uuid, primary_key=True),
    Column("estate_id", Uuid, nullable=False, index=True),
    Column("template_id", Uuid, nullable=False),
    Column("purpose", String(20), nullable=False),
    Column("urgent", Boolean, nullable=False, server_default=text("false")),  # emergencies ignore quiet hours
    Column("title", String(200), nullable=False),
    Column("channels", JSON, nullable=False),
    Column("audience", JSON, nullable=False),
    Column("variables", JSON, nullable=False),
    Column("status", String(20), nullable=False),
    Column("send_at", UtcDateTime, nullable=False),
    Column("repeat", JSON),
    Column("series_id", Uuid, index=True),
    Column("consent_to_split", Boolean, nullable=False, server_default=text("false")),
    # The estimate made before sending: SMS parts of the whole notice and their cost (in fen).
    Column("estimated_segments", Integer, nullable=False, server_default=text("0")),
    Column("estimated_cost_fen", Integer, nullable=False, server_default=text("0")),
    Column("recipients_count", Integer, nullable=False, server_default=text("0")),
    Column("created_by", String(200), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("started_at", UtcDateTime),
    Column("finished_at", UtcDateTime),
    # Its reach as its completion counted it (recipients with the excluded, the excluded, the reached),
    # kept true after (notify.tracking.kept_reach): an estate's reach adds these up instead of counting
    # every message of its finished notices. Null while it is not complete: its reach is counted.
    Column("kept_recipients", Integer),
    Column("kept_excluded", Integer),
    Column("kept_reached", Integer),
    _version(),
    Index("ix_notices_due", "status", "send_at"),
)

# The notice's resolved audience, kept with it: one row per person and unit (a household), or per
# entry of a list another system gave, with that entry's own variables. ``excluded`` says why a
# resolved recipient is not sent to (opted_out, no_contact); such rows stay, for the record.
recipients = Table(
    "recipients", metadata,
    Column("id", Uuid, primary_key=True),
    Column("notice_id", Uuid, nullable=False, index=True),
    Column("estate_id", Uuid, nullable=False),
    Column("person_id", Uuid, index=True),
    Column("unit_id", Uuid),
    Column("name", String(100), nullable=False),
    Column("unit_label", String(100)),  # e.g. "1栋 2-1202", for the template and the not-reached list
    Column("language", String(10), nullable=False),
    Column("mobile", String(32)),
    Column("email", String(254)),
    Column("variables", JSON, nullable=False),
    Column("excluded", String(20)),
    # An estate's reach (its dashboard) counts its notices' recipients and the excluded from this index alone.
    Index("ix_recipients_notice_excluded", "notice_id", "excluded"),
)

# One recipient over one channel: the unit that is sent, tracked and retried. A fallback message
# (the next channel, after this one failed) names the message it replaces in ``fallback_of``.
# ``next_attempt_at`` is when a sender may take it (quiet hours, backoff). ``state``: see
# notify.domain.messages. ``call_id`` is the provider call that carried it.
messages = Table(
    "messages", metadata,
    Column("id", Uuid, primary_key=True),
    # Not indexed: no query reads messages by estate (each message write would pay for the index).
    Column("estate_id", Uuid, nullable=False),
    Column("notice_id", Uuid),
    Column("recipient_id", Uuid, index=True),  # a person's notices: their households' messages
    Column("rule_id", Uuid),
    Column("source_event_id", String(200)),  # "<source> <id>" of the event a rule answered
    # What makes a rule's message once only: one per event, rule and recipient (null: a notice's, a
    # one-off's (its Idempotency-Key is kept in idempotency_keys) or a fallback). Unique: the index below.
    Column("dedupe_key", String(500)),
    Column("person_id", Uuid),  # indexed for the in-app inbox only (ix_messages_inbox)
    Column("staff_id", Uuid),
    Column("channel", String(10), nullable=False),  # sms | email | in_app | webhook
    Column("address", String(2000)),  # the mobile, the e-mail, the endpoint id; null for in_app
    Column("language", String(10), nullable=False),
    Column("subject", String(300)),
    Column("body", Text, nullable=False),
    Column("sms_template_code", String(40)),
    Column("params", JSON, nullable=False),  # the variables, as the provider's template takes them
    Column("segments", Integer, nullable=False, server_default=text("0")),
    Column("urgent", Boolean, nullable=False, server_default=text("false")),
    Column("state", String(20), nullable=False),
    Column("attempts", Integer, nullable=False, server_default=text("0")),
    Column("next_attempt_at", UtcDateTime, nullable=False),
    Column("fallback_of", Uuid),
    Column("call_id", Uuid, index=True),
    Column("provider", String(40)),
    Column("provider_ref", String(200)),  # the provider's id of it (Aliyun BizId, SMTP Message-ID)
    Column("failure_code", String(100)),
    Column("failure_reason", String(500)),
    Column("queued_at", UtcDateTime, nullable=False),
    Column("sent_at", UtcDateTime),
    Column("delivered_at", UtcDateTime),
    Column("read_at", UtcDateTime),
    Column("updated_at", UtcDateTime, nullable=False),
    _version(),
    Index("ix_messages_notice_state", "notice_id", "state"),
)

# A message that reached its recipient (notify.domain.messages.reaches: an in-app message read, any
# other delivered or read), in literals as the partial index below and the queries that use it spell
# it (a prepared statement's generic plan, which knows no bound values, still matches the index).
REACHING = (f"((channel = '{IN_APP}' AND state = '{message_states.READ}') OR (channel <> '{IN_APP}' AND state IN "
            f"({', '.join(repr(s) for s in sorted(message_states.REACHED))})))")  # in parentheses: ANDed safely
# An estate's reach (its dashboard) counts the recipients its notices reached from this index alone.
Index("ix_messages_reaching", messages.c.notice_id, messages.c.recipient_id, postgresql_where=text(REACHING))

# The senders' queue, in the order they take it (urgent first, then the oldest): a claim walks this
# partial index and stops after its batch, instead of sorting every queued message each round.
Index("ix_messages_queue", messages.c.channel, messages.c.urgent.desc(), messages.c.queued_at, messages.c.id,
      postgresql_where=messages.c.state == "queued", sqlite_where=messages.c.state == "queued")

# A rule's message once only; a notice's messages have no key and take no entry.
Index("uq_messages_dedupe_key", messages.c.dedupe_key, unique=True,
      postgresql_where=messages.c.dedupe_key.is_not(None), sqlite_where=messages.c.dedupe_key.is_not(None))
# A person's in-app inbox (notify.inbox.views), the one reader of messages by person: a literal, as the
# inbox's queries spell it, so that a prepared statement's generic plan still matches the index.
IN_INBOX_CHANNEL = f"channel = '{IN_APP}'"
Index("ix_messages_inbox", messages.c.person_id, postgresql_where=text(IN_INBOX_CHANNEL),
      sqlite_where=text(IN_INBOX_CHANNEL))

# Every change of a message's state, with the provider's code and reason where there is one.
message_history = Table(
    "message_history", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("message_id", Uuid, nullable=False, index=True),
    Column("at", UtcDateTime, nullable=False),
    Column("state", String(20), nullable=False),
    Column("code", String(100)),
    Column("detail", String(500)),
)

# --- sending --------------------------------------------------------------------------------------

# One call to a provider, recorded (and committed) before the call is made, marked after.
# ``state``: calling (recorded, no answer yet) | accepted | rejected | unknown (timed out or the
# sender died: checked against the provider before anything is sent again) | released (recorded
# but never made: the sender stopped first; its messages are queued again). See notify.sending.states.
provider_calls = Table(
    "provider_calls", metadata,
    Column("id", Uuid, primary_key=True),
    Column("provider", String(40), nullable=False),
    Column("channel", String(10), nullable=False),
    Column("action", String(40), nullable=False),  # e.g. SendSms, SendBatchSms, smtp, webhook
    Column("state", String(20), nullable=False),
    Column("sender", String(100), nullable=False),  # host:pid of the sender that made it
    Column("messages", Integer, nullable=False),
    Column("started_at", UtcDateTime, nullable=False),
    Column("lease_until", UtcDateTime, nullable=False),
    Column("finished_at", UtcDateTime),
    Column("provider_ref", String(200)),
    Column("request_id", String(200)),
    Column("answer_code", String(100)),
    Column("answer", String(1000)),
    Index("ix_provider_calls_open", "state", "lease_until"),
)

# Delivery receipts as providers pushed them: stored by the web process as they come, applied to
# their messages by the sender; kept even when they arrive before the send is marked (applied once
# it is), and once each (a pushed-again receipt changes nothing).
receipts = Table(
    "receipts", metadata,
    Column("id", Uuid, primary_key=True),
    Column("provider", String(40), nullable=False),
    Column("provider_ref", String(200), nullable=False),  # BizId
    Column("out_id", String(256)),
    Column("address", String(32), nullable=False),
    Column("success", Boolean, nullable=False),
    Column("code", String(100), nullable=False),
    Column("detail", String(500)),
    Column("reported_at", UtcDateTime),
    Column("received_at", UtcDateTime, nullable=False),
    Column("applied_at", UtcDateTime),
    # Not applied when last looked at (its call not marked yet, its message locked or unknown): not
    # looked at again before this (notify.receipts.use_cases.RECHECK).
    Column("check_after", UtcDateTime),
    UniqueConstraint("provider", "provider_ref", "address", "code"),
)
# The receipts the sender has still to apply: oldest first (notify.receipts.use_cases.apply_received),
# and those of a call just marked, by the provider's ref or our call id (apply_pending).
Index("ix_receipts_to_apply", receipts.c.received_at,
      postgresql_where=receipts.c.applied_at.is_(None), sqlite_where=receipts.c.applied_at.is_(None))
Index("ix_receipts_pending_ref", receipts.c.provider_ref,
      postgresql_where=receipts.c.applied_at.is_(None), sqlite_where=receipts.c.applied_at.is_(None))
Index("ix_receipts_pending_out_id", receipts.c.out_id,
      postgresql_where=receipts.c.applied_at.is_(None), sqlite_where=receipts.c.applied_at.is_(None))

# The shared rate budget of each provider (a token bucket every sender replica draws from), and the
# buckets of the limits on urgent one-off messages ("urgent to <hash>", "urgent by <hash>":
# notify.messages.limits), which every web worker draws from.
rate_budgets = Table(
    "rate_budgets", metadata,
    Column("provider", String(40), primary_key=True),
    Column("tokens", Float, nullable=False),
    Column("refilled_at", UtcDateTime, nullable=False),
)

# Every full number shown to a caller with pii:reveal, for the privacy audit: servicekit's
# append-only table, the same in every service.
pii_reveals = reveal_audit_table(metadata)
