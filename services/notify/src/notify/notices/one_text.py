"""Starting a one-text notice in the database (PostgreSQL): its households' recipients and their
messages written by ``INSERT … SELECT``, not read into Python and copied back.

A register audience's notice whose template names no per-household variable (``name`` and ``unit``
unused, or given by the notice itself) has one text per channel and language: every household
reading zh-CN by SMS gets the same body. For 100,000 households the Python way (resolve the
audience, a dict per recipient, message and history row, three COPYs) took about 7 s on a quiet
machine, 4-6 s of it the sender's own CPU, while the other sender idled; here the database finds
the households, keeps them as recipients, and makes the queued messages and their history from
the few texts Python renders (:class:`notify.notices.composing.Composer`, one per channel and
language present): about 3 s of one backend's CPU (1.0-1.3 s the recipients, 1.7-2.3 s the
messages with their history), then ``ANALYZE`` 0.3-0.4 s.

What the Python way decides, the statements decide alike:

* one recipient per person × unit (a person with two roles in a unit is one), labelled
  "<building> <number>", with the variables every template can use (name, unit, estate);
* ``excluded``: ``opted_out`` (a non-essential purpose the person opted out of), else
  ``no_contact`` (no address on any of the notice's channels), else NULL;
* each reachable recipient's message on the first of the notice's channels they can take, in
  the language the template has for them (theirs, else zh-CN), a non-urgent SMS held until the
  end of quiet hours (``sms_from``), each with its ``queued`` history row.

The companies' units of the audience (few: read and matched in Python, see
:mod:`notify.audiences.companies`) and list audiences stay with the Python way
(:func:`notify.notices.starting._queue`); SQLite (the embedded default) always takes it.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import String, and_, bindparam, case, exists, false, func, literal, or_, select, text
from sqlalchemy.dialects.postgresql import distinct_on
from sqlalchemy.orm import Session

from notify.audiences.resolve import check_named, current_households, estate_name
from notify.domain.channels import EMAIL, IN_APP, SMS
from notify.domain.purposes import OPTIONAL
from notify.notices.composing import Composer
from notify.tables import buildings, occupancies, opt_outs, recipients
from servicekit.db import UtcDateTime

PER_HOUSEHOLD = ("name", "unit")  # the variables a register audience's recipients differ in
HELD = "held until the end of quiet hours"


def applies(session: Session, notice: Mapping[str, Any], template: Mapping[str, Any]) -> bool:
    """Whether ``notice`` can start here: PostgreSQL, a register audience, one text per channel and language."""
    if session.get_bind().dialect.name != "postgresql" or "list" in notice["audience"]:
        return False
    used = Composer(template, notice["variables"], "").used
    return all(name not in PER_HOUSEHOLD or name in notice["variables"] for name in used)


def _reachable(row: Any, channel: str) -> Any:
    """SQL: the recipient ``row`` (a subquery's or the recipients' columns) can take ``channel``
    (:func:`notify.audiences.reach.address`: a mobile, an e-mail, a person)."""
    if channel == SMS:
        return func.coalesce(row.mobile, "") != ""
    if channel == EMAIL:
        return func.coalesce(row.email, "") != ""
    if channel == IN_APP:
        return row.person_id.is_not(None)
    return false()


def _first_channel(row: Any, channels: Sequence[str]) -> Any:
    whens = [(_reachable(row, channel), literal(channel, String)) for channel in channels]
    return case(*whens, else_=None) if whens else literal(None, String)


def keep_households(session: Session, notice: Mapping[str, Any], audience: Mapping[str, Any], today: date) -> str:
    """INSERT … SELECT the audience's households as the notice's recipients; answers the estate's name
    (:class:`servicekit.errors.Invalid`, as resolving raises, for an estate or a building not in the copy)."""
    estate_id, channels = notice["estate_id"], tuple(notice["channels"])
    name_of_estate = estate_name(session, estate_id)
    check_named(session, estate_id, audience)
    households = (current_households(estate_id, audience, today)
                  .ext(distinct_on(occupancies.c.person_id, occupancies.c.unit_id))
                  .order_by(occupancies.c.person_id, occupancies.c.unit_id, buildings.c.code)).subquery("h")
    h = households.c
    label = case((func.coalesce(h.building_name, "") != "", h.building_name + " " + h.number), else_=h.number)
    opted = (exists().where(opt_outs.c.estate_id == estate_id, opt_outs.c.purpose == notice["purpose"],
                            opt_outs.c.person_id == h.person_id)
             if notice["purpose"] in OPTIONAL else false())
    reachable = or_(*[_reachable(h, channel) for channel in channels]) if channels else false()
    excluded = case((opted, literal("opted_out", String)), (~reachable, literal("no_contact", String)),
                    else_=literal(None, String))
    variables = func.json_build_object("name", h.name, "unit", func.coalesce(label, ""),
                                       "estate", literal(name_of_estate, String))
    rows = select(func.gen_random_uuid(), literal(notice["id"], recipients.c.notice_id.type),
                  literal(estate_id, recipients.c.estate_id.type), h.person_id, h.unit_id, h.name, label,
                  h.language, h.mobile, h.email, variables, excluded).select_from(households)
    session.execute(recipients.insert().from_select(
        ["id", "notice_id", "estate_id", "person_id", "unit_id", "name", "unit_label", "language", "mobile", "email",
         "variables", "excluded"], rows))
    return name_of_estate


def queue_messages(session: Session, notice: Mapping[str, Any], template: Mapping[str, Any], composer: Composer,
                   estate: str, now: datetime, sms_from: datetime) -> int:
    """The queued message (and its history row) of each reachable recipient of the notice kept so
    far, on their first channel, from one rendering per channel and language; answers how many."""
    channels = tuple(notice["channels"])
    r = recipients.c
    first = _first_channel(r, channels)
    mine = and_(r.notice_id == notice["id"], r.excluded.is_(None))
    pairs = session.execute(select(r.language, first.label("channel")).where(mine).distinct()).all()
    texts = []
    for language, channel in pairs:
        if channel is None:
            continue
        alike = {"person_id": None, "language": language, "variables": {"name": "", "unit": "", "estate": estate}}
        made = composer(alike, channel)
        texts.append({"reads": language, "channel": channel, "language": made["language"],
                      "subject": made["subject"] or None, "body": made["body"], "params": made["params"],
                      "segments": made["segments"],
                      "code": template["sms_template_code"] if channel == SMS else None})
    if not texts:
        return 0
    due = sms_from if not notice["urgent"] else now
    # The texts as one JSON parameter, joined by (the recipient's language, their first channel).
    made = session.execute(text(f"""
        WITH t AS (
            SELECT * FROM json_to_recordset(CAST(:texts AS json)) AS t(reads text, channel text, language text,
                subject text, body text, params json, segments int, code text)
        ), made AS (
            INSERT INTO messages (id, estate_id, notice_id, recipient_id, person_id, channel, address, language,
                subject, body, sms_template_code, params, segments, urgent, state, attempts, next_attempt_at,
                queued_at, updated_at, version)
            SELECT gen_random_uuid(), r.estate_id, r.notice_id, r.id, r.person_id, t.channel,
                CASE t.channel WHEN '{SMS}' THEN r.mobile WHEN '{EMAIL}' THEN r.email
                    WHEN '{IN_APP}' THEN CAST(r.person_id AS text) END,
                t.language, t.subject, t.body, t.code, t.params, t.segments, :urgent, 'queued', 0,
                CASE WHEN t.channel = '{SMS}' THEN :due ELSE :now END, :now, :now, 1
            FROM recipients r JOIN t ON t.reads = r.language AND t.channel = ({_sql_first(channels)})
            WHERE r.notice_id = :notice AND r.excluded IS NULL
            RETURNING id, next_attempt_at
        )
        INSERT INTO message_history (message_id, at, state, code, detail)
        SELECT id, :now, 'queued', NULL, CASE WHEN next_attempt_at <> :now THEN '{HELD}' END FROM made
    """).bindparams(bindparam("now", type_=UtcDateTime), bindparam("due", type_=UtcDateTime),
                    bindparam("notice", type_=recipients.c.notice_id.type)),
        {"texts": json.dumps(texts, ensure_ascii=False), "urgent": bool(notice["urgent"]), "due": due, "now": now,
         "notice": notice["id"]})
    return int(made.rowcount)


def _sql_first(channels: Sequence[str]) -> str:
    """The recipient ``r``'s first channel, as :func:`_first_channel`, in the statement's text (the
    notice's channels are the domain's names, never a caller's text)."""
    tests = {SMS: "COALESCE(r.mobile, '') <> ''", EMAIL: "COALESCE(r.email, '') <> ''",
             IN_APP: "r.person_id IS NOT NULL"}
    whens = " ".join(f"WHEN {tests[c]} THEN '{c}'" for c in channels if c in tests)
    return f"CASE {whens} END" if whens else "NULL"

