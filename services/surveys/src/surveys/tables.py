"""The surveys database: every table, the outbox and the inbox included, in one MetaData.

Two groups of tables so far:

* **the copy** of owners' data a survey needs (estates, buildings, units, people with their
  language and preferred channel, occupancies: who lives where, so which households are occupied;
  staff and territories: who visits the unhappy ones), built by the consumer from owners' events
  and never written by the API. Each copy row keeps the owners entity's ``version``: a stale event
  never overwrites a newer copy (servicekit.copies). A moved-out occupancy and a released
  territory stay as rows, so that their last version is remembered.
* **questionnaires** (SRV-2): an operator's or an estate's questionnaire and its numbered
  versions; a published version's questions never change (answers name the version).
* **waves** (SRV-1): a wave per estate and period, the published questionnaire version it asks,
  the seed its sample was drawn with, and the sample: each household with why it was picked.
* **invitations and answers**: one invitation per person asked (a wave's sampled household, or the
  reporter of a resolved ticket), its personal token kept only as a hash; one answer per invitation
  (saved partly until submitted), or entered by staff from paper, a phone call, the suggestion box
  or a walk-in (SRV-7); each submitted score as a row, for statistics; a closed wave's figures, kept
  when it closes; the token buckets that limit guessing.
* **follow-ups and rectification** (SRV-4): the low-score thresholds (per operator or estate, per
  element), a follow-up visit (回访) per answer that asks for one, and rectification actions
  (整改措施) with their steps until verified; an action is its own deadline row for the timer.

Every table that holds an estate's data carries ``estate_id``, so each query is scoped to the
caller's estates with one indexed predicate.
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
    Uuid,
    text,
)

from servicekit import owners_copies
from servicekit.copies import copied
from servicekit.db import UtcDateTime, service_metadata
from servicekit.idempotency import define_idempotency_keys
from servicekit.outbox import Outbox, define_inbox
from servicekit.ratelimit import define_rate_budgets

metadata = service_metadata()

outbox = Outbox(metadata)
inbox = define_inbox(metadata)
idempotency_keys = define_idempotency_keys(metadata)

# --- the copy of owners' data (written only by the consumer: surveys.handlers) ------------------
# The core of each copy is servicekit.owners_copies' (the same for every consumer of owners); surveys
# adds what it says to a person (their preferred channel travels with an invitation).

estates = owners_copies.estates(metadata)
buildings = owners_copies.buildings(metadata)
units = owners_copies.units(metadata)
people = owners_copies.people(metadata, copied("preferred_channel", String(10), default="sms", server_default="sms"))
# A household is a unit with at least one occupancy not moved out (moved_out_on null or later).
occupancies = owners_copies.occupancies(metadata)
staff = owners_copies.staff(metadata)
territories = owners_copies.territories(metadata)

# --- questionnaires (SRV-2) ---------------------------------------------------------------------

# An operator-wide questionnaire (estate_id null) or an estate's own. The built-in default (nine
# elements) has no row: surveys.domain.questionnaires.
questionnaires = Table(
    "questionnaires", metadata,
    Column("id", Uuid, primary_key=True),
    Column("estate_id", Uuid, index=True),
    Column("purpose", String(20), nullable=False),  # wave (a quarterly survey) | ticket (after a ticket)
    Column("name_zh", String(100), nullable=False),
    Column("name_en", String(100), nullable=False),
    Column("copied_from", Uuid),  # the questionnaire it was copied from, if any
    Column("created_by", String(200), nullable=False),
    Column("created_at", UtcDateTime(), nullable=False),
    Column("version", Integer, nullable=False, server_default=text("1")),  # the row's own, +1 each change
)

# Its versions, numbered from 1: at most one draft (the last), the others published and immutable.
questionnaire_versions = Table(
    "questionnaire_versions", metadata,
    Column("id", Uuid, primary_key=True),
    Column("questionnaire_id", Uuid, ForeignKey("questionnaires.id"), nullable=False, index=True),
    Column("estate_id", Uuid, index=True),  # the questionnaire's, for scoping
    Column("number", Integer, nullable=False),
    Column("questions", JSON, nullable=False),
    Column("published_at", UtcDateTime()),  # null: the draft
    Column("published_by", String(200)),
    UniqueConstraint("questionnaire_id", "number"),
)

# --- waves (SRV-1) ------------------------------------------------------------------------------

# One wave per estate and period (2026-Q4). ``questionnaire_id`` null: the built-in default.
waves = Table(
    "waves", metadata,
    Column("id", Uuid, primary_key=True),
    Column("estate_id", Uuid, nullable=False, index=True),
    Column("period", String(7), nullable=False),  # YYYY-Qn
    Column("questionnaire_id", Uuid),
    Column("questionnaire_version_id", Uuid, nullable=False),
    Column("percent", Integer, nullable=False),  # the share sampled per building, rounded up
    Column("lookback", Integer, nullable=False),  # how many earlier waves the sample avoids
    Column("seed", BigInteger, nullable=False),  # the sample is drawn again from it (domain.sampling)
    Column("households", Integer, nullable=False),  # the estate's occupied households when opened
    Column("sampled", Integer, nullable=False),
    Column("opens_on", Date, nullable=False),
    Column("closes_on", Date, nullable=False),
    # The instants the local days begin and end (SURVEYS_TIMEZONE): the timer invites the sample at
    # ``opens_at`` (``invited_at`` marks it done) and closes the wave at ``closes_at`` (``closed_at``).
    Column("opens_at", UtcDateTime(), nullable=False),
    Column("closes_at", UtcDateTime(), nullable=False),
    Column("invited_at", UtcDateTime()),
    Column("closed_at", UtcDateTime()),
    Column("reminder_days", JSON, nullable=False),  # days after opens_on to remind those not answered
    Column("state", String(10), nullable=False),  # scheduled (opens_on still ahead) | open | closed
    Column("opened_by", String(200), nullable=False),  # who made it: a manager, or the schedule
    Column("opened_at", UtcDateTime(), nullable=False),
    Column("version", Integer, nullable=False, server_default=text("1")),
    UniqueConstraint("estate_id", "period"),
    Index("ix_waves_to_invite", "opens_at", postgresql_where=text("state = 'scheduled' AND invited_at IS NULL"),
          sqlite_where=text("state = 'scheduled' AND invited_at IS NULL")),
    Index("ix_waves_to_close", "closes_at", postgresql_where=text("closed_at IS NULL"),
          sqlite_where=text("closed_at IS NULL")),
)

# A wave's reminder steps, each its own deadline row: the timer reminds those not answered once per step.
wave_reminders = Table(
    "wave_reminders", metadata,
    Column("id", Uuid, primary_key=True),
    Column("wave_id", Uuid, ForeignKey("waves.id"), nullable=False, index=True),
    Column("step", Integer, nullable=False),
    Column("due_at", UtcDateTime(), nullable=False),
    Column("sent_at", UtcDateTime()),
    Column("reminded", Integer),  # how many were reminded at this step
    UniqueConstraint("wave_id", "step"),
    Index("ix_wave_reminders_due", "due_at", postgresql_where=text("sent_at IS NULL"),
          sqlite_where=text("sent_at IS NULL")),
)

# The operator's schedule (one row at most): a wave every quarter for every estate, opened by the
# timer on the quarter's ``open_day``-th day, exactly once per estate and period.
wave_schedules = Table(
    "wave_schedules", metadata,
    Column("id", Uuid, primary_key=True),
    Column("active", Boolean, nullable=False),
    Column("open_day", Integer, nullable=False),  # 1: the quarter's first day
    Column("percent", Integer, nullable=False),
    Column("lookback", Integer, nullable=False),
    Column("reminder_days", JSON, nullable=False),
    Column("questionnaire_id", Uuid),  # an operator-wide questionnaire; null: the built-in default
    Column("set_by", String(200), nullable=False),
    Column("set_at", UtcDateTime(), nullable=False),
    Column("version", Integer, nullable=False, server_default=text("1")),
)

# The sample: each household a wave asks, and why (its building's quota, when it was last asked).
wave_households = Table(
    "wave_households", metadata,
    Column("wave_id", Uuid, ForeignKey("waves.id"), primary_key=True),
    Column("unit_id", Uuid, primary_key=True),
    Column("estate_id", Uuid, nullable=False, index=True),
    Column("building_id", Uuid, nullable=False),
    Column("reason", String(30), nullable=False),  # not_sampled_recently | least_recently_sampled
    Column("waves_ago", Integer),  # 1: the last wave asked it; null: none of the look-back did
    Column("quota", Integer, nullable=False),  # its building's quota ...
    Column("building_households", Integer, nullable=False),  # ... of this many occupied households
)

# --- invitations and answers --------------------------------------------------------------------

# One per person asked; its links' tokens are in invitation_tokens.
invitations = Table(
    "invitations", metadata,
    Column("id", Uuid, primary_key=True),
    Column("estate_id", Uuid, nullable=False, index=True),
    Column("purpose", String(10), nullable=False),  # wave | ticket
    Column("wave_id", Uuid, ForeignKey("waves.id"), index=True),
    Column("ticket_id", Uuid, unique=True),  # a ticket is asked about once
    Column("unit_id", Uuid),
    Column("person_id", Uuid, nullable=False, index=True),  # a person's answers (the owner's whole picture)
    Column("questionnaire_version_id", Uuid, nullable=False),
    Column("expires_at", UtcDateTime(), nullable=False),
    Column("state", String(10), nullable=False),  # sent | started | answered | withdrawn (evaluated at the desk)
    Column("sent_at", UtcDateTime(), nullable=False),
    Column("reminders", Integer, nullable=False, server_default=text("0")),
    Column("answered_at", UtcDateTime()),
    Column("version", Integer, nullable=False, server_default=text("1")),
)

# The tokens of an invitation's personal links (the first, and one per reminder: each link stays
# good), kept only as their SHA-256.
invitation_tokens = Table(
    "invitation_tokens", metadata,
    Column("token_hash", String(64), primary_key=True),
    Column("invitation_id", Uuid, ForeignKey("invitations.id"), nullable=False, index=True),
)

# One per invitation (the link), or entered by staff (no invitation, the channel says how it came).
answers = Table(
    "answers", metadata,
    Column("id", Uuid, primary_key=True),
    Column("invitation_id", Uuid, ForeignKey("invitations.id"), unique=True),
    Column("estate_id", Uuid, nullable=False, index=True),
    Column("wave_id", Uuid, ForeignKey("waves.id"), index=True),
    Column("ticket_id", Uuid),
    Column("unit_id", Uuid),
    Column("building_id", Uuid),
    Column("questionnaire_version_id", Uuid, nullable=False),
    Column("channel", String(20), nullable=False),  # link | paper | phone | suggestion_box | walk_in
    Column("items", JSON, nullable=False),
    Column("state", String(10), nullable=False),  # draft | submitted
    Column("entered_by", String(200)),  # the staff member who entered it, if one did
    Column("started_at", UtcDateTime(), nullable=False),
    Column("submitted_at", UtcDateTime()),
)

# Each score of a submitted answer, for statistics by element, building and wave (SRV-3).
answer_scores = Table(
    "answer_scores", metadata,
    Column("answer_id", Uuid, ForeignKey("answers.id"), primary_key=True),
    Column("code", String(40), primary_key=True),
    Column("element", String(20)),  # one of the nine, or null
    Column("estate_id", Uuid, nullable=False),
    Column("wave_id", Uuid, index=True),
    Column("building_id", Uuid),
    Column("score", Integer, nullable=False),
)

# A closed wave's figures, kept when it closes (surveys.statistics.use_cases.keep): a closed wave takes
# no answer, so its statistics never change and are read from this one row instead of added up again.
wave_figures = Table(
    "wave_figures", metadata,
    Column("wave_id", Uuid, ForeignKey("waves.id"), primary_key=True),
    Column("invited", Integer, nullable=False),
    Column("answered", Integer, nullable=False),
    Column("by_channel", JSON, nullable=False),  # {channel: submitted answers}
    Column("scores", JSON, nullable=False),  # [[building_id or null, element, count, sum, sum of squares]]
    Column("kept_at", UtcDateTime(), nullable=False),
)

# Tickets evaluated (tickets' events): a ticket evaluated at the desk first is not asked (SRV-5).
evaluated_tickets = Table(
    "evaluated_tickets", metadata,
    Column("ticket_id", Uuid, primary_key=True),
    Column("estate_id", Uuid, nullable=False),
    Column("channel", String(20), nullable=False),  # desk | survey | ...
    Column("evaluated_at", UtcDateTime(), nullable=False),
)

# --- follow-ups and rectification (SRV-4) --------------------------------------------------------

# A low score is at or below its element's threshold (surveys.domain.follow_ups): the operator's
# (estate_id null) or an estate's, for one element or every one ("*"). No row: the default.
follow_up_thresholds = Table(
    "follow_up_thresholds", metadata,
    Column("id", Uuid, primary_key=True),
    Column("estate_id", Uuid, index=True),
    Column("element", String(40), nullable=False),
    Column("threshold", Integer, nullable=False),
    Column("set_by", String(200), nullable=False),
    Column("set_at", UtcDateTime(), nullable=False),
)

# A follow-up visit (回访) of an unhappy answer: whom it is assigned to, why, what the owner said.
follow_ups = Table(
    "follow_ups", metadata,
    Column("id", Uuid, primary_key=True),
    Column("estate_id", Uuid, nullable=False, index=True),
    Column("answer_id", Uuid, ForeignKey("answers.id"), nullable=False, unique=True),
    Column("wave_id", Uuid, index=True),
    Column("ticket_id", Uuid),
    Column("unit_id", Uuid),
    Column("building_id", Uuid),
    Column("person_id", Uuid),
    Column("reasons", JSON, nullable=False),  # [{kind: low_score | complaint | staff, ...}]
    Column("assignee_id", Uuid, index=True),  # a staff member of the estate; null: nobody covers it
    Column("state", String(10), nullable=False),  # open | visited
    Column("owner_said", Text),
    Column("visited_at", UtcDateTime()),
    Column("visited_by", String(200)),
    Column("opened_by", String(200), nullable=False),  # surveys (by the answer) or the staff member
    Column("opened_at", UtcDateTime(), nullable=False),
    Column("version", Integer, nullable=False, server_default=text("1")),
)

# An owners' forum (业户座谈会): when and where, and the households invited, chosen in turn (those
# never invited before first, then those invited longest ago); who attended.
forums = Table(
    "forums", metadata,
    Column("id", Uuid, primary_key=True),
    Column("estate_id", Uuid, nullable=False, index=True),
    Column("title", String(200), nullable=False),
    Column("held_on", Date, nullable=False),
    Column("place", String(200)),
    Column("created_by", String(200), nullable=False),
    Column("created_at", UtcDateTime(), nullable=False),
)

forum_invitees = Table(
    "forum_invitees", metadata,
    Column("forum_id", Uuid, ForeignKey("forums.id"), primary_key=True),
    Column("unit_id", Uuid, primary_key=True),
    Column("estate_id", Uuid, nullable=False, index=True),
    Column("held_on", Date, nullable=False),  # the forum's, for choosing in turn
    Column("attended", Boolean, nullable=False, server_default=text("false")),
)

# A rectification action (整改措施) of a follow-up (or, later, of a forum's suggestion): who answers
# for it, by when, and its state (open -> done -> verified, or reopened). Overdue: still open after
# ``due_at`` (the end of ``due_on``, local time); ``overdue_at`` marks that the timer told once.
actions = Table(
    "actions", metadata,
    Column("id", Uuid, primary_key=True),
    Column("estate_id", Uuid, nullable=False, index=True),
    Column("follow_up_id", Uuid, ForeignKey("follow_ups.id"), index=True),
    Column("forum_id", Uuid, ForeignKey("forums.id"), index=True),  # or a forum's suggestion (SRV-6)
    Column("description", Text, nullable=False),
    Column("responsible_id", Uuid, nullable=False, index=True),  # a staff member of the estate
    Column("due_on", Date, nullable=False),
    Column("due_at", UtcDateTime(), nullable=False),
    Column("state", String(10), nullable=False),  # open | done | verified
    Column("reopened", Integer, nullable=False, server_default=text("0")),
    Column("overdue_at", UtcDateTime()),
    Column("done_at", UtcDateTime()),
    Column("verified_at", UtcDateTime()),
    Column("verified_by", String(200)),
    Column("created_by", String(200), nullable=False),
    Column("created_at", UtcDateTime(), nullable=False),
    Column("version", Integer, nullable=False, server_default=text("1")),
    Index("ix_actions_overdue_due", "due_at", postgresql_where=text("state = 'open' AND overdue_at IS NULL"),
          sqlite_where=text("state = 'open' AND overdue_at IS NULL")),
)

# Each step of an action: opened, done, verified, reopened, with who, when and a note.
action_steps = Table(
    "action_steps", metadata,
    Column("id", Uuid, primary_key=True),
    Column("action_id", Uuid, ForeignKey("actions.id"), nullable=False, index=True),
    Column("estate_id", Uuid, nullable=False),
    Column("step", String(10), nullable=False),  # opened | done | verified | reopened
    Column("note", Text),
    Column("by", String(200), nullable=False),
    Column("at", UtcDateTime(), nullable=False),
)

# --- the quarterly bulletin (SRV-6) --------------------------------------------------------------

# A wave's bulletin (满意度调查公告): its author and what they wrote beside the figures; one per wave.
bulletins = Table(
    "bulletins", metadata,
    Column("id", Uuid, primary_key=True),
    Column("wave_id", Uuid, ForeignKey("waves.id"), nullable=False, unique=True),
    Column("estate_id", Uuid, nullable=False, index=True),
    Column("author", String(100), nullable=False),  # the name printed under it
    Column("summary", Text, nullable=False),  # the author's words: what was found, what will be done
    Column("published_by", String(200), nullable=False),
    Column("published_at", UtcDateTime(), nullable=False),
)

# Token buckets (servicekit.ratelimit): guesses of answer tokens per client address.
rate_budgets = define_rate_budgets(metadata)
